import type { Finding } from "../core/finding.ts";
import type { SmokeRun } from "./poller.ts";
import { type CheckResult, CheckStatus } from "./verdict.ts";

const mark: Record<CheckStatus, string> = { pass: "✅", fail: "❌", "not run": "➖" };

function headline(run: SmokeRun): string {
  const v = run.verdict;
  const count = (status: CheckStatus) => v.checks.filter((c) => c.status === status).length;
  const notRun = count(CheckStatus.NotRun);
  const outcome = v.passed
    ? "passed"
    : `FAILED (${count(CheckStatus.Fail)} of ${v.checks.length} checks${notRun ? `, ${notRun} not run` : ""})`;
  const timing = `${run.attempts} attempt${run.attempts === 1 ? "" : "s"}, ${(run.elapsedMs / 1000).toFixed(1)}s`;
  return `smoke ${v.environment}: ${outcome}${run.timedOut ? ", timed out" : ""} (${timing})`;
}

function detail(c: CheckResult): string {
  const first = c.findings[0];
  if (!first) return c.status === CheckStatus.NotRun ? "Prometheus not ready" : "";
  return c.findings.length > 1 ? `${first.message} (+${c.findings.length - 1} more)` : first.message;
}

function uniqueHints(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((f) => f.hint).filter((h): h is string => h !== undefined))];
}

/** The terminal report: a headline, one row per check, then every finding with its hint. */
export function formatReport(run: SmokeRun): string {
  const rows = run.verdict.checks.map((c) => [c.id, `${mark[c.status]} ${c.status}`, detail(c)] as const);
  const w0 = Math.max(5, ...rows.map((r) => r[0].length));
  const w1 = Math.max(6, ...rows.map((r) => r[1].length));
  const lines = [headline(run), "", `${"CHECK".padEnd(w0)}  ${"RESULT".padEnd(w1)}  DETAIL`];
  for (const [id, result, text] of rows)
    lines.push(`${id.padEnd(w0)}  ${result.padEnd(w1)}  ${text}`.trimEnd());
  const failures = run.verdict.findings;
  if (failures.length > 0) {
    lines.push("", "Findings:");
    for (const f of failures) lines.push(`  ${f.severity} ${f.rule} ${f.message}`);
    lines.push("", "What to check:");
    for (const h of uniqueHints(failures)) lines.push(`  - ${h}`);
  }
  return `${lines.join("\n")}\n`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The GitHub job summary: ✅/❌ per check, then the failures with the guide's hints. */
export function formatSummaryMarkdown(
  entries: readonly (
    | SmokeRun
    | { readonly cluster: string; readonly run: SmokeRun }
    | { readonly cluster: string; readonly error: Error }
  )[],
): string {
  const out: string[] = [];
  for (const entry of entries) {
    // A cluster that could not be reached ran no check: it fails the environment all the same.
    if ("error" in entry) {
      out.push(
        `### ❌ Smoke checks: cluster ${entry.cluster}`,
        "",
        `unreachable: ${cell(entry.error.message)}`,
        "",
      );
      continue;
    }
    const { cluster, run } = "run" in entry ? entry : { cluster: "", run: entry };
    const v = run.verdict;
    const where = cluster ? `${v.environment}, cluster ${cluster}` : v.environment;
    out.push(`### ${v.passed ? "✅" : "❌"} Smoke checks: ${where}`, "", headline(run), "");
    out.push("| Check | Result | Detail |", "|---|---|---|");
    for (const c of v.checks)
      out.push(`| \`${c.id}\` | ${mark[c.status]} ${c.status} | ${cell(detail(c))} |`);
    if (v.findings.length > 0) {
      out.push("", "<details><summary>Findings and what to check</summary>", "");
      for (const f of v.findings)
        out.push(`- **${f.rule}** ${cell(f.message)}${f.hint ? `<br>_${cell(f.hint)}_` : ""}`);
      out.push("", "</details>");
    }
    out.push("");
  }
  return out.join("\n");
}
