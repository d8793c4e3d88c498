import { type Finding, hasErrors } from "../core/finding.ts";
import { type CheckId, checkOrder } from "./check-id.ts";
import type { Observation } from "./observe.ts";

export const CheckStatus = { Pass: "pass", Fail: "fail", NotRun: "not run" } as const;
export type CheckStatus = (typeof CheckStatus)[keyof typeof CheckStatus];

export interface CheckResult {
  readonly id: CheckId;
  readonly status: CheckStatus;
  readonly findings: readonly Finding[];
}

/** The smoke checks' answer for one environment: passed, and each check's result. */
export interface SmokeVerdict {
  readonly environment: string;
  readonly passed: boolean;
  readonly checks: readonly CheckResult[];
  readonly findings: readonly Finding[];
}

const grafanaChecks: readonly CheckId[] = [
  "grafana-health",
  "grafana-datasource",
  "grafana-dashboards",
  "grafana-data",
];

function ran(id: CheckId, o: Observation): boolean {
  if (grafanaChecks.includes(id)) return o.grafana !== undefined;
  return id === "prometheus-ready" || o.ready.ready;
}

/** The smoke verdict from the checks' findings: it passes when no check has an error and every check ran. */
export function smokeVerdictOf(
  environment: string,
  o: Observation,
  findings: readonly Finding[],
): SmokeVerdict {
  const checks = checkOrder
    .filter((id) => ran(id, o) || findings.some((f) => f.rule === id))
    .map((id) => {
      const own = findings.filter((f) => f.rule === id);
      return { id, status: hasErrors(own) ? CheckStatus.Fail : CheckStatus.Pass, findings: own };
    });
  const notRun = checkOrder
    .filter((id) => !grafanaChecks.includes(id) && !checks.some((c) => c.id === id))
    .map((id) => ({ id, status: CheckStatus.NotRun, findings: [] }));
  return {
    environment,
    passed: !hasErrors(findings) && notRun.length === 0,
    checks: [...checks, ...notRun],
    findings,
  };
}
