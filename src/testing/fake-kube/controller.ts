import { createHash } from "node:crypto";
import { type FakeCluster, formatTime } from "./cluster.ts";
import { deepEqual } from "./fieldset.ts";
import {
  crashPod,
  failPodImagePull,
  qosClassOf,
  runningPodStatus,
  unschedulePod,
  writePodStatus,
} from "./kubelet.ts";
import type { ResourceType } from "./resources.ts";
import type { Obj } from "./schema.ts";

/**
 * How a Deployment's Pods behave. In every mode a Deployment becomes available only when its
 * Pods' status says Ready, as on the recorded cluster.
 * - `pending`: as recorded (no scheduler, no kubelet): Pods stay Pending and the progress
 *   deadline passes (75, 77).
 * - `kubelet`: the same, said out loud: nothing marks the Pods; the test does, through the
 *   pods/status subresource as a kubelet would (`markPodsRunning`/`failImagePull` in kubelet.ts).
 * - `ready`: a built-in kubelet marks every Pod Running and Ready (like 76) at its next pass.
 * - `imagePullBackOff`: a built-in kubelet reports every new Pod's pull as failing (81) and posts
 *   the Warning Event (82); the Deployment stays unavailable until its deadline passes.
 * - `crashLoopBackOff`: a built-in kubelet reports every new Pod's container as crash-looping
 *   (exit code 1) and posts the BackOff Event.
 * - `unschedulable`: a built-in scheduler leaves every new Pod unschedulable (no node has a
 *   GPU free) and posts the FailedScheduling Event.
 * - `failing`: the progress deadline counts as passed at once.
 */
export type RolloutMode =
  | "pending"
  | "kubelet"
  | "ready"
  | "imagePullBackOff"
  | "crashLoopBackOff"
  | "unschedulable"
  | "failing";

/** The built-in kubelet (or scheduler) of a mode: what it writes about a Pod it has not seen. */
const firstWrite: Partial<Record<RolloutMode, (cluster: FakeCluster, pod: Obj, podIP: string) => Obj>> = {
  imagePullBackOff: (cluster, pod, podIP) => failPodImagePull(cluster, pod, podIP).pod,
  crashLoopBackOff: (cluster, pod, podIP) => crashPod(cluster, pod, {}, podIP).pod,
  unschedulable: (cluster, pod) => unschedulePod(cluster, pod).pod,
};

/** Tuning of the simulated controller; also settable later on `fake.controller`. */
export interface FakeControllerOptions {
  /** Mode of Deployments without their own (`setRollout`). Default `pending`. */
  readonly defaultMode?: RolloutMode;
  /**
   * How long after a spec change (or a creation) the controller ignores the new generation
   * (default 0). Until then the Deployment shows generation > observedGeneration with the old
   * status and conditions, as 79 does.
   */
  readonly observeDelayMs?: number;
  /** Multiplies `progressDeadlineSeconds` (default 1): 0.01 turns a 10 s deadline into 100 ms. */
  readonly deadlineScale?: number;
}

interface Counts {
  readonly replicas: number;
  readonly updatedReplicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
}

function counts(status: Obj): Counts {
  const n = (k: string) => Number(status[k] ?? 0);
  return {
    replicas: n("replicas"),
    updatedReplicas: n("updatedReplicas"),
    readyReplicas: n("readyReplicas"),
    availableReplicas: n("availableReplicas"),
  };
}

function annotations(o: Obj): Record<string, string> {
  return ((o.metadata as Obj).annotations ?? {}) as Record<string, string>;
}

function specReplicas(rs: Obj): number {
  return Number((rs.spec as Obj).replicas ?? 0);
}

function availableOf(rs: Obj): number {
  return Number((rs.status as Obj | undefined)?.availableReplicas ?? 0);
}

function isReady(pod: Obj): boolean {
  const conditions = ((pod.status as Obj | undefined)?.conditions ?? []) as Obj[];
  return conditions.some((c) => c.type === "Ready" && c.status === "True");
}

