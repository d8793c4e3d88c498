import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { tokenKubeConfig } from "../adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "../adapters/kube/target.ts";
import { applyEnvironment } from "../apply/apply.ts";
import { ApplySetKeys, applySetParent } from "../apply/inventory.ts";
import { Action } from "../apply/report.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { configMap, deployment, fastDeps, namespace, rendered, request } from "../testing/apply/objects.ts";
import { FakeKube } from "../testing/fake-kube/server.ts";
import { type LiveScope, liveDiff } from "./live.ts";
import type { ObjectDiff } from "./object-diff.ts";
import { Redactor } from "./redact.ts";
import { renderJson, renderMarkdown, renderText } from "./report.ts";

const staging: LiveScope = { environment: "staging", appNamespace: "staging", namespaces: ["staging"] };
const production: LiveScope = {
  environment: "production",
  appNamespace: "production",
  namespaces: ["production"],
};

const secret = (password: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "db", namespace: "staging" },
  type: "Opaque",
  stringData: { password, user: "app-reader-7f3a" },
});

/** What the staging render holds; `edit` changes the Deployment's replicas. */
const stagingObjects = (replicas = 2): KubeObject[] => [
  namespace("staging"),
  configMap("staging", "settings", { LOG_LEVEL: "info" }),
  deployment("staging", "api", replicas),
  secret("hunter2-old-password-value"),
];

const productionObjects = (): KubeObject[] => [namespace("production"), deployment("production", "api", 3)];

const byName = (objects: readonly ObjectDiff[]) =>
  Object.fromEntries(objects.map((o) => [`${o.ref.kind}/${o.ref.namespace ?? ""}/${o.ref.name}`, o]));

