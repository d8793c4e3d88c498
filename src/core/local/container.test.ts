import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parse } from "yaml";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { repoRoot } from "../../testing/cli.ts";
import type { KubeObject } from "../kube/object.ts";
import { renderChecked } from "../render/render-checked.ts";
import { argValue, localPrometheus } from "./container.ts";
import { podTargetGroups, selectorMatcher } from "./pod-discovery.ts";

const tree = loadManifestTree(join(repoRoot, "manifests"));
const rendered = (env: string) => renderChecked(tree, env).objects.map((r) => r.object);

/** A Pod as the API server would list it once a kubelet has written its status. */
function pod(namespace: string, name: string, app: string, ip: string, ready = "True"): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace,
      uid: `uid-${name}`,
      labels: { "app.kubernetes.io/name": app, "pod-template-hash": "abc12" },
      annotations: {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "8000",
        "prometheus.io/path": "/metrics",
      },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: `${app}-abc12`, uid: "rs", controller: true },
      ],
    },
    spec: {
      nodeName: "node-a",
      containers: [
        {
          name: app,
          image: `ghcr.io/overflying/${app}:1`,
          ports: [{ containerPort: 8000, name: "http", protocol: "TCP" }],
        },
      ],
    },
    status: {
      phase: "Running",
      podIP: ip,
      hostIP: "127.0.0.1",
      conditions: [{ type: "Ready", status: ready }],
    },
  };
}

describe("pod discovery as Prometheus's role: pod produces it", () => {
  test("GIVEN a running pod WHEN discovered THEN one target per container port with the documented meta labels", () => {
    const groups = podTargetGroups([pod("staging", "api-1", "overflying-api", "127.0.0.2")], { role: "pod" });
    expect(groups).toEqual([
      {
        targets: ["127.0.0.2:8000"],
        labels: {
          __meta_kubernetes_namespace: "staging",
          __meta_kubernetes_pod_name: "api-1",
          __meta_kubernetes_pod_ip: "127.0.0.2",
          __meta_kubernetes_pod_ready: "true",
          __meta_kubernetes_pod_phase: "Running",
          __meta_kubernetes_pod_node_name: "node-a",
          __meta_kubernetes_pod_host_ip: "127.0.0.1",
          __meta_kubernetes_pod_uid: "uid-api-1",
          __meta_kubernetes_pod_controller_kind: "ReplicaSet",
          __meta_kubernetes_pod_controller_name: "overflying-api-abc12",
          __meta_kubernetes_pod_label_app_kubernetes_io_name: "overflying-api",
          __meta_kubernetes_pod_labelpresent_app_kubernetes_io_name: "true",
          __meta_kubernetes_pod_label_pod_template_hash: "abc12",
          __meta_kubernetes_pod_labelpresent_pod_template_hash: "true",
          __meta_kubernetes_pod_annotation_prometheus_io_scrape: "true",
          __meta_kubernetes_pod_annotationpresent_prometheus_io_scrape: "true",
          __meta_kubernetes_pod_annotation_prometheus_io_port: "8000",
          __meta_kubernetes_pod_annotationpresent_prometheus_io_port: "true",
          __meta_kubernetes_pod_annotation_prometheus_io_path: "/metrics",
          __meta_kubernetes_pod_annotationpresent_prometheus_io_path: "true",
          __meta_kubernetes_pod_container_name: "overflying-api",
          __meta_kubernetes_pod_container_image: "ghcr.io/overflying/overflying-api:1",
          __meta_kubernetes_pod_container_init: "false",
          __meta_kubernetes_pod_container_port_name: "http",
          __meta_kubernetes_pod_container_port_number: "8000",
          __meta_kubernetes_pod_container_port_protocol: "TCP",
        },
      },
    ]);
  });

  test("a pod without an IP has no targets; a container without ports is one target at the pod IP", () => {
    const pending = pod("staging", "api-2", "overflying-api", "");
    const portless = pod("staging", "api-3", "overflying-api", "127.0.0.3");
    (portless.spec as { containers: Record<string, unknown>[] }).containers[0] = {
      name: "sidecar",
      image: "busybox",
    };
    const groups = podTargetGroups([pending, portless], { role: "pod" });
    expect(groups.map((g) => [g.targets, g.labels.__meta_kubernetes_pod_container_name])).toEqual([
      [["127.0.0.3"], "sidecar"],
    ]);
    expect(groups[0]?.labels.__meta_kubernetes_pod_container_port_number).toBeUndefined();
  });

  test("namespaces and label/field selectors choose pods as the API server's LIST would", () => {
    const pods = [
      pod("staging", "api-1", "overflying-api", "127.0.0.2"),
      pod("staging", "worker-1", "overflying-worker", "127.0.0.3"),
      pod("production", "api-9", "overflying-api", "127.0.0.4"),
    ];
    const names = (sd: Parameters<typeof podTargetGroups>[1]) =>
      podTargetGroups(pods, sd).map((g) => g.labels.__meta_kubernetes_pod_name);
    expect(names({ role: "pod", namespaces: { names: ["staging"] } })).toEqual(["api-1", "worker-1"]);
    expect(
      names({ role: "pod", selectors: [{ role: "pod", label: "app.kubernetes.io/name=overflying-api" }] }),
    ).toEqual(["api-1", "api-9"]);
    expect(names({ role: "pod", selectors: [{ role: "pod", field: "metadata.name!=api-1" }] })).toEqual([
      "worker-1",
      "api-9",
    ]);
    expect(selectorMatcher("a in (x, y),!b")((k) => ({ a: "y" })[k])).toBe(true);
    expect(selectorMatcher("a notin (x),c")((k) => ({ a: "x", c: "1" })[k])).toBe(false);
  });
});

