import { createHash } from "node:crypto";
import { type FakeCluster, formatTime } from "./cluster.ts";
import { deepEqual } from "./fieldset.ts";
import type { ResourceType } from "./resources.ts";
import type { Obj } from "./schema.ts";

/**
 * How a Deployment's pods behave: `pending` as in the recordings (no scheduler, pods stay
 * Pending, the progress deadline eventually passes), `ready` (pods run and turn Ready), or
 * `failing` (the deadline counts as passed at once).
 */
export type RolloutMode = "pending" | "ready" | "failing";

const manager = "kube-controller-manager";
const safeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

function hashName(value: unknown, length: number): string {
  const digest = createHash("sha256").update(JSON.stringify(value)).digest();
  let out = "";
  for (let i = 0; i < length; i++) out += safeAlphabet[(digest[i] ?? 0) % safeAlphabet.length];
  return out;
}

function meta(o: Obj): Obj {
  return o.metadata as Obj;
}

function percent(value: unknown, replicas: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const p = Number.parseInt(String(value ?? "25%"), 10) / 100;
  return roundUp ? Math.ceil(p * replicas) : Math.floor(p * replicas);
}

/**
 * A stand-in for kube-controller-manager (and the CRD and namespace finalizers), run on demand
 * so tests decide when "the controller" acts: `reconcile()` does one pass over everything.
 */
