import { describe, expect, test } from "bun:test";
import { fixtureExpectations as e, healthyObservation } from "../testing/smoke-fixtures.ts";
import { runChecks } from "./checks/index.ts";
import type { SmokeRun } from "./poller.ts";
import { formatReport, formatSummaryMarkdown } from "./report.ts";
import { smokeVerdictOf } from "./verdict.ts";

async function failingRun(): Promise<SmokeRun> {
  const o = await healthyObservation((o) => ({
    ...o,
    examples: [{ expr: "rate(x[5m]", error: "bad_data: 1:10: unclosed left parenthesis | here" }],
  }));
  return {
    verdict: smokeVerdictOf("staging", o, runChecks(o, e)),
    attempts: 3,
    elapsedMs: 2_500,
    timedOut: true,
  };
}

describe("report", () => {
  test("the table has one row per check and each finding with the guide's hint", async () => {
    const text = formatReport(await failingRun());
    expect(text).toStartWith("smoke staging: FAILED (1 of 14 checks), timed out (3 attempts, 2.5s)\n");
    expect(text).toMatch(/^targets-up +✅ pass$/m);
    expect(text).toMatch(/^example-queries +❌ fail +query rate\(x\[5m\] fails: bad_data/m);
    expect(text).toContain("What to check:\n  - a query from the guide fails:");
  });

  test("the headline counts failed checks apart from those not run", async () => {
    const o = await healthyObservation((o) => ({ ...o, ready: { ready: false, detail: "HTTP 503" } }));
    const run = {
      verdict: smokeVerdictOf("staging", o, runChecks(o, e)),
      attempts: 1,
      elapsedMs: 100,
      timedOut: true,
    };
    expect(formatReport(run)).toStartWith(
      "smoke staging: FAILED (1 of 14 checks, 13 not run), timed out (1 attempt, 0.1s)\n",
    );
  });

  test("the job summary marks each check with ✅/❌ and escapes table cells", async () => {
    const md = formatSummaryMarkdown([await failingRun()]);
    expect(md).toStartWith("### ❌ Smoke checks: staging\n");
    expect(md).toContain("| `targets-up` | ✅ pass |  |");
    expect(md).toContain("unclosed left parenthesis \\| here");
    expect(md).toContain("<details><summary>Findings and what to check</summary>");
  });

  test("on a fleet each cluster's section is named, and a cluster that could not be reached gets its own", async () => {
    const md = formatSummaryMarkdown([
      { cluster: "west", error: new Error("cannot reach the Kubernetes API at http://127.0.0.1:9 | x") },
      { cluster: "east", run: await failingRun() },
    ]);
    expect(md).toStartWith("### ❌ Smoke checks: cluster west\n");
    expect(md).toContain("### ❌ Smoke checks: staging, cluster east\n");
    expect(md).toContain(
      "### ❌ Smoke checks: cluster west\n\nunreachable: cannot reach the Kubernetes API at http://127.0.0.1:9 \\| x\n",
    );
  });
});
