import { isObj, type Obj } from "./schema.ts";

/** The defaults kube-apiserver v1.26 fills in on write, for the kinds flyby ships. */
export function applyDefaults(obj: Obj, kind: string): void {
  const spec = isObj(obj.spec) ? obj.spec : undefined;
  switch (kind) {
    case "Namespace": {
      const meta = obj.metadata as Obj;
      meta.labels = { ...(meta.labels as Obj | undefined), "kubernetes.io/metadata.name": meta.name };
      obj.spec ??= { finalizers: ["kubernetes"] };
      obj.status ??= { phase: "Active" };
      return;
    }
    case "Deployment":
      if (!spec) return;
      spec.replicas ??= 1;
      defaultTemplate(spec);
      spec.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } };
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      obj.status ??= {};
      return;
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      if (!spec) return;
      if (kind !== "DaemonSet" && kind !== "Job") spec.replicas ??= 1;
      defaultTemplate(spec);
      obj.status ??= {};
      return;
    case "Pod":
      defaultPodSpec(spec);
      return;
    case "Service":
      if (!spec) return;
      spec.type ??= "ClusterIP";
      spec.sessionAffinity ??= "None";
      for (const p of (spec.ports as Obj[] | undefined) ?? []) {
        p.protocol ??= "TCP";
        p.targetPort ??= p.port;
      }
      obj.status ??= { loadBalancer: {} };
      return;
    case "Secret":
      obj.type ??= "Opaque";
      if (isObj(obj.stringData)) {
        const data: Obj = { ...(obj.data as Obj | undefined) };
        for (const [k, v] of Object.entries(obj.stringData))
          data[k] = Buffer.from(String(v)).toString("base64");
        obj.data = data;
        delete obj.stringData;
      }
      return;
    case "PersistentVolumeClaim":
      if (spec) spec.volumeMode ??= "Filesystem";
      obj.status ??= { phase: "Pending" };
      return;
    case "Event":
      // core/v1 Events written by a kubelet get the events.k8s.io fields zero-valued (82).
      obj.eventTime ??= null;
      obj.reportingComponent ??= "";
      obj.reportingInstance ??= "";
      return;
    case "CustomResourceDefinition":
      if (spec) spec.conversion ??= { strategy: "None" };
      obj.status ??= {
        conditions: null,
        acceptedNames: { plural: "", kind: "" },
        storedVersions: storedVersions(spec),
      };
      return;
  }
}

function storedVersions(spec: Obj | undefined): string[] {
  const versions = (spec?.versions as Obj[] | undefined) ?? [];
  return versions.filter((v) => v.storage === true).map((v) => String(v.name));
}

function defaultTemplate(spec: Obj): void {
  const template = isObj(spec.template) ? spec.template : undefined;
  if (!template) return;
  const meta = isObj(template.metadata) ? template.metadata : {};
  template.metadata = { creationTimestamp: null, ...meta };
  defaultPodSpec(isObj(template.spec) ? template.spec : undefined);
}

function defaultPodSpec(spec: Obj | undefined): void {
  if (!spec) return;
  for (const list of ["initContainers", "containers"]) {
    for (const c of (spec[list] as Obj[] | undefined) ?? []) defaultContainer(c);
  }
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.securityContext ??= {};
  spec.schedulerName ??= "default-scheduler";
}

function defaultContainer(c: Obj): void {
  for (const p of (c.ports as Obj[] | undefined) ?? []) p.protocol ??= "TCP";
  c.resources ??= {};
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  const image = String(c.image ?? "");
  const tagged = /:[^/]+$/.test(image) && !image.endsWith(":latest");
  c.imagePullPolicy ??= tagged || image.includes("@") ? "IfNotPresent" : "Always";
}
