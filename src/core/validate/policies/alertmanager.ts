import { type Finding, Severity } from "../../finding.ts";
import type { RenderedObject } from "../../kube/object.ts";
import type { SourceLocation } from "../../location.ts";
import { parseEmbeddedYaml } from "./embedded-yaml.ts";

interface AlertmanagerConfig {
  receivers?: { name?: string; webhook_configs?: { url?: string }[] }[];
}

/** `name.namespace.svc` (optionally `.cluster.local`): a Service's in-cluster DNS name. */
const serviceHost =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?\.?$/;

/** The Services an environment renders, as `namespace/name`. */
export function renderedServices(objects: readonly RenderedObject[]): Set<string> {
  return new Set(
    objects
      .filter((r) => r.object.kind === "Service")
      .map((r) => `${r.object.metadata.namespace ?? "default"}/${r.object.metadata.name}`),
  );
}

/** The line of the first occurrence of `needle` inside a literal block that starts after `at`. */
function lineOf(text: string, needle: string, at: SourceLocation): SourceLocation {
  const index = text.split("\n").findIndex((l) => l.includes(needle));
  return index < 0 ? at : { file: at.file, line: (at.line ?? 0) + 1 + index };
}

/**
 * Every Alertmanager webhook that names an in-cluster Service (`*.svc`) must name one the
 * stack renders: a webhook to a Service nobody deploys delivers no alert, and Alertmanager
 * only logs it. Receivers outside the cluster (the edge receiver) are not checked here.
 */
export function alertmanagerWebhookPolicy(
  r: RenderedObject,
  configText: string,
  key: string,
  services: ReadonlySet<string>,
): Finding[] {
  const parsed = parseEmbeddedYaml<AlertmanagerConfig>(r, configText, key, "alertmanager-webhook");
  if (!parsed.ok) return parsed.findings;
  const { value: config, at } = parsed;
  const findings: Finding[] = [];
  for (const receiver of config.receivers ?? []) {
    for (const hook of receiver.webhook_configs ?? []) {
      if (!hook.url) continue;
      let host: string;
      try {
        host = new URL(hook.url).hostname;
      } catch {
        findings.push({
          severity: Severity.Error,
          rule: "alertmanager-webhook",
          message: `receiver ${receiver.name}: webhook URL ${hook.url} is not a URL`,
          location: lineOf(configText, hook.url, at),
        });
        continue;
      }
      const m = serviceHost.exec(host);
      if (!m) continue;
      const service = `${m[3]}/${m[1]}`;
      if (services.has(service)) continue;
      findings.push({
        severity: Severity.Error,
        rule: "alertmanager-webhook",
        message: `receiver ${receiver.name} posts to ${hook.url}, but no Service ${m[1]} in namespace ${m[3]} is rendered: its alerts go nowhere`,
        location: lineOf(configText, hook.url, at),
        hint: "point the environment at its edge receiver (alerting.receiverUrl in manifests/values/<env>.yaml, then flyby alerts build), or render that Service",
      });
    }
  }
  return findings;
}
