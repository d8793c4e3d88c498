import { type Color, paint as paintIf } from "../core/color.ts";
import { describeRef } from "../core/kube/object.ts";
import { ignoredFields } from "./normalize.ts";
import {
  type BlockedObject,
  type ChangeType,
  type ObjectDiff,
  type RiskKind,
  riskKinds,
} from "./object-diff.ts";

/** The diff of one environment against one baseline. */
export interface EnvironmentDiff {
  readonly environment: string;
  /** What it was compared with: `git:main`, `dir:out/`, `cluster`. */
  readonly against: string;
  readonly objects: readonly ObjectDiff[];
  readonly blocked: readonly BlockedObject[];
}

/** A baseline that gave no diff: a cluster of a fleet whose API server could not be read. */
export interface UnreadBaseline {
  readonly environment: string;
  readonly against: string;
  /** Why, naming the API server's URL. */
  readonly unreachable: string;
}

/** What one baseline gave: its diff, or why there is none. */
export type BaselineAnswer = EnvironmentDiff | UnreadBaseline;

export function isUnread(answer: BaselineAnswer): answer is UnreadBaseline {
  return "unreachable" in answer;
}

/** The answers that are diffs. */
export function diffsOf(answers: readonly BaselineAnswer[]): EnvironmentDiff[] {
  return answers.filter((a): a is EnvironmentDiff => !isUnread(a));
}

/** `staging against cluster west: unreachable: … (https://…)`: the one line a baseline without a diff gets. */
export function unreadLine(u: UnreadBaseline): string {
  return `${u.environment} against ${u.against}: unreachable: ${u.unreachable}`;
}

export type Counts = Record<ChangeType, number>;

/** GitHub rejects a comment body over 65,536 characters. */
export const commentLimit = 65_536;

const riskTitles: Record<RiskKind, string> = {
  conflict: "conflict with another field manager",
  deletion: "deletion",
  rbac: "RBAC",
  crd: "CRD",
  image: "image change",
  secret: "Secret change",
  storage: "storage",
  "load-balancer": "becomes a LoadBalancer",
};

function zero(): Counts {
  return { added: 0, changed: 0, removed: 0, unchanged: 0 };
}

export function totals(env: EnvironmentDiff): Counts {
  const c = zero();
  for (const o of env.objects) c[o.change]++;
  return c;
}

export function countsByKind(env: EnvironmentDiff): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const o of [...env.objects].sort((a, b) => a.ref.kind.localeCompare(b.ref.kind))) {
    const c = out.get(o.ref.kind) ?? zero();
    c[o.change]++;
    out.set(o.ref.kind, c);
  }
  return out;
}

/** How many objects would change or could not be checked: more than none is not clean. */
export function changedObjects(envs: readonly EnvironmentDiff[]): number {
  return envs.reduce(
    (n, e) => n + e.blocked.length + e.objects.filter((o) => o.change !== "unchanged").length,
    0,
  );
}

export function isDirty(envs: readonly EnvironmentDiff[]): boolean {
  return changedObjects(envs) > 0;
}

/** `.spec.replicas owned by "other"; apply fails unless --force-conflicts (the diff shows the forced result)`. */
export function conflictSummary(o: ObjectDiff): string {
  const fields = (o.conflicts ?? []).map((c) => `${c.field} owned by "${c.manager}"`).join(", ");
  return `${fields}; apply fails unless --force-conflicts (the diff shows what forcing would do)`;
}

function riskDetail(o: ObjectDiff, risk: RiskKind): string {
  if (risk === "conflict") return conflictSummary(o);
  if (risk === "secret" && o.secretKeys) return secretSummary(o);
  if (risk === "image") return o.paths.filter((p) => /(^|\.)image$/.test(p)).join(", ");
  return o.change;
}