export class FakeController {
  private readonly modes = new Map<string, RolloutMode>();
  defaultMode: RolloutMode = "pending";
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly cluster: FakeCluster) {}

  /** Sets how the pods of one Deployment behave from now on. */
  setRollout(namespace: string, name: string, mode: RolloutMode): void {
    this.modes.set(`${namespace}/${name}`, mode);
  }

  /** Reconciles every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => this.reconcile(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private type(apiVersion: string, kind: string): ResourceType {
    const t = this.cluster.resourceForKind(apiVersion, kind);
    if (!t) throw new Error(`fake cluster serves no ${apiVersion} ${kind}`);
    return t;
  }

  reconcile(): void {
    for (const { resource, object } of this.cluster.all()) {
      const m = meta(object);
      if (m.deletionTimestamp !== undefined) this.finalize(resource, object);
      else if (resource.resource.kind === "Deployment") this.deployment(object);
      else if (resource.resource.kind === "CustomResourceDefinition") this.establish(object);
    }
  }

  private finalize(t: ResourceType, o: Obj): void {
    const m = meta(o);
    const ns = m.namespace as string | undefined;
    if (t.resource.kind === "Namespace") {
      for (const { resource, object } of this.cluster.all()) {
        if (meta(object).namespace === m.name)
          this.cluster.remove(resource, String(m.name), String(meta(object).name));
      }
    }
    if (t.resource.kind === "CustomResourceDefinition") {
      const spec = o.spec as Obj;
      const names = spec.names as Obj;
      for (const { resource, object } of this.cluster.all()) {
        if (resource.group === spec.group && resource.resource.name === names.plural) {
          this.cluster.remove(
            resource,
            meta(object).namespace as string | undefined,
            String(meta(object).name),
          );
        }
      }
      this.cluster.unregister(String(spec.group), String(names.plural));
    }
    this.cluster.remove(t, ns, String(m.name));
  }

  private establish(crd: Obj): void {
    const status = crd.status as Obj;
    if (Array.isArray(status.conditions)) return;
    const spec = crd.spec as Obj;
    const names = spec.names as Obj;
    const time = formatTime(this.cluster.now());
    const next = structuredClone(crd);
    next.status = {
      conditions: [
        {
          type: "NamesAccepted",
          status: "True",
          lastTransitionTime: time,
          reason: "NoConflicts",
          message: "no conflicts found",
        },
        {
          type: "Established",
          status: "True",
          lastTransitionTime: time,
          reason: "InitialNamesAccepted",
          message: "the initial names have been accepted",
        },
      ],
      acceptedNames: {
        ...names,
        singular: names.singular ?? "",
        listKind: names.listKind ?? `${names.kind}List`,
      },
      storedVersions: status.storedVersions,
    };
    this.cluster.write(
      this.type("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
      next,
      "kube-apiserver",
      "status",
    );
    for (const v of (spec.versions ?? []) as Obj[]) {
      if (v.served !== true) continue;
      this.cluster.register({
        group: String(spec.group),
        version: String(v.name),
        resource: {
          name: String(names.plural),
          singularName: String(names.singular ?? ""),
          namespaced: spec.scope === "Namespaced",
          kind: String(names.kind),
          verbs: ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
          ...(Array.isArray(names.shortNames) ? { shortNames: names.shortNames as string[] } : {}),
        },
      });
    }
  }

  private deployment(d: Obj): void {
    const m = meta(d);
    const ns = String(m.namespace);
    const name = String(m.name);
    const spec = d.spec as Obj;
    const replicas = Number(spec.replicas ?? 1);
    const template = spec.template as Obj;
    const hash = hashName(template, 9);
    const rsName = `${name}-${hash}`;
    const rsType = this.type("apps/v1", "ReplicaSet");
    const existing = this.cluster.list(rsType, ns, null).filter((rs) => this.ownedBy(rs, d));
    const revisions = existing.map((rs) =>
      Number((meta(rs).annotations as Obj | undefined)?.["deployment.kubernetes.io/revision"] ?? 0),
    );
    const current = existing.find((rs) => meta(rs).name === rsName);
    const revision = current
      ? String((meta(current).annotations as Obj)["deployment.kubernetes.io/revision"])
      : String(Math.max(0, ...revisions) + 1);
    const mode = this.modes.get(`${ns}/${name}`) ?? this.defaultMode;
    const rs = current ?? this.createReplicaSet(d, rsName, hash, revision, replicas);
    for (const old of existing) {
      if (meta(old).name !== rsName) this.cluster.remove(rsType, ns, String(meta(old).name));
    }
    // The Deployment's status reports what its ReplicaSet had reported so far, so it lags one pass.
    const observed = Number((rs.status as Obj | undefined)?.replicas ?? 0);
    this.scale(rs, replicas, mode);

    const ready = mode === "ready" ? observed : 0;
    const time = formatTime(this.cluster.now());
    const oldStatus = (d.status ?? {}) as Obj;
    const oldConditions = (oldStatus.conditions ?? []) as Obj[];
    const condition = (type: string, status: string, reason: string, message: string): Obj => {
      const prev = oldConditions.find((c) => c.type === type);
      const same = prev?.status === status && prev?.reason === reason;
      return {
        type,
        status,
        lastUpdateTime: same && prev?.message === message ? prev.lastUpdateTime : time,
        lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : time,
        reason,
        message,
      };
    };
    const previous = oldConditions.find((c) => c.type === "Progressing");
    const progressingSince = Date.parse(String(previous?.lastUpdateTime ?? time));
    const deadline = Number(spec.progressDeadlineSeconds ?? 600) * 1000;
    const alreadyExceeded =
      previous?.reason === "ProgressDeadlineExceeded" && String(previous.message).includes(`"${rsName}"`);
    const overdue =
      mode === "failing" || alreadyExceeded || this.cluster.now().getTime() - progressingSince >= deadline;
    const progressing =
      ready === replicas
        ? condition(
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            `ReplicaSet "${rsName}" has successfully progressed.`,
          )
        : overdue && oldConditions.length > 0
          ? condition(
              "Progressing",
              "False",
              "ProgressDeadlineExceeded",
              `ReplicaSet "${rsName}" has timed out progressing.`,
            )
          : condition("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${rsName}" is progressing.`);
    const maxUnavailable = percent(
      (spec.strategy as Obj | undefined)?.rollingUpdate &&
        ((spec.strategy as Obj).rollingUpdate as Obj).maxUnavailable,
      replicas,
      false,
    );
    const available = ready >= replicas - maxUnavailable;
    const status: Obj = {
      observedGeneration: m.generation,
      replicas: observed,
      updatedReplicas: observed,
      ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
      ...(replicas - ready > 0 ? { unavailableReplicas: replicas - ready } : {}),
      conditions: [
        available
          ? condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
          : condition(
              "Available",
              "False",
              "MinimumReplicasUnavailable",
              "Deployment does not have minimum availability.",
            ),
        progressing,
      ],
    };
    const next = structuredClone(d);
    meta(next).annotations = {
      ...(m.annotations as Obj | undefined),
      "deployment.kubernetes.io/revision": revision,
    };
    next.status = status;
    if (!deepEqual(next, d)) this.cluster.write(this.type("apps/v1", "Deployment"), next, manager, "status");
  }

  private ownedBy(o: Obj, owner: Obj): boolean {
    return ((meta(o).ownerReferences ?? []) as Obj[]).some((r) => r.uid === meta(owner).uid);
  }

  private ownerRef(owner: Obj, apiVersion: string, kind: string): Obj {
    return {
      apiVersion,
      kind,
      name: meta(owner).name,
      uid: meta(owner).uid,
      controller: true,
      blockOwnerDeletion: true,
    };
  }

  private createReplicaSet(d: Obj, rsName: string, hash: string, revision: string, replicas: number): Obj {
    const m = meta(d);
    const spec = d.spec as Obj;
    const template = structuredClone(spec.template) as Obj;
    const tmeta = template.metadata as Obj;
    const labels = { ...(tmeta.labels as Obj | undefined), "pod-template-hash": hash };
    tmeta.labels = labels;
    const surge = percent(
      ((spec.strategy as Obj | undefined)?.rollingUpdate as Obj | undefined)?.maxSurge,
      replicas,
      true,
    );
    const rsType = this.type("apps/v1", "ReplicaSet");
    const rs = this.cluster.insert(
      rsType,
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
          name: rsName,
          namespace: m.namespace,
          labels,
          annotations: {
            ...Object.fromEntries(
              Object.entries((m.annotations ?? {}) as Obj).filter(
                ([k]) => k !== "deployment.kubernetes.io/revision",
              ),
            ),
            "deployment.kubernetes.io/desired-replicas": String(replicas),
            "deployment.kubernetes.io/max-replicas": String(replicas + surge),
            "deployment.kubernetes.io/revision": revision,
          },
          ownerReferences: [this.ownerRef(d, "apps/v1", "Deployment")],
        },
        spec: {
          replicas,
          selector: {
            matchLabels: { ...((spec.selector as Obj).matchLabels as Obj), "pod-template-hash": hash },
          },
          template,
        },
      },
      manager,
    );
    this.ensurePods(
      String(m.namespace),
      rsName,
      replicas,
      this.modes.get(`${m.namespace}/${m.name}`) ?? this.defaultMode,
    );
    return this.cluster.write(
      rsType,
      { ...rs, status: { replicas, fullyLabeledReplicas: replicas, observedGeneration: 1 } },
      manager,
      "status",
    );
  }

  /** Brings a ReplicaSet and its pods to `replicas`, then records that in its status. */
  private scale(rs: Obj, replicas: number, mode: RolloutMode): void {
    const rsType = this.type("apps/v1", "ReplicaSet");
    const m = meta(rs);
    let live = rs;
    if ((rs.spec as Obj).replicas !== replicas) {
      live = this.cluster.write(rsType, { ...rs, spec: { ...(rs.spec as Obj), replicas } }, manager);
    }
    this.ensurePods(String(m.namespace), String(m.name), replicas, mode);
    const status = { replicas, fullyLabeledReplicas: replicas, observedGeneration: meta(live).generation };
    if (!deepEqual(live.status, status)) this.cluster.write(rsType, { ...live, status }, manager, "status");
  }

  private ensurePods(namespace: string, rsName: string, replicas: number, mode: RolloutMode): void {
    const rsType = this.type("apps/v1", "ReplicaSet");
    const podType = this.type("v1", "Pod");
    const rs = this.cluster.find(rsType, namespace, rsName);
    if (!rs) return;
    const pods = this.cluster.list(podType, namespace, null).filter((p) => this.ownedBy(p, rs));
    for (const extra of pods.slice(replicas))
      this.cluster.remove(podType, namespace, String(meta(extra).name));
    for (let i = pods.length; i < replicas; i++) {
      const template = (rs.spec as Obj).template as Obj;
      const tspec = structuredClone(template.spec) as Obj;
      const volume = `kube-api-access-${hashName([rsName, i, "volume"], 5)}`;
      const containers = ((tspec.containers ?? []) as Obj[]).map((c) => ({
        ...c,
        volumeMounts: [
          ...((c.volumeMounts ?? []) as Obj[]),
          { name: volume, readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" },
        ],
      }));
      this.cluster.insert(
        podType,
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: {
            name: `${rsName}-${hashName([rsName, i], 5)}`,
            generateName: `${rsName}-`,
            namespace,
            labels: (template.metadata as Obj).labels,
            annotations: (template.metadata as Obj).annotations,
            ownerReferences: [this.ownerRef(rs, "apps/v1", "ReplicaSet")],
          },
          spec: {
            volumes: [...((tspec.volumes ?? []) as Obj[]), serviceAccountVolume(volume)],
            ...tspec,
            containers,
            serviceAccountName: tspec.serviceAccountName ?? "default",
            serviceAccount: tspec.serviceAccountName ?? "default",
            tolerations: defaultTolerations,
            priority: 0,
            enableServiceLinks: true,
            preemptionPolicy: "PreemptLowerPriority",
          },
          status:
            mode === "ready"
              ? { phase: "Running", conditions: [{ type: "Ready", status: "True" }] }
              : { phase: "Pending", qosClass: "Burstable" },
        },
        manager,
      );
    }
  }
}

const defaultTolerations = ["not-ready", "unreachable"].map((k) => ({
  key: `node.kubernetes.io/${k}`,
  operator: "Exists",
  effect: "NoExecute",
  tolerationSeconds: 300,
}));

function serviceAccountVolume(name: string): Obj {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        {
          downwardAPI: {
            items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }],
          },
        },
      ],
      defaultMode: 420,
    },
  };
}
