import { shortHash } from "../bundle/bundle.ts";
import { mermaidTimeline, type TimelineEntry, Verdict } from "../core/timeline/deployment-timeline.ts";
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

/**
 * The deployments that a later rollback replaced: the one it names, or, for a rollback by hand,
 * the one running then (unless the rollback re-applied that same bundle).
 */
function rolledBack(records: readonly DeploymentRecord[]): Set<number> {
  const ids = new Set<number>();
  records.forEach((d, i) => {
    if (d.payload.kind !== DeploymentKind.Rollback) return;
    if (d.payload.rollbackOf !== undefined) ids.add(d.payload.rollbackOf);
    else {
      const running = currentDeployment(records.slice(i + 1));
      if (running && running.payload.bundle !== d.payload.bundle) ids.add(running.id);
    }
  });
  return ids;
}

function deploymentVerdictOf(d: DeploymentRecord, rolledBackIds: ReadonlySet<number>): Verdict {
  if (rolledBackIds.has(d.id)) return Verdict.RolledBack;
  if (succeeded(d)) return Verdict.Success;
  const state = latestState(d);
  return state === S.Failure || state === S.Error || state === S.Inactive
    ? Verdict.Failure
    : Verdict.InProgress;
}

function timelineEntries(records: readonly DeploymentRecord[]): TimelineEntry[] {
  const rolledBackIds = rolledBack(records);
  return records.map((d) => ({
    id: d.id,
    at: d.createdAt,
    kind: d.payload.kind,
    version: d.payload.tag ?? d.sha.slice(0, 7),
    bundle: d.payload.bundle,
    verdict: deploymentVerdictOf(d, rolledBackIds),
  }));
}

/** The Mermaid timeline of the last deployments of each environment, with their verdicts. */
export function deploymentTimeline(
  title: string,
  byEnvironment: ReadonlyMap<string, readonly DeploymentRecord[]>,
): string {
  return mermaidTimeline(
    title,
    new Map([...byEnvironment].map(([environment, records]) => [environment, timelineEntries(records)])),
  );
}

/** What one cluster's ApplySet parent says runs there. */
export interface ClusterApplied {
  readonly cluster: string;
  /** The sha256 of the objects the last complete apply wrote; absent when none did. */
  readonly sha256?: string;
  /** Why the parent could not be read (the cluster is unreachable or refused us). */
  readonly error?: string;
}

export const FleetVerdict = {
  InSync: "in-sync",
  Disagree: "clusters-disagree",
  NeverApplied: "never-applied",
  Unreachable: "unreachable",
} as const;
export type FleetVerdict = (typeof FleetVerdict)[keyof typeof FleetVerdict];

/** Every cluster of an environment, and one verdict for the environment. */
export interface FleetStatus {
  readonly environment: string;
  readonly verdict: FleetVerdict;
  /** What every cluster runs, when they agree. */
  readonly sha256?: string;
  readonly clusters: readonly ClusterApplied[];
}

/**
 * The environment's verdict from its clusters: unreachable when any could not be read (what it
 * runs is unknown), in sync when all run the same objects, never applied when none has any.
 */
export function fleetStatus(environment: string, clusters: readonly ClusterApplied[]): FleetStatus {
  const verdict = (v: FleetVerdict, sha256?: string): FleetStatus => ({
    environment,
    verdict: v,
    ...(sha256 ? { sha256 } : {}),
    clusters,
  });
  if (clusters.some((c) => c.error !== undefined)) return verdict(FleetVerdict.Unreachable);
  const shas = new Set(clusters.map((c) => c.sha256));
  if (shas.size > 1) return verdict(FleetVerdict.Disagree);
  const [only] = shas;
  return only ? verdict(FleetVerdict.InSync, only) : verdict(FleetVerdict.NeverApplied);
}

function clusterLine(c: ClusterApplied): string {
  if (c.error !== undefined) return `cannot read: ${c.error}`;
  return c.sha256 ? shortHash(c.sha256) : "nothing applied by flyby";
}

/** The environment's one line: its verdict, what runs, and which clusters stand out. */
export function fleetHeadline(s: FleetStatus): string {
  const n = s.clusters.length;
  switch (s.verdict) {
    case FleetVerdict.InSync:
      return `${s.environment}: in sync, ${shortHash(s.sha256 ?? "")} on all ${n} clusters`;
    case FleetVerdict.NeverApplied:
      return `${s.environment}: never applied on any of its ${n} clusters`;
    case FleetVerdict.Unreachable: {
      const down = s.clusters.filter((c) => c.error !== undefined).map((c) => c.cluster);
      return `${s.environment}: unknown, ${down.join(", ")} could not be read (${down.length} of ${n} clusters)`;
    }
    case FleetVerdict.Disagree: {
      const kinds = new Set(s.clusters.map((c) => c.sha256)).size;
      return `${s.environment}: clusters disagree, ${kinds} different states on ${n} clusters`;
    }
  }
}

export function formatFleetStatus(rows: readonly FleetStatus[]): string {
  const lines = rows.flatMap((s) => [
    fleetHeadline(s),
    ...s.clusters.map((c) => `  cluster ${c.cluster}: ${clusterLine(c)}`),
  ]);
  return `${lines.join("\n")}\n`;
}

/** A table per environment under its headline, as the job summary shows it. */
export function fleetStatusMarkdown(rows: readonly FleetStatus[]): string {
  const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
  return rows
    .map((s) =>
      [
        `**${fleetHeadline(s)}**`,
        "",
        "| cluster | runs |",
        "|---|---|",
        ...s.clusters.map(
          (c) =>
            `| ${cell(c.cluster)} | ${c.sha256 && c.error === undefined ? `\`${shortHash(c.sha256)}\`` : cell(clusterLine(c))} |`,
        ),
      ].join("\n"),
    )
    .join("\n\n")
    .concat("\n");
}