/** `keys changed: password; added: token` — key names only, never values. */
export function secretSummary(o: ObjectDiff): string {
  const k = o.secretKeys;
  if (!k) return o.change;
  const parts = [
    k.changed.length ? `keys changed: ${k.changed.join(", ")}` : "",
    k.added.length ? `keys added: ${k.added.join(", ")}` : "",
    k.removed.length ? `keys removed: ${k.removed.join(", ")}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join("; ") : o.change;
}

/** Objects with risks first (in risk order), then the rest; unchanged ones are left out. */
export function reviewOrder(env: EnvironmentDiff): ObjectDiff[] {
  const changed = env.objects.filter((o) => o.change !== "unchanged");
  const rank = (o: ObjectDiff) =>
    o.risks.length ? riskKinds.indexOf(o.risks[0] as RiskKind) : riskKinds.length;
  return changed
    .map((o, i) => ({ o, i }))
    .sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i)
    .map((x) => x.o);
}

function summaryLine(c: Counts): string {
  return `${c.changed} changed · ${c.added} added · ${c.removed} removed · ${c.unchanged} unchanged`;
}

function code(s: string): string {
  return `<code>${s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</code>`;
}

function fenced(body: string): string {
  let fence = "```";
  while (body.includes(fence)) fence += "`";
  return `${fence}diff\n${body}${body.endsWith("\n") ? "" : "\n"}${fence}`;
}

/** Changed objects with a risk, one row per risk, in review order. */
function risksTable(env: EnvironmentDiff): string | undefined {
  const risky = reviewOrder(env).filter((o) => o.risks.length > 0);
  if (risky.length === 0) return undefined;
  const lines = ["| Risk | Object | Detail |", "|---|---|---|"];
  for (const o of risky) {
    for (const r of o.risks)
      lines.push(`| ${riskTitles[r]} | \`${describeRef(o.ref)}\` | ${riskDetail(o, r)} |`);
  }
  return lines.join("\n");
}

function blockedTable(env: EnvironmentDiff): string | undefined {
  if (env.blocked.length === 0) return undefined;
  const lines = ["| Object | Reason |", "|---|---|"];
  for (const b of env.blocked) lines.push(`| \`${describeRef(b.ref)}\` | ${b.reason} |`);
  return lines.join("\n");
}

/** How many changed objects carry at least one risk. */
export function riskyObjects(env: EnvironmentDiff): number {
  return env.objects.filter((o) => o.change !== "unchanged" && o.risks.length > 0).length;
}

function headerBlock(env: EnvironmentDiff): string {
  const c = totals(env);
  const lines = [
    `## flyby diff · \`${env.environment}\` against \`${env.against}\``,
    "",
    `**${summaryLine(c)}**`,
    "",
    "| Kind | Added | Changed | Removed | Unchanged |",
    "|---|--:|--:|--:|--:|",
  ];
  for (const [kind, k] of countsByKind(env)) {
    lines.push(`| ${kind} | ${k.added} | ${k.changed} | ${k.removed} | ${k.unchanged} |`);
  }
  lines.push(`| **Total** | ${c.added} | ${c.changed} | ${c.removed} | ${c.unchanged} |`);
  const risks = risksTable(env);
  if (risks) lines.push("", "### Risks first", "", risks);
  const blocked = blockedTable(env);
  if (blocked) lines.push("", "### Not diffed", "", blocked);
  if (c.added + c.changed + c.removed > 0) lines.push("", "### Changes");
  return lines.join("\n");
}

function detailSummary(o: ObjectDiff, suffix = ""): string {
  const what = o.ref.kind === "Secret" ? secretSummary(o) : o.paths.slice(0, 3).join(", ");
  const more = o.paths.length > 3 && o.ref.kind !== "Secret" ? ` +${o.paths.length - 3}` : "";
  const where = o.source ? ` · ${o.source.file}:${o.source.line}` : "";
  const detail = what && o.change === "changed" ? ` · ${code(what + more)}` : "";
  return `<summary>${code(describeRef(o.ref))} · ${o.change}${detail}${where}${suffix}</summary>`;
}

function detailBlock(o: ObjectDiff, body: string, suffix = ""): string {
  return `<details>${detailSummary(o, suffix)}\n\n${fenced(body)}\n</details>`;
}

function footnote(): string {
  return `<sub>Ignored (owned by the server): ${ignoredFields.map((f) => f.path).join("; ")}. Secret values are never shown: each value is a salted hash valid for this report only.</sub>`;
}

/** Splits one object's diff into blocks of at most `budget` characters, at line boundaries. */
function detailBlocks(o: ObjectDiff, budget: number): string[] {
  const whole = detailBlock(o, o.diff);
  if (whole.length <= budget) return [whole];
  const overhead = detailBlock(o, "", " (part 00/00)").length + 16;
  const room = Math.max(1000, budget - overhead);
  const chunks: string[] = [];
  let current = "";
  for (const line of o.diff.split(/(?<=\n)/)) {
    for (let i = 0; i < line.length; i += room) {
      const piece = line.slice(i, i + room);
      if (current.length + piece.length > room) {
        chunks.push(current);
        current = "";
      }
      current += piece;
    }
  }
  if (current) chunks.push(current);
  return chunks.map((c, i) => detailBlock(o, c, ` (part ${i + 1}/${chunks.length})`));
}

/** A block too long for one part (thousands of risk rows), cut at line boundaries. */
function byLines(block: string, budget: number): string[] {
  if (block.length <= budget) return [block];
  const out: string[] = [];
  let current = "";
  for (const line of block.split("\n")) {
    if (current && current.length + line.length + 1 > budget) {
      out.push(current);
      current = "";
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(current);
  return out;
}

/**
 * What a reviewer reads for one environment, each block under `budget` characters: the risks,
 * the objects that could not be diffed, then one folded diff per changed object, risky first.
 */
export function reviewBlocks(env: EnvironmentDiff, budget: number): string[] {
  const risks = risksTable(env);
  const blocked = blockedTable(env);
  return [
    ...(risks ? byLines(`**Risks first**\n\n${risks}`, budget) : []),
    ...(blocked ? byLines(`**Not diffed**\n\n${blocked}`, budget) : []),
    ...reviewOrder(env).flatMap((o) => detailBlocks(o, budget)),
  ];
}

/**
 * The PR comment for one environment, as one or more parts each under `limit` characters
 * (room is kept for the sticky-comment marker). Nothing is dropped: a long report is split.
 */
export function renderMarkdown(env: EnvironmentDiff, limit = commentLimit): string[] {
  const reserve = 400;
  const budget = limit - reserve;
  const blocks = [
    ...byLines(headerBlock(env), budget),
    ...reviewOrder(env).flatMap((o) => detailBlocks(o, budget)),
    footnote(),
  ];
  const parts: string[] = [];
  let current = "";
  for (const b of blocks) {
    if (current && current.length + b.length + 2 > budget) {
      parts.push(current);
      current = "";
    }
    current = current ? `${current}\n\n${b}` : b;
  }
  if (current) parts.push(current);
  if (parts.length === 1) return parts;
  return parts.map(
    (p, i) =>
      `_flyby diff \`${env.environment}\`, part ${i + 1}/${parts.length}. The whole diff is in the job summary and the run's artifacts._\n\n${p}`,
  );
}

/** The full report, unsplit: for the job summary, the artifact and `--format markdown`. */
export function renderMarkdownFull(envs: readonly BaselineAnswer[]): string {
  const sections = envs.map((e) =>
    isUnread(e) ? `**${unreadLine(e)}**` : renderMarkdown(e, Number.POSITIVE_INFINITY).join("\n\n"),
  );
  return `${sections.join("\n\n---\n\n")}\n`;
}

/** Terminal text; colour only when asked (the CLI edge decides). */
export function renderText(envs: readonly BaselineAnswer[], color: boolean): string {
  const paint = (c: Color, s: string) => paintIf(color, c, s);
  const out: string[] = [];
  for (const env of envs) {
    if (isUnread(env)) {
      out.push(paint("red", unreadLine(env)), "");
      continue;
    }
    const c = totals(env);
    out.push(paint("bold", `${env.environment} against ${env.against}: ${summaryLine(c)}`));
    for (const o of reviewOrder(env)) {
      for (const r of o.risks)
        out.push(paint("yellow", `  risk: ${riskTitles[r]}: ${describeRef(o.ref)} (${riskDetail(o, r)})`));
    }
    for (const b of env.blocked) out.push(paint("red", `  ${describeRef(b.ref)}: ${b.reason}`));
    for (const o of reviewOrder(env)) {
      const mark = o.change === "added" ? "+" : o.change === "removed" ? "-" : "~";
      const detail = o.ref.kind === "Secret" ? secretSummary(o) : o.paths.join(", ");
      out.push(
        "",
        paint(
          "bold",
          `${mark} ${describeRef(o.ref)} ${o.change}${detail && o.change === "changed" ? ` (${detail})` : ""}`,
        ),
      );
      for (const line of o.diff.replace(/\n$/, "").split("\n")) {
        if (line.startsWith("@@")) out.push(paint("cyan", line));
        else if (line.startsWith("+")) out.push(paint("green", line));
        else if (line.startsWith("-")) out.push(paint("red", line));
        else out.push(line);
      }
    }
    out.push("");
  }
  return `${out.join("\n")}\n`;
}

/**
 * Machine output: every object with its change, paths, risks and the redacted diff; a baseline
 * without a diff has `unreachable` (why) instead of a summary and objects.
 */
export function renderJson(envs: readonly BaselineAnswer[]): string {
  return `${JSON.stringify(
    {
      environments: envs.map((e) =>
        isUnread(e)
          ? { environment: e.environment, against: e.against, unreachable: e.unreachable }
          : {
              environment: e.environment,
              against: e.against,
              summary: totals(e),
              objects: e.objects.map((o) => ({ ...o.ref, ...o, ref: undefined })),
              blocked: e.blocked.map((b) => ({ ...b.ref, reason: b.reason })),
            },
      ),
      ignoredFields: ignoredFields.map((f) => f.path),
    },
    null,
    2,
  )}\n`;
}
