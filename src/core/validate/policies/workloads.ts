import { type Finding, Severity } from "../../finding.ts";
import type { KubeObject, RenderedObject } from "../../kube/object.ts";

interface Container {
  name: string;
  image?: string;
  ports?: { containerPort: number; name?: string }[];
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  env?: { name: string; value?: string }[];
}
interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
}
interface PodTemplate {
  metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> };
  spec?: PodSpec;
}

const workloadKinds = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"]);

/** The pod template of a workload (CronJob included), with its field path. */
export function podTemplateOf(o: KubeObject): { template: PodTemplate; path: string[] } | undefined {
  const spec = o.spec as Record<string, unknown> | undefined;
  if (workloadKinds.has(o.kind) && spec?.template)
    return { template: spec.template as PodTemplate, path: ["spec", "template"] };
  if (o.kind === "CronJob") {
    const t = (spec?.jobTemplate as { spec?: { template?: PodTemplate } } | undefined)?.spec?.template;
    if (t) return { template: t, path: ["spec", "jobTemplate", "spec", "template"] };
  }
  if (o.kind === "Pod") return { template: { metadata: o.metadata, spec: o.spec as PodSpec }, path: [] };
  return undefined;
}

export function containersOf(template: PodTemplate): { container: Container; path: string[] }[] {
  const out: { container: Container; path: string[] }[] = [];
  for (const field of ["initContainers", "containers"] as const) {
    (template.spec?.[field] ?? []).forEach((container, i) => {
      out.push({ container, path: ["spec", field, String(i)] });
    });
  }
  return out;
}

/** Every container sets cpu and memory requests and limits. */
export function resourcePolicy(r: RenderedObject): Finding[] {
  const pod = podTemplateOf(r.object);
  if (!pod) return [];
  const findings: Finding[] = [];
  for (const { container, path } of containersOf(pod.template)) {
    const missing: string[] = [];
    for (const kind of ["requests", "limits"] as const) {
      for (const res of ["cpu", "memory"])
        if (container.resources?.[kind]?.[res] === undefined) missing.push(`${kind}.${res}`);
    }
    if (missing.length > 0) {
      findings.push({
        severity: Severity.Error,
        rule: "resources",
        message: `${r.object.kind} ${r.object.metadata.name}: container "${container.name}" sets no ${missing.join(", ")}`,
        location: r.locate?.([...pod.path, ...path, "resources"]) ?? r.source,
        hint: "set requests and limits for cpu and memory so the scheduler and the OOM killer behave predictably",
      });
    }
  }
  return findings;
}

/**
 * `prometheus.io/scrape|port|path` on pod templates and Services: all three present
 * together, "true" as a string, and the port one that a container (or the Service) exposes.
 */
export function scrapeAnnotationPolicy(r: RenderedObject): Finding[] {
  const o = r.object;
  const pod = podTemplateOf(o);
  const annotations = pod
    ? pod.template.metadata?.annotations
    : o.kind === "Service"
      ? o.metadata.annotations
      : undefined;
  const base = pod ? [...pod.path, "metadata", "annotations"] : ["metadata", "annotations"];
  const at = (key?: string) => r.locate?.(key ? [...base, key] : base) ?? r.source;
  const name = `${o.kind} ${o.metadata.name}`;
  const findings: Finding[] = [];
  const scrape = annotations?.["prometheus.io/scrape"];
  const port = annotations?.["prometheus.io/port"];
  const path = annotations?.["prometheus.io/path"];
  const exposes = pod?.template.spec?.containers?.some((c) => c.ports?.some((p) => p.name === "metrics"));
  if (scrape === undefined) {
    if (exposes) {
      findings.push({
        severity: Severity.Error,
        rule: "scrape-annotations",
        message: `${name} exposes a "metrics" port but has no prometheus.io/scrape annotation, so Prometheus never finds it`,
        location: at(),
        hint: 'add prometheus.io/scrape: "true", prometheus.io/port and prometheus.io/path: /metrics',
      });
    }
    return findings;
  }
  if (scrape !== "true" && scrape !== "false") {
    findings.push({
      severity: Severity.Error,
      rule: "scrape-annotations",
      message: `${name}: prometheus.io/scrape is "${scrape}"; Prometheus only keeps targets whose value is exactly "true"`,
      location: at("prometheus.io/scrape"),
    });
  }
  if (scrape !== "true") return findings;
  if (port === undefined || path === undefined) {
    findings.push({
      severity: Severity.Error,
      rule: "scrape-annotations",
      message: `${name}: prometheus.io/scrape is set without ${[port === undefined ? "prometheus.io/port" : "", path === undefined ? "prometheus.io/path" : ""].filter(Boolean).join(" and ")}`,
      location: at("prometheus.io/scrape"),
    });
  }
  if (path !== undefined && !path.startsWith("/")) {
    findings.push({
      severity: Severity.Error,
      rule: "scrape-annotations",
      message: `${name}: prometheus.io/path "${path}" must start with /`,
      location: at("prometheus.io/path"),
    });
  }
  if (port !== undefined) {
    const ports = pod
      ? (pod.template.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort))
      : ((o.spec as { ports?: { port: number }[] } | undefined)?.ports ?? []).map((p) => p.port);
    if (!ports.includes(Number(port))) {
      findings.push({
        severity: Severity.Error,
        rule: "scrape-annotations",
        message: `${name}: prometheus.io/port is ${port}, but the ${pod ? "containers expose" : "Service exposes"} ${ports.length ? ports.join(", ") : "no ports"}`,
        location: at("prometheus.io/port"),
        hint: "target down: check the pod's prometheus.io/scrape|port|path annotations",
      });
    }
  }
  return findings;
}

/** Images pinned by digest: required where the environment says so, advised elsewhere. */
export function imageDigestPolicy(r: RenderedObject, requireDigests: boolean): Finding[] {
  const pod = podTemplateOf(r.object);
  if (!pod) return [];
  const findings: Finding[] = [];
  for (const { container, path } of containersOf(pod.template)) {
    if (container.image?.includes("@sha256:")) continue;
    findings.push({
      severity: requireDigests ? Severity.Error : Severity.Warning,
      rule: "image-digest",
      message: `${r.object.kind} ${r.object.metadata.name}: container "${container.name}" runs ${container.image ?? "no image"}, not pinned by digest`,
      location: r.locate?.([...pod.path, ...path, "image"]) ?? r.source,
      hint: "pin images as repository@sha256:…; a release bundle pins them for you",
    });
  }
  return findings;
}
