/**
 * The shipped dashboards, read from manifests/dashboards/ as Grafana loads them: every panel
 * has a unit; every query parses and uses catalog metrics; the variables exist and every
 * query uses them; every alert threshold on a shown expression is a panel threshold.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { allRules } from "../alerts/definition.ts";
import type { AlertRule } from "../alerts/rules.ts";
import { checkDashboard } from "../core/catalog/dashboard-policy.ts";
import { formatFinding } from "../core/finding.ts";
import { repoAlerts, repoStack } from "../testing/alerts/stack.ts";
import { repoRoot } from "../testing/cli.ts";
import {
  type DashboardModel,
  dataPanels,
  datasourceProblems,
  thresholdProblems,
  unitProblems,
  variableProblems,
} from "./check.ts";
import { dashboardsDir } from "./location.ts";
import { slosOf } from "./slo-rows.ts";
import { alertThresholds } from "./thresholds.ts";

const dir = join(repoRoot, dashboardsDir);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();
const texts = new Map(files.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
const models = new Map(files.map((f) => [f, JSON.parse(texts.get(f) ?? "") as Dashboard]));
const model = (file: string) => models.get(file) as Dashboard;

const stack = repoStack();
const alerts = repoAlerts(stack);
const rules = allRules(alerts).flatMap(({ rule }) => (rule.type === "alert" ? [rule as AlertRule] : []));
const thresholds = alertThresholds(rules);

interface Dashboard extends DashboardModel {
  readonly uid: string;
  readonly schemaVersion: number;
  readonly templating: {
    readonly list: readonly {
      readonly name: string;
      readonly type: string;
      readonly multi?: boolean;
      readonly includeAll?: boolean;
      readonly query?: unknown;
    }[];
  };
  readonly annotations: {
    readonly list: readonly { readonly name: string; readonly target?: { tags: string[] } }[];
  };
}

const panelTitled = (file: string, title: string) => {
  const panel = dataPanels(model(file)).find((p) => p.title === title);
  if (!panel) throw new Error(`${file} has no panel "${title}"`);
  return panel as typeof panel & { readonly targets: readonly { readonly expr: string }[] };
};
const stepsOf = (panel: ReturnType<typeof panelTitled>) =>
  (panel.fieldConfig?.defaults?.thresholds?.steps ?? []).map((s) => s.value);

/** A deep copy to break on purpose. */
const copyOf = (file: string): Dashboard & { panels: Record<string, unknown>[] } =>
  JSON.parse(texts.get(file) ?? "");

test("the three dashboards are there, with their uids", () => {
  expect(files).toEqual(["api-detailed.json", "overview.json", "worker-detailed.json"]);
  expect(files.map((f) => model(f).uid)).toEqual([
    "overflying-api-detailed",
    "overflying-overview",
    "overflying-worker-detailed",
  ]);
});

for (const file of files) {
  describe(file, () => {
    test("every panel has a unit", () => {
      expect(dataPanels(model(file)).length).toBeGreaterThan(5);
      expect(unitProblems(model(file))).toEqual([]);
    });

    test("every query parses and uses catalog metrics and their labels only", () => {
      const findings = checkDashboard(texts.get(file) ?? "", `${dashboardsDir}/${file}`);
      expect(findings.map(formatFinding)).toEqual([]);
    });

    test("the variables exist, multi-select with All, and every query uses them", () => {
      const list = model(file).templating.list;
      expect(list[0]).toMatchObject({ name: "datasource", type: "datasource", query: "prometheus" });
      for (const v of list.slice(1))
        expect(v).toMatchObject({ type: "query", multi: true, includeAll: true });
      expect(list.map((v) => v.name).slice(0, 4)).toEqual(["datasource", "environment", "namespace", "pod"]);
      expect(datasourceProblems(model(file))).toEqual([]);
      expect(variableProblems(model(file))).toEqual([]);
    });

    test("every alert threshold on a shown expression appears as a panel threshold", () => {
      expect(thresholdProblems(model(file), thresholds)).toEqual([]);
    });

    test("deploys to each environment are annotated", () => {
      const deploys = model(file).annotations.list.filter((a) => a.name.startsWith("Deploys to "));
      expect(deploys.map((a) => [a.name, a.target?.tags])).toEqual(
        [...stack.environments]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((e) => [`Deploys to ${e.name}`, ["flyby", e.name]]),
      );
    });

    test("Grafana 10.4, which the stack deploys, reads the schema", () => {
      expect(model(file).schemaVersion).toBe(39);
    });
  });
}

