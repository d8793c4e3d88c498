import { posix } from "node:path";
import { parse } from "yaml";
import type { KubeObject } from "../kube/object.ts";
import { emitConfigFile } from "../yaml/emit.ts";
import { type KubernetesSdConfig, podTargetGroups } from "./pod-discovery.ts";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);

/** Where Kubernetes mounts a pod's service account token and cluster CA. */
export const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * One container of a rendered workload, laid out on this machine under `root` the way the
 * kubelet would lay it out in the container: ConfigMap and Secret volumes as files, other
 * volumes as empty folders, the service account mount, and its args with every absolute
 * path moved under `root`.
 */
export interface LocalContainer {
  readonly name: string;
  readonly args: string[];
  /** Host path → content. */
  readonly files: Map<string, string>;
  /** Host folders to create (emptyDir, PVC mounts). */
  readonly dirs: string[];
  /** A path inside the container, on the host. */
  host(containerPath: string): string;
}

function podSpecOf(workload: KubeObject): Obj {
  return workload.kind === "Pod" ? obj(workload.spec) : obj(obj(obj(workload.spec).template).spec);
}

/**
 * Lays out `container` of `workload`. `objects` holds the ConfigMaps and Secrets its volumes
 * name (a Secret missing there becomes empty files for its `items`, or none). Service account
 * files are placeholders: nothing here talks to a real API server.
 */
export function localContainer(
  workload: KubeObject,
  container: string,
  objects: readonly KubeObject[],
  root: string,
): LocalContainer {
  const host = (p: string) => (p.startsWith("/") ? posix.join(root, p) : p);
  const spec = podSpecOf(workload);
  const c = list(spec.containers).find((x) => x.name === container);
  if (!c) throw new Error(`${workload.kind} ${workload.metadata.name} has no container "${container}"`);
  const namespace = workload.metadata.namespace;
  const find = (kind: string, name: unknown) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  const volumes = new Map(list(spec.volumes).map((v) => [v.name, v]));
  const files = new Map<string, string>();
  const dirs: string[] = [];
  for (const m of list(c.volumeMounts)) {
    const mountPath = String(m.mountPath);
    const volume = volumes.get(m.name) ?? {};
    const configMap = obj(volume.configMap);
    const secret = obj(volume.secret);
    if (configMap.name) {
      const data = obj(find("ConfigMap", configMap.name)?.data);
      for (const [k, v] of Object.entries(data)) files.set(host(posix.join(mountPath, k)), String(v));
    } else if (secret.secretName) {
      const data = obj(find("Secret", secret.secretName)?.data);
      for (const [k, v] of Object.entries(data)) {
        files.set(host(posix.join(mountPath, k)), Buffer.from(String(v), "base64").toString("utf8"));
      }
    } else dirs.push(host(mountPath));
  }
  if (spec.automountServiceAccountToken !== false) {
    files.set(host(`${serviceAccountDir}/token`), "placeholder-service-account-token\n");
    files.set(host(`${serviceAccountDir}/ca.crt`), "");
    files.set(host(`${serviceAccountDir}/namespace`), namespace ?? "default");
  }
  const args = (Array.isArray(c.args) ? c.args : []).map((a) =>
    String(a).replace(/^(--[^=]+=)(\/.*)$/, (_, flag: string, path: string) => `${flag}${host(path)}`),
  );
  return { name: container, args, files, dirs, host };
}

