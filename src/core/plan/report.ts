import { type Finding, formatFinding, Severity } from "../finding.ts";
import type { RenderResult } from "../render/render.ts";

export interface EnvironmentPlan {
  readonly render: RenderResult;
  readonly findings: readonly Finding[];
}

export interface PlanSummary {
  readonly environment: string;
  readonly objects: number;
  readonly errors: number;
  readonly warnings: number;
}

export function summarize(plan: EnvironmentPlan): PlanSummary {
  return {
    environment: plan.render.environment.name,
    objects: plan.render.objects.length,
    errors: plan.findings.filter((f) => f.severity === Severity.Error).length,
    warnings: plan.findings.filter((f) => f.severity === Severity.Warning).length,
  };
}

function countsByKind(plan: EnvironmentPlan): string {
  const counts = new Map<string, number>();
  for (const { object } of plan.render.objects) counts.set(object.kind, (counts.get(object.kind) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
}

/**
 * The plan's markdown report: stale generated files first, then what the base cannot render
 * (`baseNotes`), then one section per environment, findings first.
 */
export function planReport(
  plans: readonly EnvironmentPlan[],
  stale: readonly Finding[] = [],
  baseNotes: readonly string[] = [],
): string {
  const lines = ["# flyby plan", ""];
  if (stale.length > 0) {
    lines.push("## Stale generated files", "", "```");
    for (const f of stale) lines.push(formatFinding(f), `  hint: ${f.hint ?? ""}`);
    lines.push("```", "");
  }
  if (baseNotes.length > 0) {
    lines.push("## Base", "", ...baseNotes.map((n) => `- ${n}; its objects are diffed against nothing`), "");
  }
  lines.push("| environment | objects | errors | warnings |", "|---|---:|---:|---:|");
  for (const p of plans) {
    const s = summarize(p);
    lines.push(`| ${s.environment} | ${s.objects} | ${s.errors} | ${s.warnings} |`);
  }
  for (const p of plans) {
    const env = p.render.environment;
    lines.push(
      "",
      `## ${env.name}`,
      "",
      `Owns namespaces ${env.namespaces.map((n) => `\`${n}\``).join(", ")}: ${countsByKind(p)}.`,
    );
    if (p.findings.length === 0) {
      lines.push("", "No findings.");
      continue;
    }
    lines.push("", "```");
    for (const f of p.findings) lines.push(formatFinding(f));
    lines.push("```");
  }
  return `${lines.join("\n")}\n`;
}
