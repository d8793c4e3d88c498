import type { GithubSinkConfig } from "../config.ts";
import { githubRequest, repoUrl } from "../github-api.ts";
import { type Alert, environmentOf } from "../webhook.ts";
import {
  type Attempt,
  alertName,
  byFingerprint,
  call,
  type Delivery,
  type Http,
  Ok,
  type Outgoing,
  type Sink,
  type SinkMemory,
  truncate,
} from "./sink.ts";

/** GitHub rejects issue and comment bodies longer than this. */
export const GithubBodyLimit = 65_536;
const titleLimit = 256;

interface Subject {
  /** What the issue is keyed by: an alert fingerprint or the group key. */
  readonly key: string;
  readonly status: "firing" | "resolved";
  readonly alerts: readonly Alert[];
}

function describe(alerts: readonly Alert[], out: Outgoing): string {
  const lines: string[] = [];
  for (const a of alerts) {
    lines.push(`### ${alertName(a)} (${a.status})`);
    const summary = a.annotations.summary ?? a.annotations.description;
    if (summary) lines.push(summary);
    const deploy = out.deployContext.get(a.fingerprint);
    if (deploy) lines.push(`_${deploy}_`);
    lines.push("", "| label | value |", "|---|---|");
    for (const [k, v] of Object.entries(a.labels).sort()) lines.push(`| ${k} | ${v.replace(/\|/g, "\\|")} |`);
    lines.push("", `Started ${a.startsAt}${a.generatorURL ? ` · [source](${a.generatorURL})` : ""}`, "");
  }
  return lines.join("\n");
}

function body(text: string, marker: string): string {
  const tail = `\n\n<!-- flyby-receiver:${marker} -->`;
  return truncate(text, GithubBodyLimit - tail.length) + tail;
}

export class GithubSink implements Sink {
  readonly name: string;
  constructor(private readonly config: GithubSinkConfig) {
    this.name = config.name;
  }

  deliveries(out: Outgoing): Delivery[] {
    const n = out.notification;
    const subjects: Subject[] =
      this.config.issueKey === "groupKey"
        ? [{ key: `group:${n.groupKey}`, status: n.status, alerts: n.alerts }]
        : [...n.alerts]
            .sort(byFingerprint)
            .map((a) => ({ key: `alert:${a.fingerprint}`, status: a.status, alerts: [a] }));
    return subjects.map((s) => ({
      id: `issue-${s.key}`,
      send: (http, memory) => this.sync(s, out, http, memory),
    }));
  }

  private api(path: string): string {
    return repoUrl(this.config.apiUrl, this.config.repo, path);
  }

  private request(method: string, payload?: unknown): RequestInit {
    return githubRequest(this.config.token, method, payload);
  }

  /** Opens, comments on, closes or reopens the subject's issue so it matches the alert. */
  private async sync(s: Subject, out: Outgoing, http: Http, memory: SinkMemory): Promise<Attempt> {
    const indexKey = `github:${this.config.repo}:${s.key}`;
    const known = await memory.get(indexKey);
    const details = describe(s.alerts, out);
    if (!known) {
      if (s.status === "resolved") return Ok;
      const first = s.alerts[0] as Alert;
      const environment = environmentOf(first);
      const env = environment ? `[${environment}] ` : "";
      const summary = first.annotations.summary ? `: ${first.annotations.summary}` : "";
      const severity = first.labels.severity;
      const created = await call(
        http,
        this.api("/issues"),
        this.request("POST", {
          title: truncate(`${env}${alertName(first)}${summary}`, titleLimit),
          body: body(details, s.key),
          labels: ["alert", ...(severity ? [`severity:${severity}`] : [])],
        }),
        "github create issue",
      );
      if (!created.ok) return created.attempt;
      const issue = (await created.res.json()) as { number: number };
      await memory.set(indexKey, String(issue.number));
      return Ok;
    }
    const issuePath = `/issues/${known}`;
    const current = await call(http, this.api(issuePath), this.request("GET"), "github get issue");
    if (!current.ok) return current.attempt;
    const { state } = (await current.res.json()) as { state: "open" | "closed" };
    if (s.status === "resolved" && state === "closed") return Ok;
    const note =
      s.status === "resolved"
        ? "Resolved."
        : state === "closed"
          ? "Firing again; reopened."
          : "Still firing.";
    const comment = await call(
      http,
      this.api(`${issuePath}/comments`),
      this.request("POST", { body: body(`${note}\n\n${details}`, s.key) }),
      "github comment",
    );
    if (!comment.ok) return comment.attempt;
    const wanted = s.status === "resolved" ? "closed" : "open";
    if (state === wanted) return Ok;
    const patched = await call(
      http,
      this.api(issuePath),
      this.request(
        "PATCH",
        wanted === "closed" ? { state: "closed", state_reason: "completed" } : { state: "open" },
      ),
      "github update issue",
    );
    return patched.ok ? Ok : patched.attempt;
  }
}