/** The value of `--flag=VALUE` among `args`. */
export function argValue(args: readonly string[], flag: string): string | undefined {
  const prefix = `--${flag}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/** The workload whose pod mounts a ConfigMap holding `key` (e.g. `prometheus.yml`), and that container. */
export function workloadWithConfig(
  objects: readonly KubeObject[],
  key: string,
): { workload: KubeObject; container: string } | undefined {
  const holders = new Set(
    objects.filter((o) => o.kind === "ConfigMap" && key in obj(o.data)).map((o) => o.metadata.name),
  );
  for (const w of objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")) {
    const spec = podSpecOf(w);
    const volumes = list(spec.volumes).filter((v) => holders.has(String(obj(v.configMap).name)));
    const names = new Set(volumes.map((v) => v.name));
    const c = list(spec.containers).find((x) => list(x.volumeMounts).some((m) => names.has(m.name)));
    if (c) return { workload: w, container: String(c.name) };
  }
  return undefined;
}

const fileKeys = /(^|_)file$/;

/** Moves every absolute file path of a Prometheus configuration under the container's root. */
function hostPaths(node: unknown, host: (p: string) => string, key = ""): unknown {
  if (Array.isArray(node)) {
    return node.map((x) =>
      typeof x === "string" && ["rule_files", "files"].includes(key) ? host(x) : hostPaths(x, host),
    );
  }
  if (node !== null && typeof node === "object") {
    const out: Obj = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = typeof v === "string" && fileKeys.test(k) ? host(v) : hostPaths(v, host, k);
    }
    return out;
  }
  return node;
}

/**
 * The container that mounts a ConfigMap holding `key`, laid out under `root`, with the file its
 * `--config.file` names parsed and its file paths moved under `root`.
 */
function configuredContainer(
  objects: readonly KubeObject[],
  key: string,
  root: string,
): { container: LocalContainer; configFile: string; config: Obj } {
  const found = workloadWithConfig(objects, key);
  if (!found) throw new Error(`no rendered workload mounts a ${key}`);
  const container = localContainer(found.workload, found.container, objects, root);
  const configFile = argValue(container.args, "config.file");
  const text = configFile === undefined ? undefined : container.files.get(configFile);
  if (configFile === undefined || text === undefined) {
    throw new Error(`${found.workload.metadata.name} does not read its ${key} from a mounted ConfigMap`);
  }
  return { container, configFile, config: hostPaths(parse(text), container.host) as Obj };
}

/**
 * Prometheus's rendered configuration made runnable here. Everything stays as rendered
 * (relabelling, intervals, rule files, alerting) except what needs a cluster:
 * - each `kubernetes_sd_configs` becomes a `file_sd_configs` whose targets carry the
 *   `__meta_kubernetes_*` labels pod discovery produces from `pods` (other roles: no targets);
 * - file paths point into the container's folder under `root`;
 * - `addresses` maps in-cluster addresses (`alertmanager.observability.svc:9093`) to local ones.
 * Returns the container with the rewritten configuration among its files.
 */
export function localPrometheus(
  objects: readonly KubeObject[],
  pods: readonly KubeObject[],
  root: string,
  addresses: Readonly<Record<string, string>> = {},
): LocalContainer & { readonly configFile: string } {
  const { container, configFile, config } = configuredContainer(objects, "prometheus.yml", root);
  const address = (t: unknown) => addresses[String(t)] ?? t;
  const staticTargets = (configs: unknown) =>
    list(configs).map((s) => ({ ...s, targets: (Array.isArray(s.targets) ? s.targets : []).map(address) }));
  config.scrape_configs = list(config.scrape_configs).map((sc) => {
    const { kubernetes_sd_configs: sds, ...rest } = sc;
    const out: Obj = {
      ...rest,
      ...(rest.static_configs ? { static_configs: staticTargets(rest.static_configs) } : {}),
    };
    if (!Array.isArray(sds)) return out;
    const file = container.host(`/flyby-discovery/${String(sc.job_name).replace(/[^\w.-]/g, "_")}.json`);
    const groups = (sds as KubernetesSdConfig[]).flatMap((sd) =>
      sd.role === "pod" ? podTargetGroups(pods, sd) : [],
    );
    container.files.set(file, `${JSON.stringify(groups, null, 2)}\n`);
    return {
      ...out,
      file_sd_configs: [...list(rest.file_sd_configs), { files: [file], refresh_interval: "1s" }],
    };
  });
  const alerting = obj(config.alerting);
  if (alerting.alertmanagers) {
    config.alerting = {
      ...alerting,
      alertmanagers: list(alerting.alertmanagers).map((a) => ({
        ...a,
        static_configs: staticTargets(a.static_configs),
      })),
    };
  }
  container.files.set(configFile, emitConfigFile(config));
  return { ...container, configFile };
}

/**
 * Alertmanager's rendered configuration made runnable here: its container laid out under
 * `root` (the receiver token from the Secret apply builds, when `objects` holds it), and each
 * webhook whose URL starts with a key of `urls` sent to that key's value instead (the edge
 * receiver's address → a local receiver). Everything else stays as rendered.
 */
export function localAlertmanager(
  objects: readonly KubeObject[],
  root: string,
  urls: Readonly<Record<string, string>> = {},
): LocalContainer & { readonly configFile: string } {
  const { container, configFile, config } = configuredContainer(objects, "alertmanager.yml", root);
  const moved = (url: unknown) => {
    const from = Object.keys(urls).find((u) => String(url).startsWith(u));
    return from === undefined ? url : `${urls[from]}${String(url).slice(from.length)}`;
  };
  config.receivers = list(config.receivers).map((r) =>
    r.webhook_configs
      ? { ...r, webhook_configs: list(r.webhook_configs).map((w) => ({ ...w, url: moved(w.url) })) }
      : r,
  );
  container.files.set(configFile, emitConfigFile(config));
  return { ...container, configFile };
}