describe("thresholds come from the alerts", () => {
  test("GPU temperature carries the overheating alert's 90 °C, the GPU memory share its 95%", () => {
    expect(thresholds.filter((t) => t.alert === "GpuOverheating").map((t) => t.value)).toEqual([90]);
    expect(stepsOf(panelTitled("worker-detailed.json", "GPU temperature"))).toEqual([null, 90]);
    expect(stepsOf(panelTitled("overview.json", "GPU temperature (max)"))).toEqual([null, 90]);
    expect(stepsOf(panelTitled("worker-detailed.json", "GPU memory used (share of the GPU)"))).toEqual([
      null,
      0.95,
    ]);
  });

  test("error ratios, latency and the queue carry their alerts' thresholds", () => {
    expect(stepsOf(panelTitled("api-detailed.json", "Error ratio (5xx)"))).toEqual([null, 0.05]);
    expect(stepsOf(panelTitled("api-detailed.json", "Request latency p50 / p95 / p99"))).toEqual([null, 1]);
    expect(stepsOf(panelTitled("api-detailed.json", "Jobs queued"))).toEqual([null, 50]);
    expect(stepsOf(panelTitled("worker-detailed.json", "Job failure ratio"))).toEqual([null, 0.1]);
  });

  test("the GPU memory share divides by each environment's GPU memory, as the alert does", () => {
    const expr =
      panelTitled("worker-detailed.json", "GPU memory used (share of the GPU)").targets[0]?.expr ?? "";
    for (const env of stack.environments) {
      expect(expr).toContain(`environment="${env.name}", environment=~"$environment"`);
      expect(expr).toContain(`/ ${env.gpu.memoryBytes}`);
    }
  });

  test("GIVEN a panel that lost its threshold THEN the check names the panel and the alert", () => {
    const broken = copyOf("worker-detailed.json");
    const temperature = dataPanels(broken).find((p) => p.title === "GPU temperature") as unknown as {
      fieldConfig: { defaults: { thresholds: { steps: unknown[] } } };
    };
    temperature.fieldConfig.defaults.thresholds.steps.splice(1);
    expect(thresholdProblems(broken, thresholds)).toEqual([
      'panel "GPU temperature" shows what GpuOverheating compares with 90 but has no threshold at 90',
    ]);
  });
});

describe("one SLO row per objective", () => {
  const slos = slosOf(alerts);

  test("the SLOs of alerts/ with their objectives", () => {
    expect(slos.map((s) => [s.name, s.objective])).toEqual([
      ["api_availability", 0.999],
      ["job_success", 0.99],
    ]);
  });

  for (const slo of slos) {
    test(`${slo.name}: burn rate with the alerts' factors, error budget left and the SLI`, () => {
      const rows = (model("overview.json").panels ?? []).filter((p) => p.type === "row").map((p) => p.title);
      expect(rows).toContain(`SLO ${slo.name}: ${slo.objective * 100}% over 30d`);
      const burn = panelTitled("overview.json", `${slo.name}: burn rate`);
      expect(stepsOf(burn)).toEqual([null, 1, 3, 6, 14.4]);
      expect(burn.targets.map((t) => (t.expr ?? "").match(/\[(\w+)\]/)?.[1])).toEqual([
        "1h",
        "6h",
        "1d",
        "3d",
      ]);
      expect(burn.targets.every((t) => (t.expr ?? "").endsWith(`/ ${slo.budget}`))).toBeTrue();
      expect(panelTitled("overview.json", `${slo.name}: error budget left`).targets[0]?.expr).toContain(
        "[30d]",
      );
      expect(stepsOf(panelTitled("overview.json", `${slo.name}: SLI over 30d`))).toEqual([
        null,
        slo.objective,
      ]);
    });
  }
});

describe("the checks fail on broken dashboards", () => {
  test("a panel without a unit, a fixed datasource, an unfiltered pod and an unknown variable are named", () => {
    const broken = copyOf("api-detailed.json");
    const [first] = dataPanels(broken) as unknown as {
      title: string;
      fieldConfig: { defaults: { unit?: string } };
      datasource: { uid: string };
      targets: { expr: string }[];
    }[];
    if (!first?.targets[0]) throw new Error("no panel");
    delete first.fieldConfig.defaults.unit;
    first.datasource = { uid: "prometheus" };
    first.targets[0].expr = first.targets[0].expr.replace('pod=~"$pod"', 'pod=~"$instance"');
    expect(unitProblems(broken)).toEqual([`panel "${first.title}" has no unit`]);
    expect(datasourceProblems(broken)).toEqual([`panel "${first.title}" does not read $datasource`]);
    expect(variableProblems(broken)).toEqual([
      `panel "${first.title}": http_server_requests_total is not filtered by $pod`,
      `panel "${first.title}" uses $instance, which the dashboard does not define`,
    ]);
  });

  test("a variable no query uses is named", () => {
    const broken = copyOf("worker-detailed.json");
    for (const p of dataPanels(broken) as unknown as { targets?: { expr: string }[] }[]) {
      for (const t of p.targets ?? []) t.expr = t.expr.replaceAll(', gpu_id=~"$gpu_id"', "");
    }
    expect(variableProblems(broken).at(-1)).toBe("variable gpu_id is used by no query");
  });
});
