import type { Finding } from "../../core/finding.ts";
import { CheckId, failure } from "../check-id.ts";
import type { SmokeExpectations } from "../expectations.ts";
import type { Observation } from "../observe.ts";
import type { ActiveTarget } from "../sources.ts";

/** How a target is named in messages: its pod when the scrape config sets one. */
export function targetName(t: ActiveTarget): string {
  return `${t.labels.job}/${t.labels.pod ?? t.labels.instance ?? t.scrapeUrl}`;
}

export function checkTargets(o: Observation, expectations: SmokeExpectations): Finding[] {
  if (!o.ready.ready) return [];
  if (!o.targets.ok) return [failure(CheckId.TargetsPresent, `targets unavailable: ${o.targets.error}`)];
  const findings: Finding[] = [];
  const limitMs = 2 * expectations.scrapeInterval.milliseconds;
  for (const { job } of expectations.jobs) {
    if (!o.targets.value.some((t) => t.labels.job === job))
      findings.push(failure(CheckId.TargetsPresent, `job ${job} has no target`));
  }
  for (const t of o.targets.value) {
    if (t.health !== "up") {
      const why = t.lastError ? `: ${t.lastError}` : t.health === "unknown" ? " (not scraped yet)" : "";
      findings.push(failure(CheckId.TargetsUp, `target ${targetName(t)} is ${t.health}${why}`));
      continue;
    }
    if (t.lastError)
      findings.push(failure(CheckId.TargetsUp, `target ${targetName(t)} reports ${t.lastError}`));
    const age = o.at - Date.parse(t.lastScrape);
    if (!(age <= limitMs))
      findings.push(
        failure(
          CheckId.TargetsFresh,
          `target ${targetName(t)} was last scraped ${(age / 1000).toFixed(1)}s ago (limit ${limitMs / 1000}s, 2× the scrape interval)`,
        ),
      );
  }
  return findings;
}
