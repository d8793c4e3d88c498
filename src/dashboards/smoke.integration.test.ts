/**
 * The generated dashboards on the smoke check's path: a Grafana double serves them as
 * provisioned, the smoke adapter reads their queries and substitutes the variables as it does
 * before /api/ds/query, and the real promtool parses every resulting query.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTool } from "../adapters/promtool.ts";
import { grafanaOverHttp } from "../smoke/adapters/grafana-http.ts";
import { substituteVariables } from "../smoke/observe.ts";
import { repoAlerts, repoStack } from "../testing/alerts/stack.ts";
import { type FakeDashboard, type FakeGrafana, startFakeGrafana } from "../testing/fake-grafana.ts";
import { buildDashboards } from "./build.ts";

const stack = repoStack();
const generated = [...buildDashboards(repoAlerts(stack), stack).values()].map(
  (text) => JSON.parse(text) as FakeDashboard,
);
let grafana: FakeGrafana;
let dir: string;

beforeAll(async () => {
  if (!Bun.which("promtool"))
    throw new Error("promtool is missing: run .ci/setup (apt-get install prometheus)");
  dir = await mkdtemp(join(tmpdir(), "flyby-dashboards-"));
  grafana = startFakeGrafana({
    token: "t0ken",
    datasourceUid: "prometheus",
    dashboards: generated,
    evaluate: async () => ({ points: 1 }),
  });
});
afterAll(async () => {
  await grafana?.stop();
  await rm(dir, { recursive: true, force: true });
});

test("every query the smoke check reads from the generated dashboards parses in Prometheus", async () => {
  const api = grafanaOverHttp(grafana.url, fetch, { token: "t0ken" });
  const lookups = await Promise.all(generated.map((d) => api.dashboard(d.uid)));
  expect(lookups.map((l) => l.found)).toEqual(generated.map(() => true));
  const environment = stack.environments[0]?.name ?? "staging";
  // Grafana's backend turns $__rate_interval into a duration; the smoke check leaves it to it.
  const exprs = lookups.flatMap((l) =>
    l.queries.map((q) => substituteVariables(q.expr, environment).replaceAll("$__rate_interval", "1m")),
  );
  expect(exprs.length).toBeGreaterThan(40);
  expect(exprs.filter((e) => e.includes("$"))).toEqual([]);
  const rules = {
    groups: [
      { name: "dashboards", rules: exprs.map((expr, i) => ({ record: `dashboard:query_${i}:expr`, expr })) },
    ],
  };
  await writeFile(join(dir, "queries.yaml"), JSON.stringify(rules));
  const run = await runTool(["promtool", "check", "rules", "queries.yaml"], dir);
  expect(run.output).toContain(`SUCCESS: ${exprs.length} rules found`);
  expect(run.ok).toBeTrue();
});
