import type { SmokeExpectations } from "../../smoke/expectations.ts";
import { type SmokeRequest, smoke } from "../../smoke/run.ts";
import { CheckStatus } from "../../smoke/verdict.ts";
import type { SmokeCheck, SmokeVerdict } from "../ports.ts";

/** The smoke checks of `flyby smoke`, run against the environment just deployed. */
export function smokeCheck(
  expectationsFor: (environment: string) => SmokeExpectations,
  request: Omit<SmokeRequest, "expectations">,
): SmokeCheck {
  return {
    async check(environment): Promise<SmokeVerdict> {
      const { run } = await smoke({ ...request, expectations: expectationsFor(environment) });
      const checks = run.verdict.checks;
      if (run.verdict.passed) return { passed: true, summary: `${checks.length} checks passed` };
      const failing = checks.filter((c) => c.status !== CheckStatus.Pass);
      const first = run.verdict.findings[0]?.message;
      return {
        passed: false,
        summary: `${failing.map((c) => c.id).join(", ")}${first ? ` (${first})` : ""}${run.timedOut ? ", timed out" : ""}`,
      };
    },
  };
}