/** maxSurge (rounded up) and maxUnavailable (rounded down), never both 0. */
function rollingLimits(spec: Obj, replicas: number): { surge: number; unavailable: number } {
  const rolling = ((spec.strategy as Obj | undefined)?.rollingUpdate ?? {}) as Obj;
  const surge = percent(rolling.maxSurge, replicas, true);
  const unavailable = Math.min(replicas, percent(rolling.maxUnavailable, replicas, false));
  return { surge, unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}

/** SetDeploymentCondition: same status and reason change nothing; a new status moves it last. */
function setCondition(conditions: Obj[], c: Obj): Obj[] {
  const current = conditions.find((x) => x.type === c.type);
  if (current && current.status === c.status && current.reason === c.reason) return conditions;
  const next = { ...c };
  if (current && current.status === c.status) next.lastTransitionTime = current.lastTransitionTime;
  return [...conditions.filter((x) => x.type !== c.type), next];
}

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
  defaultMode: RolloutMode;
  /** See FakeControllerOptions.observeDelayMs. */
  observeDelayMs: number;
  /** See FakeControllerOptions.deadlineScale. */
  deadlineScale: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** When the controller first saw each Deployment's current generation (for observeDelayMs). */
  private readonly seen = new Map<string, { generation: number; at: number }>();
  /** The counts each Deployment's progress is measured against (its last reported progress). */
  private readonly baseline = new Map<string, Counts>();

  constructor(
    private readonly cluster: FakeCluster,
    options: FakeControllerOptions = {},
  ) {
    this.defaultMode = options.defaultMode ?? "pending";
    this.observeDelayMs = options.observeDelayMs ?? 0;
    this.deadlineScale = options.deadlineScale ?? 1;
  }

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

  /**
   * One pass of the deployment controller, in the order the recordings show (35, 75, 80): a
   * missing ReplicaSet is created and reported as NewReplicaSetCreated, the ReplicaSets are
   * scaled for a rolling update, and the status is computed from what the ReplicaSets have
   * reported so far (their own controller runs at the start of the next pass, so counts lag a
   * pass, as 16 shows).
   */
  private deployment(d0: Obj): void {
    const m0 = meta(d0);
    const ns = String(m0.namespace);
    const name = String(m0.name);
    const uid = String(m0.uid);
    const mode = this.modes.get(`${ns}/${name}`) ?? this.defaultMode;
    const rsType = this.type("apps/v1", "ReplicaSet");
    const deployType = this.type("apps/v1", "Deployment");
    for (const rs of this.cluster.list(rsType, ns, null).filter((rs) => this.ownedBy(rs, d0))) {
      this.replicaSet(rs, mode);
    }
    let d = this.cluster.find(deployType, ns, name);
    if (!d) return;
    const generation = Number(meta(d).generation ?? 1);
    const observed = (d.status as Obj | undefined)?.observedGeneration;
    if (observed !== generation && this.observeDelayMs > 0) {
      const seen = this.seen.get(uid);
      const now = this.cluster.now().getTime();
      if (seen?.generation !== generation) {
        this.seen.set(uid, { generation, at: now });
        return;
      }
      if (now - seen.at < this.observeDelayMs) return;
    }
    const spec = d.spec as Obj;
    const replicas = Number(spec.replicas ?? 1);
    const hash = hashName(spec.template, 10);
    const rsName = `${name}-${hash}`;
    const { surge, unavailable } = rollingLimits(spec, replicas);
    const owned = () => this.cluster.list(rsType, ns, null).filter((rs) => this.ownedBy(rs, d0));
    let sets = owned();
    let current = sets.find((rs) => meta(rs).name === rsName);
    if (!current) {
      const revisions = sets.map((rs) => Number(annotations(rs)["deployment.kubernetes.io/revision"] ?? 0));
      const revision = String(Math.max(0, ...revisions) + 1);
      const total = sets.reduce((n, rs) => n + specReplicas(rs), 0);
      const start = total === 0 ? replicas : Math.max(0, Math.min(replicas, replicas + surge - total));
      current = this.createReplicaSet(d, rsName, hash, revision, start, surge);
      const next = structuredClone(d);
      meta(next).annotations = { ...annotations(d), "deployment.kubernetes.io/revision": revision };
      const status = structuredClone((d.status ?? {}) as Obj);
      status.conditions = setCondition(
        (status.conditions ?? []) as Obj[],
        this.condition("Progressing", "True", "NewReplicaSetCreated", `Created new replica set "${rsName}"`),
      );
      next.status = status;
      this.baseline.set(uid, counts(status));
      d = this.cluster.write(deployType, next, manager, "status");
      sets = owned();
    } else {
      // A template seen before (a rollback): its ReplicaSet comes back under the next revision.
      const revisionOf = (rs: Obj) => Number(annotations(rs)["deployment.kubernetes.io/revision"] ?? 0);
      const newest = Math.max(0, ...sets.filter((rs) => rs !== current).map(revisionOf));
      if (revisionOf(current) <= newest) {
        const revision = String(newest + 1);
        const rs = structuredClone(current);
        meta(rs).annotations = { ...annotations(current), "deployment.kubernetes.io/revision": revision };
        current = this.cluster.write(rsType, rs, manager);
        sets = owned();
      }
      const revision = annotations(current)["deployment.kubernetes.io/revision"];
      if (revision !== undefined && annotations(d)["deployment.kubernetes.io/revision"] !== revision) {
        const next = structuredClone(d);
        meta(next).annotations = { ...annotations(d), "deployment.kubernetes.io/revision": revision };
        d = this.cluster.write(deployType, next, manager, "status");
      }
    }
    this.rollingUpdate(current, sets, replicas, surge, unavailable);
    this.syncStatus(d, owned(), rsName, mode);
  }

  /** Scales the new ReplicaSet up and the old ones down, within maxSurge and maxUnavailable. */
  private rollingUpdate(
    current: Obj,
    sets: Obj[],
    replicas: number,
    surge: number,
    unavailable: number,
  ): void {
    const rsType = this.type("apps/v1", "ReplicaSet");
    const scale = (rs: Obj, to: number) => {
      this.cluster.write(rsType, { ...rs, spec: { ...(rs.spec as Obj), replicas: to } }, manager);
    };
    const fresh = sets.find((rs) => meta(rs).name === meta(current).name) ?? current;
    const olds = sets.filter((rs) => rs !== fresh);
    const total = sets.reduce((n, rs) => n + specReplicas(rs), 0);
    const want = specReplicas(fresh);
    if (want > replicas) {
      scale(fresh, replicas);
      return;
    }
    const up = Math.min(replicas + surge - total, replicas - want);
    if (up > 0) {
      // Scaling up ends this sync, as in rolloutRolling; old ReplicaSets shrink at the next one.
      scale(fresh, want + up);
      return;
    }
    const minAvailable = replicas - unavailable;
    const newUnavailable = specReplicas(fresh) - availableOf(fresh);
    let budget = total - minAvailable - newUnavailable;
    const targets = new Map(olds.map((rs) => [rs, specReplicas(rs)]));
    for (const rs of olds) {
      const unhealthy = specReplicas(rs) - availableOf(rs);
      const down = Math.min(budget, unhealthy);
      if (down > 0) {
        targets.set(rs, (targets.get(rs) ?? 0) - down);
        budget -= down;
      }
    }
    let spare = sets.reduce((n, rs) => n + availableOf(rs), 0) - minAvailable;
    for (const rs of olds) {
      const down = Math.min(targets.get(rs) ?? 0, spare);
      if (down > 0) {
        targets.set(rs, (targets.get(rs) ?? 0) - down);
        spare -= down;
      }
    }
    for (const [rs, to] of targets) if (to !== specReplicas(rs)) scale(rs, to);
  }

  /** calculateStatus and syncRolloutStatus of kube-controller-manager v1.26. */
  private syncStatus(d: Obj, sets: Obj[], rsName: string, mode: RolloutMode): void {
    const m = meta(d);
    const spec = d.spec as Obj;
    const uid = String(m.uid);
    const replicas = Number(spec.replicas ?? 1);
    const { unavailable } = rollingLimits(spec, replicas);
    const sum = (f: (rs: Obj) => number) => sets.reduce((n, rs) => n + f(rs), 0);
    const stat = (k: string) => (rs: Obj) => Number((rs.status as Obj | undefined)?.[k] ?? 0);
    const fresh = sets.find((rs) => meta(rs).name === rsName);
    const now: Counts = {
      replicas: sum(stat("replicas")),
      updatedReplicas: fresh ? stat("replicas")(fresh) : 0,
      readyReplicas: sum(stat("readyReplicas")),
      availableReplicas: sum(stat("availableReplicas")),
    };
    const unavailableReplicas = Math.max(0, sum(specReplicas) - now.availableReplicas);
    const old = (d.status ?? {}) as Obj;
    const status: Obj = { observedGeneration: m.generation };
    for (const [k, v] of Object.entries({ ...now, unavailableReplicas })) if (v > 0) status[k] = v;
    let conditions = structuredClone((old.conditions ?? []) as Obj[]);
    conditions = setCondition(
      conditions,
      now.availableReplicas >= replicas - unavailable
        ? this.condition(
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
          )
        : this.condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
          ),
    );
    const progressing = conditions.find((c) => c.type === "Progressing");
    const settled = now.replicas === now.updatedReplicas && progressing?.reason === "NewReplicaSetAvailable";
    const base = this.baseline.get(uid) ?? counts(old);
    let progressed = false;
    if (!settled) {
      const complete =
        now.updatedReplicas === replicas &&
        now.replicas === replicas &&
        now.availableReplicas === replicas &&
        Number(m.generation) <= Number(status.observedGeneration);
      const progress =
        now.updatedReplicas > base.updatedReplicas ||
        now.replicas - now.updatedReplicas < base.replicas - base.updatedReplicas ||
        now.readyReplicas > base.readyReplicas ||
        now.availableReplicas > base.availableReplicas;
      if (complete) {
        conditions = setCondition(
          conditions,
          this.condition(
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            `ReplicaSet "${rsName}" has successfully progressed.`,
          ),
        );
      } else if (progress) {
        const c = this.condition(
          "Progressing",
          "True",
          "ReplicaSetUpdated",
          `ReplicaSet "${rsName}" is progressing.`,
        );
        if (progressing?.status === "True") c.lastTransitionTime = progressing.lastTransitionTime;
        conditions = [...conditions.filter((x) => x.type !== "Progressing"), c];
        progressed = true;
      } else if (this.timedOut(progressing, spec, mode)) {
        conditions = setCondition(
          conditions,
          this.condition(
            "Progressing",
            "False",
            "ProgressDeadlineExceeded",
            `ReplicaSet "${rsName}" has timed out progressing.`,
          ),
        );
      }
    }
    status.conditions = conditions;
    const changedProgress = !deepEqual(
      conditions.find((c) => c.type === "Progressing"),
      progressing,
    );
    if (progressed || changedProgress) this.baseline.set(uid, now);
    if (deepEqual(status, old)) return;
    this.cluster.write(this.type("apps/v1", "Deployment"), { ...d, status }, manager, "status");
  }

  private timedOut(progressing: Obj | undefined, spec: Obj, mode: RolloutMode): boolean {
    if (!progressing || progressing.reason === "NewReplicaSetAvailable") return false;
    if (progressing.reason === "ProgressDeadlineExceeded" || mode === "failing") return true;
    const from = Date.parse(String(progressing.lastUpdateTime));
    const deadline = Number(spec.progressDeadlineSeconds ?? 600) * 1000 * this.deadlineScale;
    return from + deadline < this.cluster.now().getTime();
  }

  private condition(type: string, status: string, reason: string, message: string): Obj {
    const time = formatTime(this.cluster.now());
    return { type, status, lastUpdateTime: time, lastTransitionTime: time, reason, message };
  }

  /** The ReplicaSet controller and, in `ready` mode, the kubelet: Pods to spec, then the status. */
  private replicaSet(rs: Obj, mode: RolloutMode): void {
    const rsType = this.type("apps/v1", "ReplicaSet");
    const podType = this.type("v1", "Pod");
    const m = meta(rs);
    const ns = String(m.namespace);
    this.ensurePods(ns, String(m.name), specReplicas(rs));
    const live = this.cluster.find(rsType, ns, String(m.name));
    if (!live) return;
    let pods = this.cluster.list(podType, ns, null).filter((p) => this.ownedBy(p, live));
    if (mode === "ready") {
      pods = pods.map((p, i) =>
        isReady(p)
          ? p
          : writePodStatus(this.cluster, p, runningPodStatus(p, this.cluster.now(), `127.0.0.${2 + i}`)),
      );
    } else {
      const write = firstWrite[mode];
      // A Pod written before (container statuses or conditions) is left as it is.
      const seen = (p: Obj) => (p.status as Obj | undefined)?.conditions !== undefined;
      if (write) pods = pods.map((p, i) => (seen(p) ? p : write(this.cluster, p, `127.0.0.${2 + i}`)));
    }
    const ready = pods.filter(isReady).length;
    const status: Obj = { replicas: pods.length, fullyLabeledReplicas: pods.length };
    if (ready > 0) Object.assign(status, { readyReplicas: ready, availableReplicas: ready });
    status.observedGeneration = meta(live).generation;
    if (pods.length === 0) delete status.fullyLabeledReplicas;
    if (!deepEqual(live.status, status)) this.cluster.write(rsType, { ...live, status }, manager, "status");
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

  private createReplicaSet(
    d: Obj,
    rsName: string,
    hash: string,
    revision: string,
    replicas: number,
    surge: number,
  ): Obj {
    const m = meta(d);
    const spec = d.spec as Obj;
    const desired = Number(spec.replicas ?? 1);
    const template = structuredClone(spec.template) as Obj;
    const tmeta = template.metadata as Obj;
    const labels = { ...(tmeta.labels as Obj | undefined), "pod-template-hash": hash };
    tmeta.labels = labels;
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
            "deployment.kubernetes.io/desired-replicas": String(desired),
            "deployment.kubernetes.io/max-replicas": String(desired + surge),
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
    return rs;
  }

  private ensurePods(namespace: string, rsName: string, replicas: number): void {
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
          status: { phase: "Pending", qosClass: qosClassOf(tspec) },
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
