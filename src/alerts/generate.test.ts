import { describe, expect, test } from "bun:test";
import type { KubeObject } from "../core/kube/object.ts";
import { definitionWith } from "../testing/alerts/definition.ts";
import { repoAlerts } from "../testing/alerts/stack.ts";
import { max, metric } from "./expr.ts";
import { generate } from "./generate.ts";
import { receiver, rootRoute } from "./routes.ts";
import { alert } from "./rules.ts";
import { series } from "./test-input.ts";

const defaults = repoAlerts();

const hot = alert({
  name: "GpuHot",
  expr: max(metric("overflying_worker_gpu_temperature_celsius"), { by: ["pod", "gpu_id"] }).gt(90),
  for: "2m",
  severity: "critical",
  team: "ml",
  labels: { component: "gpu" },
  summary: "GPU {{ $labels.gpu_id }} at {{ $value }} °C",
  description: "GPU {{ $labels.gpu_id }} on {{ $labels.pod }} is hot.",
  runbook: "gpu/hot",
  tests: [
    {
      name: "95",
      input: [series("overflying_worker_gpu_temperature_celsius", { pod: "w-0", gpu_id: "0" }, "95x10")],
      at: "3m",
      fires: [{ labels: { pod: "w-0", gpu_id: "0" }, value: 95 }],
    },
  ],
});

describe("generated files", () => {
  const files = generate(definitionWith([hot]));

  test("the rule file", () => {
    expect(files.get("rules/test.rules.yaml")).toBe(`groups:
  - name: test
    rules:
      - alert: GpuHot
        expr: "max by (pod, gpu_id) (overflying_worker_gpu_temperature_celsius) > 90"
        for: 2m
        labels:
          component: gpu
          severity: critical
          team: ml
          tier: page
        annotations:
          description: "GPU {{ $labels.gpu_id }} on {{ $labels.pod }} is hot."
          runbook_url: https://runbooks.example/gpu/hot
          summary: "GPU {{ $labels.gpu_id }} at {{ $value }} °C"
`);
  });

  test("promtool tests get the full labels and rendered annotations from the rule", () => {
    const text = files.get("tests/test.test.yaml") ?? "";
    const doc = Bun.YAML.parse(text) as {
      rule_files: string[];
      tests: { alert_rule_test: { exp_alerts: unknown[] }[] }[];
    };
    expect(doc.rule_files).toEqual(["../rules/test.rules.yaml"]);
    expect(doc.tests[0]?.alert_rule_test[0]?.exp_alerts).toEqual([
      {
        exp_labels: {
          component: "gpu",
          gpu_id: "0",
          pod: "w-0",
          severity: "critical",
          team: "ml",
          tier: "page",
        },
        exp_annotations: {
          description: "GPU 0 on w-0 is hot.",
          runbook_url: "https://runbooks.example/gpu/hot",
          summary: "GPU 0 at 95 °C",
        },
      },
    ]);
  });

  test("the webhook token comes from a credentials file, never a literal", () => {
    const am = files.get("alertmanager.yml") ?? "";
    expect(am).toContain("credentials_file: /etc/alertmanager/secrets/receiver-token");
    expect(am).not.toMatch(/\bcredentials:|bearer_token:/);
  });

  test("Slack reads its webhook URL from a file too", () => {
    const slack = receiver("slack", {
      slack: [{ apiUrlFile: "/etc/alertmanager/secrets/slack-webhook-url", channel: "#alerts" }],
    });
    const am = generate(definitionWith([hot], rootRoute({ receiver: slack }))).get("alertmanager.yml") ?? "";
    expect(am).toContain("api_url_file: /etc/alertmanager/secrets/slack-webhook-url");
    expect(am).not.toMatch(/api_url:/);
  });

  test("manifests: the rules ConfigMap and Alertmanager's configuration, in observability", () => {
    const objects = [...files]
      .filter(([p]) => p.startsWith("manifests/"))
      .map(([, t]) => Bun.YAML.parse(t) as KubeObject);
    // Alertmanager's Deployment and Service are a template, so its image is a value releases pin.
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      "ConfigMap/alertmanager-config",
      "ConfigMap/prometheus-rules",
    ]);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe("observability");
      expect(o.metadata.labels).toMatchObject({
        "app.kubernetes.io/part-of": "overflying",
        "app.kubernetes.io/managed-by": "flyby",
      });
      expect(Object.keys(o).slice(0, 3)).toEqual(["apiVersion", "kind", "metadata"]);
    }
    const rules = objects.find((o) => o.metadata.name === "prometheus-rules") as KubeObject & {
      data: object;
    };
    expect(Object.keys(rules.data)).toEqual(["test.rules.yaml"]);
  });

  test("the same definition gives the same bytes", () => {
    expect([...generate(defaults)]).toEqual([...generate(defaults)]);
  });
});
