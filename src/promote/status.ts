import { shortHash } from "../bundle/bundle.ts";
import { currentDeployment, latestState, succeeded } from "./history.ts";
import { DeploymentKind, type DeploymentRecord, DeploymentState as S } from "./ports.ts";

export interface EnvironmentStatus {
  readonly environment: string;
  readonly current?: {
    readonly deployment: number;
    readonly kind: string;
    readonly bundle: string;
    readonly commit: string;
    readonly tag?: string;
    readonly by: string;
    readonly at: string;
    readonly smoke: string;
  };
  /** The newest attempt that did not succeed, since the last deploy or promotion that did. */
  readonly attempt?: {
    readonly deployment: number;
    readonly kind: string;
    readonly ref: string;
    readonly state: string;
    readonly description: string;
  };
}

export function environmentStatus(
  environment: string,
  records: readonly DeploymentRecord[],
): EnvironmentStatus {
  const current = currentDeployment(records);
  const lastGood = records.find((d) => succeeded(d) && d.payload.kind !== DeploymentKind.Rollback);
  const attempt = records.find((d) => !succeeded(d) && (!lastGood || d.id > lastGood.id));
  return {
    environment,
    ...(current
      ? {
          current: {
            deployment: current.id,
            kind: current.payload.kind,
            bundle: current.payload.bundle,
            commit: current.payload.commit,
            ...(current.payload.tag ? { tag: current.payload.tag } : {}),
            by: current.payload.actor ?? current.creator,
            at: current.createdAt,
            smoke: current.statuses.find((s) => s.state === S.Success)?.description ?? "passed",
          },
        }
      : {}),
    ...(attempt
      ? {
          attempt: {
            deployment: attempt.id,
            kind: attempt.payload.kind,
            ref: attempt.ref,
            state: latestState(attempt),
            description: attempt.statuses[0]?.description ?? "",
          },
        }
      : {}),
  };
}

export function formatStatus(rows: readonly EnvironmentStatus[]): string {
  const lines: string[] = [];
  for (const r of rows) {
    if (!r.current) lines.push(`${r.environment}: never deployed`);
    else {
      const c = r.current;
      lines.push(
        `${r.environment}: ${shortHash(c.bundle)} commit ${c.commit.slice(0, 12)}${c.tag ? ` tag ${c.tag}` : ""} (${c.kind} #${c.deployment} by ${c.by} at ${c.at})`,
        `  smoke: ${c.smoke}`,
      );
    }
    const a = r.attempt;
    if (a) lines.push(`  last attempt: ${a.kind} #${a.deployment} (${a.ref}) ${a.state}: ${a.description}`);
  }
  return `${lines.join("\n")}\n`;
}

// Mermaid takes ':' as the event separator and '#' as a comment start inside a timeline.
const mermaidSafe = (s: string) => s.replace(/[:#;]/g, " ").replace(/\s+/g, " ").trim();

/** A Mermaid timeline of deployments, oldest first, one section per environment. */
export function deploymentTimeline(
  title: string,
  byEnvironment: ReadonlyMap<string, readonly DeploymentRecord[]>,
): string {
  if ([...byEnvironment.values()].every((records) => records.length === 0)) return "_No deployments yet._\n";
  const lines = ["```mermaid", "timeline", `  title ${mermaidSafe(title)}`];
  for (const [environment, records] of byEnvironment) {
    if (records.length === 0) continue;
    lines.push(`  section ${mermaidSafe(environment)}`);
    for (const d of [...records].reverse()) {
      const when = `${d.createdAt.slice(5, 10)} ${d.createdAt.slice(11, 13)}h${d.createdAt.slice(14, 16)}`;
      const what = `${d.payload.kind} #${d.id} ${d.payload.tag ?? d.sha.slice(0, 7)} ${d.payload.bundle.slice(0, 12)}`;
      lines.push(
        `    ${when} : ${mermaidSafe(what)} : ${mermaidSafe(`${latestState(d)} ${d.statuses[0]?.description ?? ""}`)}`,
      );
    }
  }
  lines.push("```");
  return `${lines.join("\n")}\n`;
}
