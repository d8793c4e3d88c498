import { metrics, metricsEmittedBy } from "../../core/catalog/metrics.ts";
import type { Finding } from "../../core/finding.ts";
import { CheckId, failure } from "../check-id.ts";
import type { SmokeExpectations } from "../expectations.ts";
import { formatOf, parseExposition } from "../exposition.ts";
import type { Observation } from "../observe.ts";
import type { ActiveTarget, ScrapeResponse } from "../sources.ts";
import { targetName } from "./targets.ts";

const findingsShown = 5;

function checkBody(target: ActiveTarget, response: ScrapeResponse, e: SmokeExpectations): Finding[] {
  const where = `${targetName(target)} /metrics`;
  if (response.status !== 200)
    return [failure(CheckId.ScrapeFormat, `${where} answered HTTP ${response.status}`)];
  const parsed = parseExposition(response.body, formatOf(response.contentType));
  const findings = parsed.findings
    .slice(0, findingsShown)
    .map((f) => failure(CheckId.ScrapeFormat, `${where} line ${f.location?.line}: ${f.message}`));
  if (parsed.findings.length > findingsShown)
    findings.push(
      failure(
        CheckId.ScrapeFormat,
        `${where}: ${parsed.findings.length - findingsShown} more problems not shown`,
      ),
    );
  const service = e.jobs.find((j) => j.job === target.labels.job)?.service;
  if (!service) return findings;
  for (const metric of metricsEmittedBy(service)) {
    const family = parsed.families.get(metric) ?? parsed.families.get(metric.replace(/_total$/, ""));
    const expected = metrics[metric].type;
    if (!family) findings.push(failure(CheckId.ScrapeFamilies, `${where}: family ${metric} is missing`));
    else if (family.type !== expected)
      findings.push(
        failure(
          CheckId.ScrapeFamilies,
          `${where}: ${metric} has TYPE ${family.type}, the catalog says ${expected}`,
        ),
      );
    else if (family.samples.length === 0)
      findings.push(failure(CheckId.ScrapeFamilies, `${where}: ${metric} is declared but has no samples`));
  }
  return findings;
}

/** Each pod's /metrics, read directly: strict format, and the catalog's families for its service. */
export function checkScrapes(o: Observation, e: SmokeExpectations): Finding[] {
  return o.scrapes.flatMap(({ target, response }) =>
    response.ok
      ? checkBody(target, response.value, e)
      : [
          failure(
            CheckId.ScrapeFormat,
            `${targetName(target)} /metrics could not be read: ${response.error}`,
          ),
        ],
  );
}
