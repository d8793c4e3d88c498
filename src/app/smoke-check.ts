import type { SmokeCheck, SmokeSummary } from "../promote/ports.ts";
import type { SmokeOutcome } from "../smoke/run.ts";
import { CheckStatus } from "../smoke/verdict.ts";
import { type SmokeEnvironmentRequest, type SmokePorts, smokeEnvironment } from "./smoke.ts";

function summaryOf({ run }: SmokeOutcome): string {
  const checks = run.verdict.checks;
  if (run.verdict.passed) return `${checks.length} checks passed`;
  const failing = checks.filter((c) => c.status !== CheckStatus.Pass);
  const first = run.verdict.findings[0]?.message;
  return `${failing.map((c) => c.id).join(", ")}${first ? ` (${first})` : ""}${run.timedOut ? ", timed out" : ""}`;
}

/**
 * The smoke checks of `flyby smoke`, run against the environment just deployed: on each of
 * its clusters at once when there are several, and passed only when every one passes.
 */
export function smokeCheck(
  requestFor: (environment: string) => SmokeEnvironmentRequest,
  ports: SmokePorts,
): SmokeCheck {
  // Read once per environment: a deploy prepares it before the apply and checks after.
  const requests = new Map<string, SmokeEnvironmentRequest>();
  const requestOf = (environment: string) => {
    const request = requests.get(environment) ?? requestFor(environment);
    requests.set(environment, request);
    return request;
  };
  return {
    prepare(environment) {
      requestOf(environment);
    },
    async check(environment): Promise<SmokeSummary> {
      const fleet = await smokeEnvironment(requestOf(environment), ports);
      // A cluster that could not be reached stops the release as an environment failure.
      const [down] = fleet.unreachable;
      if (down) throw down.error;
      const [only] = fleet.clusters;
      if (fleet.clusters.length === 1 && only)
        return { passed: fleet.passed, summary: summaryOf(only.outcome) };
      // Failing clusters first: GitHub keeps 140 characters of the status.
      const ordered = [...fleet.clusters].sort(
        (a, b) => Number(a.outcome.run.verdict.passed) - Number(b.outcome.run.verdict.passed),
      );
      return {
        passed: fleet.passed,
        summary: ordered.map((c) => `${c.cluster}: ${summaryOf(c.outcome)}`).join("; "),
      };
    },
  };
}
