import { describe, expect, test } from "bun:test";
import { applySetParent } from "../apply/inventory.ts";
import type { ApplyTarget } from "../apply/port.ts";
import { UsageError } from "../core/errors.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { configMap } from "../testing/apply/objects.ts";
import { type BaselineSources, resolveBaseline } from "./baseline.ts";

const scope = { environment: "staging", appNamespace: "staging", namespaces: ["staging"] };
const target = { name: "https://127.0.0.1:6443" } as ApplyTarget;

/** Sources that record what was asked of them. */
function sources(folder: readonly KubeObject[] = []): BaselineSources & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    renderedAt: (ref) => {
      asked.push(`git ${ref}`);
      return [configMap("staging", "at-ref")];
    },
    hydratedFolder: (path) => {
      asked.push(`dir ${path}`);
      return folder;
    },
    scope: () => {
      asked.push("scope");
      return scope;
    },
    liveCluster: () => {
      asked.push("cluster");
      return { target };
    },
  };
}

describe("resolveBaseline: the choice --against makes", () => {
  test("git:REF is the environment rendered at the ref", () => {
    const s = sources();
    const b = resolveBaseline({ against: "git:main" }, s);
    expect(b).toEqual({ type: "objects", label: "git:main", objects: [configMap("staging", "at-ref")] });
    expect(s.asked).toEqual(["git main"]);
  });

  test("dir:PATH written by apply leaves the ApplySet parent out and compares in the applied form", () => {
    const parent = applySetParent("staging", "staging");
    const app = configMap("staging", "app");
    const s = sources([app, configMap("staging", parent.name)]);
    expect(resolveBaseline({ against: "dir:out" }, s)).toEqual({
      type: "objects",
      label: "dir:out",
      objects: [app],
      appliedAs: parent,
    });
    expect(s.asked).toEqual(["dir out", "scope"]);
  });

  test("dir:PATH without a parent is compared as it is", () => {
    const app = configMap("staging", "app");
    expect(resolveBaseline({ against: "dir:out" }, sources([app]))).toEqual({
      type: "objects",
      label: "dir:out",
      objects: [app],
    });
  });

  test("cluster is the live cluster in the environment's scope, labelled with the context", () => {
    const s = sources();
    const b = resolveBaseline({ against: "cluster", context: "kind-staging" }, s);
    expect(b).toEqual({ type: "cluster", label: "cluster (kind-staging)", target, scope });
    expect(s.asked).toEqual(["cluster", "scope"]);
  });

  test.each([
    ["git:", "--against git:REF needs a ref, e.g. git:main"],
    ["dir:", "--against dir:PATH needs a folder"],
    [
      "cluster:prod",
      '--against "cluster:prod": write "cluster" alone and choose the cluster with --context C',
    ],
    ["clustr", '--against "clustr" is not one of: git:REF, dir:PATH, cluster (did you mean "cluster"?)'],
  ])("%p is a usage error that reads nothing", (against, message) => {
    const s = sources();
    expect(() => resolveBaseline({ against }, s)).toThrow(new UsageError(message));
    expect(s.asked).toEqual([]);
  });
});
