/**
 * The alert chain as shipped: from the rendered Prometheus configuration through the
 * generated rules to the generated Alertmanager configuration, for the repository's values.
 */
import { describe, expect, test } from "bun:test";
import { stackFacts } from "../core/catalog/stack.ts";
import { environmentLabel } from "../core/labels.ts";
import type { ManifestTree } from "../core/manifests/tree.ts";
import { renderEnvironment } from "../core/render/render.ts";
import { repoAlerts, repoManifests, repoStack } from "../testing/alerts/stack.ts";
import type { RoutingCase } from "./alertmanager.ts";
import { alertmanagerFile, amtoolCasesFile, generate } from "./generate.ts";

interface RuleYaml {
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
}
interface AmRoute {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  repeat_interval?: string;
  routes?: AmRoute[];
}
interface AmConfig {
  route: AmRoute;
  receivers: { name: string; webhook_configs?: { url: string }[] }[];
  inhibit_rules: { equal: string[] }[];
}

const stack = repoStack();
const files = generate(repoAlerts(stack));
const rules = [...files]
  .filter(([p]) => p.startsWith("rules/"))
  .flatMap(([, text]) => (Bun.YAML.parse(text) as { groups: { rules: RuleYaml[] }[] }).groups)
  .flatMap((g) => g.rules);
const am = Bun.YAML.parse(files.get(alertmanagerFile) ?? "") as AmConfig;
const walk = (r: AmRoute): AmRoute[] => [r, ...(r.routes ?? []).flatMap(walk)];

/** The manifests with the workers' GPU memory changed, as a new GPU model would. */
function withGpuMemory(tree: ManifestTree, gib: number): ManifestTree {
  const files = new Map(tree.files);
  const common = files.get("values/common.yaml") as string;
  files.set("values/common.yaml", common.replace(/memoryGiB: \d+/, `memoryGiB: ${gib}`));
  return { ...tree, files };
}

describe("every alert reaches Alertmanager with the environment label", () => {
  test("every aggregation keeps it, or the rule sets it", () => {
    const alerts = rules.filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThan(20);
    for (const r of alerts) {
      if (r.labels?.[environmentLabel]) continue;
      for (const m of r.expr.matchAll(/\b(by|without) \(([^)]*)\)/g)) {
        const labels = (m[2] as string).split(", ");
        if (m[1] === "by")
          expect({ alert: r.alert, by: labels }).toEqual({
            alert: r.alert,
            by: expect.arrayContaining([environmentLabel]),
          });
        else expect(labels).not.toContain(environmentLabel);
      }
    }
  });

  test("every scrape job of the rendered Prometheus sets it", () => {
    const render = renderEnvironment(repoManifests(), stack.observability.environment);
    const cm = render.objects.find((o) => o.object.metadata.name === "prometheus-config");
    const config = Bun.YAML.parse(
      ((cm?.object.data ?? {}) as Record<string, string>)["prometheus.yml"] as string,
    ) as {
      scrape_configs: {
        job_name: string;
        static_configs?: { labels?: Record<string, string> }[];
        relabel_configs?: { target_label?: string }[];
      }[];
    };
    for (const job of config.scrape_configs) {
      const relabelled = (job.relabel_configs ?? []).some((c) => c.target_label === environmentLabel);
      const static_ = (job.static_configs ?? []).every((s) => s.labels?.[environmentLabel]);
      expect({
        job: job.job_name,
        sets: relabelled || (job.static_configs !== undefined && static_),
      }).toEqual({
        job: job.job_name,
        sets: true,
      });
    }
  });

  test("Alertmanager groups, routes and inhibits by environment, never by namespace or env", () => {
    for (const r of walk(am.route)) {
      if (r.group_by) expect(r.group_by).toContain(environmentLabel);
      expect(r.group_by ?? []).not.toContain("namespace");
      for (const m of r.matchers ?? []) expect(m).not.toMatch(/^(namespace|env)=/);
    }
    expect(am.route.group_by).toEqual(["alertname", environmentLabel]);
    for (const i of am.inhibit_rules) expect(i.equal).toContain(environmentLabel);
    const cases = JSON.parse(files.get(amtoolCasesFile) ?? "[]") as RoutingCase[];
    for (const c of cases) expect(Object.keys(c.labels)).toContain(environmentLabel);
  });
});

