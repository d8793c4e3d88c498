import { describe, expect, test } from "bun:test";
import { appliedForm } from "../apply/compare.ts";
import { applySetParent, readInventory, withMembership } from "../apply/inventory.ts";
import { type LiveState, listScopeKey } from "../apply/live-state.ts";
import { ApiFailure } from "../apply/port.ts";
import { type KubeObject, keyOf } from "../core/kube/object.ts";
import { configMap, namespace } from "../testing/apply/objects.ts";
import { Redactor } from "./redact.ts";
import { SortingOut, sentOf } from "./sort-out.ts";

const parent = applySetParent("staging", "staging");

const sent1 = (o: KubeObject) =>
  sentOf({ object: o, source: { file: "templates/app.yaml.hbs", line: 1 } }, parent);

const refused = () => new ApiFailure(403, "Forbidden", "forbidden", {});
const stateOf = (
  objects: readonly KubeObject[],
  forbidden: string[] = [],
  parentRefused = false,
): LiveState => ({
  parent: undefined,
  recorded: readInventory(undefined),
  objects: new Map(objects.map((o) => [keyOf(o), o])),
  unlisted: [],
  forbidden: new Map(forbidden.map((s) => [s, refused()])),
  ...(parentRefused ? { parentRefused: refused() } : {}),
});

const rows = (s: SortingOut) => [
  ...s.objects.map((d) => `${d.change} ${d.ref.kind}/${d.ref.name}`),
  ...s.blocked.map((b) => `blocked ${b.ref.kind}/${b.ref.name}: ${b.reason}`),
  ...s.toDryRun.map((t) => `dry-run ${t.sent.ref.kind}/${t.sent.ref.name}`),
];

describe("sorting each object out as its LIST answers", () => {
  const same = configMap("staging", "same", { a: "1" });
  const edited = configMap("staging", "edited", { a: "2" });
  const fresh = configMap("staging", "fresh");
  const gone = configMap("staging", "gone");
  // What apply left: the same objects, "edited" with its old data, and a member no longer rendered.
  const live = [
    appliedForm(same, parent),
    appliedForm(configMap("staging", "edited", { a: "1" }), parent),
    withMembership(gone, parent),
    appliedForm(namespace("staging"), parent),
  ];
  const sent = [same, edited, fresh, namespace("staging")].map(sent1);

  test("GIVEN the LISTs answer before the applied forms are in WHEN the forms arrive THEN each object is sorted out", () => {
    const s = new SortingOut(parent, new Redactor("salt"));
    const state = stateOf(live);
    s.listed(listScopeKey(same, "staging"), state.objects);
    s.listed(listScopeKey(namespace("x"), undefined), state.objects);
    expect(rows(s)).toEqual([]);
    s.formsReady(sent);
    expect(rows(s).sort()).toEqual([
      "added ConfigMap/fresh",
      "dry-run ConfigMap/edited",
      "unchanged ConfigMap/same",
      "unchanged Namespace/staging",
    ]);
    s.finish(state, []);
    expect(rows(s)).toContain("removed ConfigMap/gone");
  });

  test("GIVEN the applied forms first WHEN each LIST answers THEN only that LIST's objects are sorted out", () => {
    const s = new SortingOut(parent, new Redactor("salt"));
    const state = stateOf(live);
    s.formsReady(sent);
    s.listed(listScopeKey(namespace("x"), undefined), state.objects);
    expect(rows(s)).toEqual(["unchanged Namespace/staging"]);
    s.listed(listScopeKey(same, "staging"), state.objects);
    s.finish(state, []);
    expect(rows(s).sort()).toEqual([
      "added ConfigMap/fresh",
      "dry-run ConfigMap/edited",
      "removed ConfigMap/gone",
      "unchanged ConfigMap/same",
      "unchanged Namespace/staging",
    ]);
  });

  test("GIVEN a refused LIST WHEN finished THEN its objects are blocked, and a kept member is no removal", () => {
    const s = new SortingOut(parent, new Redactor("salt"));
    const state = stateOf(live, [listScopeKey(same, "staging")]);
    s.formsReady(sent);
    s.listed(listScopeKey(namespace("x"), undefined), state.objects);
    s.finish(state, [keyOf(gone)]);
    expect(rows(s).sort()).toEqual([
      "blocked ConfigMap/edited: cannot diff: forbidden (list, ConfigMap)",
      "blocked ConfigMap/fresh: cannot diff: forbidden (list, ConfigMap)",
      "blocked ConfigMap/same: cannot diff: forbidden (list, ConfigMap)",
      "unchanged Namespace/staging",
    ]);
  });

  test("GIVEN the ApplySet parent's GET refused WHEN finished THEN a row says removals may be missing, and the listed objects are diffed", () => {
    const s = new SortingOut(parent, new Redactor("salt"));
    const state = stateOf(live, [], true);
    s.formsReady(sent);
    s.listed(listScopeKey(same, "staging"), state.objects);
    s.listed(listScopeKey(namespace("x"), undefined), state.objects);
    s.finish(state, []);
    expect(rows(s)).toContain(
      "blocked ConfigMap/flyby-applyset-staging: cannot read the ApplySet's inventory: forbidden (get, ConfigMap); removals in kinds or namespaces no longer rendered are not shown",
    );
    expect(rows(s)).toContain("unchanged ConfigMap/same");
    expect(rows(s)).toContain("removed ConfigMap/gone");
  });

  test("GIVEN an object no LIST covered WHEN finished THEN it is added", () => {
    const s = new SortingOut(parent, new Redactor("salt"));
    s.formsReady([sent1(configMap("elsewhere", "x"))]);
    s.finish(stateOf([]), []);
    expect(rows(s)).toEqual(["added ConfigMap/x"]);
  });
});
