import type { RollbackSinkConfig } from "../config.ts";
import { formatAge } from "../deployments.ts";
import { githubRequest, repoUrl } from "../github-api.ts";
import { environmentOf } from "../webhook.ts";
import { alertName, call, type Delivery, Ok, type Outgoing, type Sink } from "./sink.ts";

/**
 * Fires `repository_dispatch` (event type `flyby-rollback` by default) when a critical alert
 * of the environment (any environment whose deployments are followed, unless one is named) starts within `within` after its latest deployment. One dispatch per
 * deployment: the dispatched commit is remembered.
 */
export class RollbackSink implements Sink {
  readonly name: string;
  constructor(private readonly config: RollbackSinkConfig) {
    this.name = config.name;
  }

  deliveries(out: Outgoing): Delivery[] {
    const c = this.config;
    for (const a of out.notification.alerts) {
      const d = out.deployments.get(a.fingerprint);
      if (
        !d ||
        a.status !== "firing" ||
        a.labels.severity !== "critical" ||
        (c.environment !== undefined && environmentOf(a) !== c.environment)
      )
        continue;
      const after = Date.parse(a.startsAt) - d.reachedAt;
      if (after < 0 || after > c.within.milliseconds) continue;
      const remembered = `rollback:${c.repo}:${d.environment}:${d.sha}`;
      return [
        {
          id: `dispatch-${d.sha}`,
          send: async (http, memory) => {
            if (await memory.get(remembered)) return Ok;
            const r = await call(
              http,
              repoUrl(c.apiUrl, c.repo, "/dispatches"),
              githubRequest(c.token, "POST", {
                event_type: c.eventType,
                client_payload: {
                  environment: d.environment,
                  ref: d.ref,
                  sha: d.sha,
                  alertname: alertName(a),
                  fingerprint: a.fingerprint,
                  reason: `${alertName(a)} fired ${formatAge(after)} after ${d.ref} reached ${d.environment}`,
                },
              }),
              "github dispatch",
            );
            if (!r.ok) return r.attempt;
            await memory.set(remembered, "dispatched");
            return Ok;
          },
        },
      ];
    }
    return [];
  }
}
