import { describe, expect, test } from "bun:test";
import { exitCodeOf } from "../app/exit-policy.ts";
import { smokeEnvironment } from "../app/smoke.ts";
import { smokeCheck } from "../app/smoke-check.ts";
import { Duration } from "../core/duration.ts";
import { EnvironmentError } from "../core/errors.ts";
import { ExitCode } from "../core/exit-code.ts";
import {
  fixtureExpectations,
  fixtureTime,
  healthyObservation,
  prometheusFrom,
  scraperFrom,
} from "../testing/smoke-fixtures.ts";
import { formatFleetReport, smokeFleet } from "./fleet.ts";
import type { SmokeRequest } from "./run.ts";

const down = "cannot reach the Kubernetes API at https://10.0.0.9: connection refused (ECONNREFUSED)";

/** Checks whose opener reaches every cluster but `unreachable`, each with a healthy Prometheus. */
async function checks(unreachable: string): Promise<Omit<SmokeRequest, "access">> {
  const o = await healthyObservation();
  return {
    expectations: fixtureExpectations,
    timeout: Duration.parse("1m"),
    env: {},
    fetch: async () => new Response("ok"),
    clock: { now: () => fixtureTime, sleep: async () => {} },
    async open(reach) {
      if (reach.access.kind === "cluster" && reach.access.context === unreachable)
        throw new EnvironmentError(down);
      return { prometheus: prometheusFrom(o), scraper: scraperFrom(o) };
    },
  };
}

const via = (context: string) => ({ kind: "cluster" as const, context });

describe("smoke on a fleet with a cluster that cannot be reached", () => {
  test("GIVEN west cannot be reached THEN east still has its verdict, west is named with the cause, exit 3", async () => {
    const request = await checks("west");
    const clusters = [
      { cluster: "east", access: via("east") },
      { cluster: "west", access: via("west") },
    ];
    const fleet = await smokeFleet(request, clusters);
    expect(fleet.passed).toBe(false);
    expect(fleet.clusters.map((c) => [c.cluster, c.outcome.run.verdict.passed])).toEqual([["east", true]]);
    expect(fleet.unreachable.map((u) => [u.cluster, u.error.message])).toEqual([["west", down]]);

    const report = formatFleetReport("staging", fleet);
    expect(report).toContain("cluster east:\nsmoke staging: passed");
    expect(report).toContain(`cluster west: unreachable: ${down}\n`);
    expect(report).toEndWith("smoke staging: FAILED on west (1 of 2 clusters)\n");

    const { expectations, timeout, env, ...ports } = request;
    const outcome = await smokeEnvironment(
      { environment: "staging", check: { expectations, timeout, env }, clusters },
      ports,
    );
    expect(exitCodeOf(outcome)).toBe(ExitCode.EnvironmentFailed);
  });

  test("GIVEN the first cluster cannot be reached THEN the report keeps the environment's order", async () => {
    const fleet = await smokeFleet(await checks("east"), [
      { cluster: "east", access: via("east") },
      { cluster: "west", access: via("west") },
    ]);
    expect(fleet.answers.map((a) => a.cluster)).toEqual(["east", "west"]);
    const report = formatFleetReport("staging", fleet);
    expect(report).toStartWith(`cluster east: unreachable: ${down}\n\ncluster west:\n`);
    expect(report).toEndWith("smoke staging: FAILED on east (1 of 2 clusters)\n");
  });

  test("GIVEN a release's smoke check with a cluster out of reach THEN it stops with that cluster's error, not a verdict", async () => {
    const { expectations, timeout, env, ...ports } = await checks("west");
    const check = smokeCheck(
      (environment) => ({
        environment,
        check: { expectations, timeout, env },
        clusters: [
          { cluster: "east", access: via("east") },
          { cluster: "west", access: via("west") },
        ],
      }),
      ports,
    );
    await expect(check.check("staging")).rejects.toThrow(down);
  });

  test("GIVEN the lone cluster of a run without a fleet cannot be reached THEN the run fails as before", async () => {
    const request = await checks("");
    await expect(smokeFleet(request, [{ cluster: "", access: via("") }])).rejects.toThrow(down);
  });

  test("a failure that is not the cluster's is not hidden in the report", async () => {
    const request = await checks("none");
    const broken = { ...request, open: () => Promise.reject(new TypeError("a bug")) };
    await expect(smokeFleet(broken, [{ cluster: "east", access: via("east") }])).rejects.toThrow("a bug");
  });
});