describe("live diff against the fake API server, as flyby applies", () => {
  let fake: FakeKube;
  const target = (token = fake.adminToken) => new KubeApplyTarget(tokenKubeConfig(fake.url, token), "fake");
  const apply = async (scope: LiveScope, objects: KubeObject[], prune = false) => {
    const report = await applyEnvironment(
      target(),
      request(objects, { ...scope, prune, allowDestructive: new Set(["Namespace//staging"]) }),
      fastDeps(),
    );
    expect(report.objects.filter((o) => o.action === Action.Failed)).toEqual([]);
  };
  const diff = (objects: KubeObject[], scope = staging, token?: string) =>
    liveDiff(rendered(objects), target(token), scope, { redactor: new Redactor("salt") });

  beforeEach(async () => {
    fake = new FakeKube({
      tokens: {
        "admin-token": { name: "admin", groups: ["system:masters"] },
        "reader-token": { name: "reader", groups: ["system:authenticated"] },
        "nobody-token": { name: "nobody", groups: ["system:authenticated"] },
        "lister-token": { name: "lister", groups: ["system:authenticated"] },
      },
      authorize: (a) =>
        a.user.groups.includes("system:masters") ||
        (a.user.name === "reader" && (a.verb === "list" || a.verb === "get")) ||
        (a.user.name === "lister" && a.verb === "list"),
    }).start();
    await apply(staging, stagingObjects());
    await apply(production, productionObjects());
  });
  afterEach(async () => {
    await fake.stop();
  });

  test("GIVEN a clean apply WHEN diffed THEN every object is unchanged, with no dry run and no write", async () => {
    fake.requests.length = 0;
    const { objects, blocked } = await diff(stagingObjects());
    expect(blocked).toEqual([]);
    expect(objects.map((o) => o.change)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged"]);
    expect(fake.requests.filter((r) => r.dryRun || r.verb === "patch")).toEqual([]);
    expect(new Set(fake.requests.map((r) => r.verb))).toEqual(new Set(["get", "list"]));
  });

  test("removals come from the environment's ApplySet only: production's objects are not staging's removals", async () => {
    const { objects } = await diff(stagingObjects());
    expect(Object.keys(byName(objects)).sort()).toEqual([
      "ConfigMap/staging/settings",
      "Deployment/staging/api",
      "Namespace//staging",
      "Secret/staging/db",
    ]);
    const prod = await diff(productionObjects(), production);
    expect(prod.objects.every((o) => o.change === "unchanged")).toBe(true);
    expect(prod.objects.map((o) => o.ref.name).sort()).toEqual(["api", "production"]);
  });

  test("GIVEN a dropped object WHEN diffed THEN it is a removal with risk deletion", async () => {
    const { objects } = await diff(stagingObjects().filter((o) => o.kind !== "ConfigMap"));
    const removed = byName(objects)["ConfigMap/staging/settings"];
    expect(removed?.change).toBe("removed");
    expect(removed?.risks).toEqual(["deletion"]);
  });

  test("an object labelled managed-by flyby but outside the ApplySet is not a removal", async () => {
    const plain = configMap("staging", "stray");
    const stray = {
      ...plain,
      metadata: { ...plain.metadata, labels: { "app.kubernetes.io/managed-by": "flyby" } },
    };
    const t = fake.cluster.resourceForKind("v1", "ConfigMap");
    if (!t) throw new Error("no ConfigMap resource");
    await fake.cluster.apply(t, "staging", "stray", structuredClone(stray) as Record<string, unknown>, {
      manager: "kubectl",
      force: false,
      dryRun: false,
    });
    const { objects } = await diff(stagingObjects());
    expect(byName(objects)["ConfigMap/staging/stray"]).toBeUndefined();
  });

  test("GIVEN one changed field WHEN diffed THEN only that object is dry-run and its path shows", async () => {
    fake.requests.length = 0;
    const { objects } = await diff(stagingObjects(4));
    const api = byName(objects)["Deployment/staging/api"];
    expect(api?.change).toBe("changed");
    expect(api?.paths).toEqual(["spec.replicas"]);
    expect(api?.diff).toContain("-  replicas: 2\n+  replicas: 4");
    expect(objects.filter((o) => o.change !== "unchanged")).toHaveLength(1);
    expect(fake.requests.filter((r) => r.dryRun)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.verb === "patch" && !r.dryRun)).toEqual([]);
  });

  test("GIVEN another manager took spec.replicas WHEN diffed THEN the conflict is named, then what forcing would do", async () => {
    const t = fake.cluster.resourceForKind("apps/v1", "Deployment");
    if (!t) throw new Error("no Deployment resource");
    await fake.cluster.apply(
      t,
      "staging",
      "api",
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "api", namespace: "staging" },
        spec: { replicas: 5 },
      },
      { manager: "other", force: true, dryRun: false },
    );
    // The render did not change: the drift made by the other manager is still found.
    const { objects } = await diff(stagingObjects());
    const api = byName(objects)["Deployment/staging/api"];
    expect(api?.conflicts).toEqual([{ manager: "other", field: ".spec.replicas" }]);
    expect(api?.risks[0]).toBe("conflict");
    expect(api?.change).toBe("changed");
    expect(api?.diff).toContain("-  replicas: 5\n+  replicas: 2");
    const env = { environment: "staging", against: "cluster", objects, blocked: [] };
    expect(renderText([env], false)).toContain(
      'risk: conflict with another field manager: Deployment staging/api (.spec.replicas owned by "other"; apply fails unless --force-conflicts',
    );
    expect(renderMarkdown(env).join("")).toContain("conflict with another field manager");
    // The dry runs wrote nothing: the other manager still owns the field.
    const live = await target().get({
      group: "apps",
      version: "v1",
      kind: "Deployment",
      namespace: "staging",
      name: "api",
    });
    expect(live?.spec).toMatchObject({ replicas: 5 });
  });

  test("a member of another ApplySet is reported, not diffed", async () => {
    const { objects, blocked } = await diff([namespace("production")]);
    expect(byName(objects)["Namespace//production"]).toBeUndefined();
    expect(blocked.map((b) => b.reason)).toEqual([
      `it belongs to another ApplySet (${applySetParent("production", "production").id}); apply leaves it alone`,
    ]);
  });

  test("a dry run RBAC refuses becomes a row; reads still work", async () => {
    const { blocked, objects } = await diff(stagingObjects(4), staging, "reader-token");
    expect(blocked.map((b) => `${b.ref.kind}/${b.ref.name}: ${b.reason}`)).toEqual([
      "Deployment/api: cannot diff: forbidden (patch, Deployment.apps)",
    ]);
    expect(objects.filter((o) => o.change !== "unchanged")).toEqual([]);
  });

  test("lists RBAC refuses become rows for every object of the kind", async () => {
    const { blocked } = await diff(stagingObjects(), staging, "nobody-token");
    expect(blocked.map((b) => `${b.ref.kind}/${b.ref.name}: ${b.reason}`)).toEqual([
      "ConfigMap/flyby-applyset-staging: cannot read the ApplySet's inventory: forbidden (get, ConfigMap); removals in kinds or namespaces no longer rendered are not shown",
      "ConfigMap/settings: cannot diff: forbidden (list, ConfigMap)",
      "Deployment/api: cannot diff: forbidden (list, Deployment.apps)",
      "Namespace/staging: cannot diff: forbidden (list, Namespace)",
      "Secret/db: cannot diff: forbidden (list, Secret)",
    ]);
  });

  test("GIVEN RBAC that lets the reader list but not get WHEN diffed THEN the objects are diffed and the unread inventory is a row", async () => {
    const { objects, blocked } = await diff(stagingObjects(), staging, "lister-token");
    expect(objects.map((o) => `${o.change} ${o.ref.kind}/${o.ref.name}`)).toEqual([
      "unchanged ConfigMap/settings",
      "unchanged Deployment/api",
      "unchanged Namespace/staging",
      "unchanged Secret/db",
    ]);
    expect(blocked.map((b) => `${b.ref.kind} ${b.ref.namespace}/${b.ref.name}: ${b.reason}`)).toEqual([
      "ConfigMap staging/flyby-applyset-staging: cannot read the ApplySet's inventory: forbidden (get, ConfigMap); removals in kinds or namespaces no longer rendered are not shown",
    ]);
  });

  test("an object the API server would reject becomes a row with the server's reason", async () => {
    const moved = deployment("staging", "api", 2);
    (moved.spec as { selector: unknown }).selector = { matchLabels: { app: "elsewhere" } };
    const objects = stagingObjects().map((o) => (o.kind === "Deployment" ? moved : o));
    const { blocked } = await diff(objects);
    expect(blocked.map((b) => b.reason)).toEqual([
      expect.stringMatching(
        /^the API server would reject it \(422\): Deployment.apps "api" is invalid: spec.selector: .*field is immutable$/,
      ),
    ]);
  });

  test("no output format carries a Secret value", async () => {
    const objects = stagingObjects().map((o) =>
      o.kind === "Secret" ? secret("s3cr3t-new-password-value") : o,
    );
    const result = await diff(objects);
    expect(byName(result.objects)["Secret/staging/db"]?.secretKeys).toEqual({
      added: [],
      removed: [],
      changed: ["password"],
    });
    const env = { environment: "staging", against: "cluster", ...result };
    const outputs = [renderJson([env]), renderText([env], true), ...renderMarkdown(env)];
    const values = ["hunter2-old-password-value", "s3cr3t-new-password-value", "app-reader-7f3a"];
    for (const v of [...values, ...values.map((x) => Buffer.from(x).toString("base64"))]) {
      for (const out of outputs) expect(out).not.toContain(v);
    }
  });

  test("Secrets apply builds from the job's environment are neither compared nor removals", async () => {
    const grafana = deployment("staging", "grafana", 1);
    const pod = (grafana.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template
      .spec;
    (pod.containers[0] as Record<string, unknown>).env = [
      {
        name: "GF_SECURITY_ADMIN_PASSWORD",
        valueFrom: { secretKeyRef: { name: "grafana-admin", key: "password" } },
      },
    ];
    const t = fake.cluster.resourceForKind("v1", "Secret");
    if (!t) throw new Error("no Secret resource");
    const parent = applySetParent("staging", "staging");
    await fake.cluster.apply(
      t,
      "staging",
      "grafana-admin",
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
          name: "grafana-admin",
          namespace: "staging",
          labels: { [ApplySetKeys.partOf]: parent.id },
        },
        data: { password: Buffer.from("a-long-enough-password").toString("base64") },
      },
      { manager: "flyby", force: false, dryRun: false },
    );
    const { objects } = await diff([...stagingObjects(), grafana]);
    expect(byName(objects)["Secret/staging/grafana-admin"]).toBeUndefined();
  });
});