describe("receivers are each environment's edge receiver", () => {
  test("every webhook posts to the receiverUrl of the environment it routes", () => {
    const urls = new Map(stack.environments.map((e) => [e.name, e.receiverUrl]));
    for (const r of am.receivers) {
      const env = r.name === "flyby-staging" || r.name.endsWith("-staging") ? "staging" : "production";
      for (const w of r.webhook_configs ?? [])
        expect({ receiver: r.name, url: w.url }).toEqual({ receiver: r.name, url: urls.get(env) as string });
    }
    expect(files.get(alertmanagerFile)).not.toContain(".svc");
  });

  test("the Watchdog has its own route per environment, repeated every minute", () => {
    const watchdog = walk(am.route).find((r) => r.matchers?.includes('alertname="Watchdog"'));
    expect(watchdog?.repeat_interval).toBe("1m");
    expect(watchdog?.routes?.map((r) => [r.matchers, r.receiver])).toEqual(
      stack.environments.map((e) => [[`environment="${e.name}"`], `flyby-watchdog-${e.name}`]),
    );
    const rulesOfWatchdog = rules.filter((r) => r.alert === "Watchdog");
    expect(rulesOfWatchdog.map((r) => [r.expr, r.labels?.severity, r.labels?.environment])).toEqual(
      stack.environments.map((e) => ["vector(1)", "none", e.name]),
    );
  });
});

describe("the alerting pipeline is watched", () => {
  test("alerts on Prometheus failing to reach Alertmanager and Alertmanager failing to notify, each unit-tested", () => {
    const watched = {
      PrometheusAlertmanagerErrors: "prometheus_notifications_errors_total",
      PrometheusDroppingAlerts: "prometheus_notifications_dropped_total",
      PrometheusNotConnectedToAlertmanager: "prometheus_notifications_alertmanagers_discovered",
      AlertmanagerNotificationsFailing: "alertmanager_notifications_failed_total",
    };
    const tests = files.get("tests/platform.test.yaml") ?? "";
    for (const [name, series] of Object.entries(watched)) {
      const rule = rules.find((r) => r.alert === name);
      expect({ name, expr: rule?.expr.includes(series), severity: rule?.labels?.severity }).toEqual({
        name,
        expr: true,
        severity: "critical",
      });
      expect(tests).toContain(`alertname: ${name}`);
    }
    expect(rules.find((r) => r.alert === "PrometheusNotConnectedToAlertmanager")?.expr).toMatch(/< 1$/);
  });
});

describe("stack-dependent thresholds come from the values", () => {
  const gpuRule = (rulesText: string | undefined, env: string) =>
    (Bun.YAML.parse(rulesText ?? "") as { groups: { rules: RuleYaml[] }[] }).groups
      .flatMap((g) => g.rules)
      .find((r) => r.alert === "GpuMemoryNearFull" && r.labels?.environment === env);

  test("GpuMemoryNearFull divides by the GPU memory the values deploy (80 GiB), not a T4's 16 GiB", () => {
    for (const env of stack.environments) {
      expect(gpuRule(files.get("rules/worker.rules.yaml"), env.name)?.expr).toBe(
        `(max by (environment, pod, gpu_id) (overflying_worker_gpu_memory_used_bytes{environment="${env.name}"}) / ${80 * 2 ** 30}) > 0.95`,
      );
    }
  });

  test("GIVEN a GPU model with 24 GiB in the values THEN the rule divides by 24 GiB", () => {
    const changed = generate(repoAlerts(stackFacts(withGpuMemory(repoManifests(), 24))));
    expect(gpuRule(changed.get("rules/worker.rules.yaml"), "staging")?.expr).toContain(
      `/ ${24 * 2 ** 30}) > 0.95`,
    );
    expect(changed.get("tests/worker.test.yaml")).toContain("97.5% of 24 GiB used");
  });

  test("the storage alert divides by the retention size of the Prometheus the values deploy", () => {
    const storage = rules.find((r) => r.alert === "PrometheusStorageNearRetentionSize");
    expect(storage?.expr).toContain(`/ ${stack.observability.retentionSizeBytes}) > 0.9`);
  });
});
