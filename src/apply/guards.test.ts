import { describe, expect, test } from "bun:test";
import { configMap, namespace } from "../testing/apply/objects.ts";
import { formatRefusal, PruneRefusal, parseAllowDestructive, planPrune } from "./prune.ts";
import { buildEnvironmentSecrets } from "./secrets.ts";

const members = [namespace("staging"), ...Array.from({ length: 8 }, (_, i) => configMap("staging", `c${i}`))];

describe("prune guards", () => {
  test("an empty render deletes nothing", () => {
    const plan = planPrune([], members, new Set());
    expect(plan.refusals.map((r) => r.rule)).toContain(PruneRefusal.EmptyRender);
  });

  test("deleting more than 25% of the inventory is refused; 25% is allowed", () => {
    const keepSix = members.slice(0, 7);
    expect(planPrune(keepSix, members, new Set()).refusals).toEqual([]);
    const tooMany = planPrune(members.slice(0, 6), members, new Set());
    expect(tooMany.refusals.map((r) => r.rule)).toEqual([PruneRefusal.TooMany]);
    const named = new Set(["ConfigMap/staging/c5", "ConfigMap/staging/c6", "ConfigMap/staging/c7"]);
    expect(planPrune(members.slice(0, 6), members, named).refusals).toEqual([]);
  });

  test("a Namespace, PVC or CRD is deleted only when named", () => {
    const claim = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data", namespace: "staging" },
    };
    const all = [...members, claim];
    const plan = planPrune(members, all, new Set());
    expect(plan.refusals.map((r) => r.rule)).toEqual([PruneRefusal.Destructive]);
    expect(planPrune(members, all, new Set(["PersistentVolumeClaim/staging/data"])).refusals).toEqual([]);
  });

  test("--allow-destructive takes KIND/NS/NAME or KIND/NAME, and KIND//NAME as KIND/NAME", () => {
    expect(parseAllowDestructive("Namespace/staging")).toBe("Namespace/staging");
    expect(parseAllowDestructive("Namespace//staging")).toBe("Namespace/staging");
    expect(parseAllowDestructive("PersistentVolumeClaim/staging/data")).toBe(
      "PersistentVolumeClaim/staging/data",
    );
    expect(() => parseAllowDestructive("Namespace")).toThrow("KIND/NS/NAME");
  });

  test("the refusal names cluster-scoped objects KIND/NAME and namespaced ones KIND/NS/NAME, as the README does", () => {
    const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "infrastructure" } };
    const claim = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data", namespace: "staging" },
    };
    const plan = planPrune(members, [...members, ns, claim], new Set());
    const hint = plan.refusals.map(formatRefusal).join("\n");
    expect(hint).toContain(
      "--allow-destructive Namespace/infrastructure --allow-destructive PersistentVolumeClaim/staging/data",
    );
    expect(hint).not.toContain("//");
    // Both spellings the user may type lift the guard.
    for (const spelling of ["Namespace/infrastructure", "Namespace//infrastructure"]) {
      const allow = new Set([
        parseAllowDestructive(spelling),
        parseAllowDestructive("PersistentVolumeClaim/staging/data"),
      ]);
      expect(planPrune(members, [...members, ns, claim], allow).refusals).toEqual([]);
    }
  });
});

describe("grafana-admin from the environment", () => {
  const grafana = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "grafana", namespace: "observability" },
    spec: {
      template: {
        spec: {
          containers: [
            { env: [{ valueFrom: { secretKeyRef: { name: "grafana-admin", key: "password" } } }] },
          ],
        },
      },
    },
  };
  const strong = "c0rrect-horse-battery-staple";

  test("is built in the namespace that reads it, values base64-encoded", () => {
    const [secret, ...rest] = buildEnvironmentSecrets([grafana], {
      GRAFANA_ADMIN_USER: "ops",
      GRAFANA_ADMIN_PASSWORD: strong,
    });
    expect(rest).toEqual([]);
    expect(secret?.metadata).toMatchObject({ name: "grafana-admin", namespace: "observability" });
    expect(secret?.data).toEqual({ username: "b3Bz", password: Buffer.from(strong).toString("base64") });
  });

  test("refuses missing, default and short passwords without printing them", () => {
    const attempt = (password: string | undefined) => () =>
      buildEnvironmentSecrets([grafana], { GRAFANA_ADMIN_USER: "ops", GRAFANA_ADMIN_PASSWORD: password });
    expect(attempt(undefined)).toThrow("needs GRAFANA_ADMIN_PASSWORD");
    for (const weak of ["admin", "admin123", "Password", "changeme"])
      expect(attempt(weak)).toThrow("well-known default");
    expect(attempt("short-but-unique")).not.toThrow();
    try {
      attempt("tooShort1")();
    } catch (e) {
      expect((e as Error).message).toBe("GRAFANA_ADMIN_PASSWORD is shorter than 16 characters");
    }
  });

  test("Alertmanager's receiver token comes from FLYBY_RECEIVER_TOKEN, held to the same rules", () => {
    const alertmanager = {
      ...grafana,
      metadata: { name: "alertmanager", namespace: "observability" },
      spec: {
        template: {
          spec: { volumes: [{ name: "secrets", secret: { secretName: "alertmanager-secrets" } }] },
        },
      },
    };
    expect(() => buildEnvironmentSecrets([alertmanager], {})).toThrow("needs FLYBY_RECEIVER_TOKEN");
    expect(() => buildEnvironmentSecrets([alertmanager], { FLYBY_RECEIVER_TOKEN: "changeme" })).toThrow(
      "well-known default",
    );
    const [secret] = buildEnvironmentSecrets([alertmanager], { FLYBY_RECEIVER_TOKEN: strong });
    expect(secret?.metadata).toMatchObject({ name: "alertmanager-secrets", namespace: "observability" });
    expect(secret?.data).toEqual({ "receiver-token": Buffer.from(strong).toString("base64") });
  });

  test("nothing is built when no object reads the Secret", () => {
    expect(buildEnvironmentSecrets([configMap("staging", "x")], {})).toEqual([]);
  });
});
