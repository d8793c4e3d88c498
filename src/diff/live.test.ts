import { describe, expect, test } from "bun:test";
import { appliedForm } from "../apply/compare.ts";
import { applySetParent } from "../apply/inventory.ts";
import { type ApplyTarget, NetworkFailure } from "../apply/port.ts";
import { EnvironmentError } from "../core/errors.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { configMap, rendered } from "../testing/apply/objects.ts";
import { type LiveScope, liveDiff } from "./live.ts";
import { Redactor } from "./redact.ts";

const scope: LiveScope = { environment: "staging", appNamespace: "staging", namespaces: ["staging"] };
const parent = applySetParent("staging", "staging");

/** A cluster holding `live`, whose dry runs answer as `dryRun` says. */
function cluster(live: readonly KubeObject[], dryRun: (o: KubeObject) => Promise<KubeObject>): ApplyTarget {
  return {
    name: "stub",
    server: "https://cluster.test",
    list: async (kind, namespace) =>
      live.filter((o) => o.kind === kind.kind && o.metadata.namespace === namespace),
    get: async () => undefined,
    apply: (o) => dryRun(o),
    delete: async () => undefined,
  };
}

describe("a live diff whose cluster fails midway", () => {
  test("GIVEN one dry run failing on the network and a bad answer after it THEN the cluster's failure is what the diff ends with", async () => {
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => rejections.push(e);
    process.on("unhandledRejection", onRejection);
    try {
      const before = [configMap("staging", "a", { v: "1" }), configMap("staging", "b", { v: "1" })];
      const after = [configMap("staging", "a", { v: "2" }), configMap("staging", "b", { v: "2" })];
      const target = cluster(
        before.map((o) => appliedForm(o, parent)),
        async (o) => {
          if (o.metadata.name === "a") throw new NetworkFailure("https://cluster.test: connection reset");
          await Bun.sleep(20);
          // An answer no diff can read: diffing it throws.
          return {} as KubeObject;
        },
      );
      const diff = liveDiff(rendered(after), target, scope, {
        redactor: new Redactor("salt"),
        concurrency: 2,
      });
      await expect(diff).rejects.toBeInstanceOf(EnvironmentError);
      await expect(diff).rejects.toThrow("cannot diff against stub: https://cluster.test: connection reset");
      // The late answer has come and gone without an unhandled rejection.
      await Bun.sleep(50);
      expect(rejections).toEqual([]);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });

  test("GIVEN a dry-run answer no diff can read THEN the diff fails with it rather than leaving it unhandled", async () => {
    const before = [configMap("staging", "a", { v: "1" })];
    const target = cluster(
      before.map((o) => appliedForm(o, parent)),
      async () => ({}) as KubeObject,
    );
    await expect(
      liveDiff(rendered([configMap("staging", "a", { v: "2" })]), target, scope, {
        redactor: new Redactor("salt"),
      }),
    ).rejects.toBeInstanceOf(TypeError);
  });
});
