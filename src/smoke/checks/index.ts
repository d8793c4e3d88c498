import type { Finding } from "../../core/finding.ts";
import type { SmokeExpectations } from "../expectations.ts";
import type { Observation } from "../observe.ts";
import { checkGpus } from "./gpu.ts";
import { checkGrafana } from "./grafana.ts";
import { checkMetrics } from "./metrics.ts";
import { checkPrometheus } from "./prometheus.ts";
import { checkExampleQueries } from "./queries.ts";
import { checkScrapes } from "./scrape.ts";
import { checkTargets } from "./targets.ts";

/** Every smoke check over one observation. Pure: the same observation gives the same findings. */
export function runChecks(o: Observation, e: SmokeExpectations): Finding[] {
  return [
    ...checkPrometheus(o),
    ...checkTargets(o, e),
    ...checkMetrics(o, e),
    ...checkGpus(o, e),
    ...checkScrapes(o, e),
    ...checkExampleQueries(o),
    ...checkGrafana(o.grafana),
  ];
}