describe("the rendered Prometheus, laid out to run here", () => {
  const objects = [...rendered("production"), ...rendered("staging")];
  const pods = [
    pod("staging", "overflying-api-1", "overflying-api", "127.0.0.2"),
    pod("staging", "overflying-worker-1", "overflying-worker", "127.0.0.3"),
  ];
  const local = localPrometheus(objects, pods, "/tmp/root", {
    "alertmanager.observability.svc:9093": "127.0.0.1:19093",
  });
  const config = parse(local.files.get(local.configFile) as string);

  test("args and files move under the root; the rules ConfigMap is mounted where rule_files looks", () => {
    expect(local.configFile).toBe("/tmp/root/etc/prometheus/prometheus.yml");
    expect(argValue(local.args, "storage.tsdb.path")).toBe("/tmp/root/prometheus");
    expect(config.rule_files).toEqual(["/tmp/root/etc/prometheus/rules/*.rules.yaml"]);
    expect(
      [...local.files.keys()].some((f) => /^\/tmp\/root\/etc\/prometheus\/rules\/.+\.rules\.yaml$/.test(f)),
    ).toBe(true);
    expect(local.files.has("/tmp/root/var/run/secrets/kubernetes.io/serviceaccount/token")).toBe(true);
  });

  test("every kubernetes_sd_configs becomes a file_sd_configs; relabelling and intervals stay as rendered", () => {
    const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "prometheus-config");
    const original = parse(
      String((configMap?.data as Record<string, string> | undefined)?.["prometheus.yml"]),
    );
    for (const [i, sc] of (config.scrape_configs as Record<string, unknown>[]).entries()) {
      const before = original.scrape_configs[i] as Record<string, unknown>;
      expect(sc.kubernetes_sd_configs).toBeUndefined();
      expect(sc.relabel_configs).toEqual(before.relabel_configs);
      expect(sc.metric_relabel_configs).toEqual(before.metric_relabel_configs);
      if (before.kubernetes_sd_configs) expect(sc.file_sd_configs).toHaveLength(1);
    }
    expect(config.global).toEqual(original.global);
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(["127.0.0.1:19093"]);
  });

  test("the staging jobs discover exactly the staging pods of their app", () => {
    const targetsOf = (job: string) => {
      const sc = (
        config.scrape_configs as { job_name: string; file_sd_configs?: { files: string[] }[] }[]
      ).find((s) => s.job_name === job);
      const file = sc?.file_sd_configs?.[0]?.files[0] as string;
      return (JSON.parse(local.files.get(file) as string) as { targets: string[] }[]).flatMap(
        (g) => g.targets,
      );
    };
    expect(targetsOf("overflying-api-staging")).toEqual(["127.0.0.2:8000"]);
    expect(targetsOf("overflying-worker-staging")).toEqual(["127.0.0.3:8000"]);
    expect(targetsOf("overflying-api-production")).toEqual([]);
    expect(targetsOf("kubernetes-nodes")).toEqual([]);
  });
});
