import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { type ImportEdge, importRuleViolations, layerOf, partOf, scanImports } from "./import-rule.ts";

const root = resolve(import.meta.dir, "../..");

describe("the import rule", () => {
  const edges = scanImports(root);

  test("GIVEN the source tree THEN no import breaks the layering and no folders import each other in a cycle", () => {
    // The scan does see the tree: the CLI reaches the use cases and the core.
    expect(edges.some((e) => e.from === "src/cli/main.ts" && e.to === "src/app/exit-policy.ts")).toBe(true);
    expect(importRuleViolations(edges)).toEqual([]);
  });

  test("GIVEN every folder of src THEN each has a layer", () => {
    for (const e of edges) expect(() => layerOf(partOf(e.to))).not.toThrow();
  });

  const add = (from: string, to: string, line = 3): ImportEdge[] => [...edges, { from, to, line }];
  /** The violations a file breaks, whatever the rest of the tree does. */
  const of = (file: string, violations: readonly string[]) =>
    violations.filter((v) => v.startsWith(`${file}:`));

  test("GIVEN core importing outside core, by hand THEN the edge is named with file:line", () => {
    expect(importRuleViolations(add("src/core/finding.ts", "src/apply/report.ts", 7))).toContain(
      "src/core/finding.ts:7 imports src/apply/report.ts: core (core) may not import feature (apply)",
    );
  });

  test("GIVEN app importing an adapter, or an adapter importing app, THEN each is refused", () => {
    expect(importRuleViolations(add("src/app/exit-policy.ts", "src/adapters/user-path.ts"))).toContain(
      "src/app/exit-policy.ts:3 imports src/adapters/user-path.ts: app (app) may not import adapter (adapters)",
    );
    expect(
      importRuleViolations(add("src/smoke/adapters/http.ts", "src/app/exit-policy.ts")).some((v) =>
        v.startsWith("src/smoke/adapters/http.ts:3 imports src/app/exit-policy.ts: adapter (smoke/adapters)"),
      ),
    ).toBe(true);
  });

  test("GIVEN an edge importing an adapter, by hand THEN it is refused: edges reach adapters through the wiring", () => {
    expect(
      importRuleViolations(add("src/cli/commands/render.ts", "src/adapters/manifest-files.ts", 2)),
    ).toContain(
      "src/cli/commands/render.ts:2 imports src/adapters/manifest-files.ts: edge (cli) may not import adapter (adapters)",
    );
    expect(importRuleViolations(add("src/action/diff.ts", "src/github/section-files.ts", 4))).toContain(
      "src/action/diff.ts:4 imports src/github/section-files.ts: edge (action) may not import adapter (github)",
    );
  });

  test("GIVEN anything but the CLI importing src/cli THEN it is refused", () => {
    expect(importRuleViolations(add("actions/diff/main.ts", "src/cli/main.ts", 2))).toContain(
      "actions/diff/main.ts:2 imports src/cli/main.ts: nothing but the CLI's entry points imports src/cli",
    );
    expect(importRuleViolations(add("src/demo/main.ts", "src/cli/main.ts", 8))).toContain(
      "src/demo/main.ts:8 imports src/cli/main.ts: nothing but the CLI's entry points imports src/cli",
    );
  });

  test("GIVEN the alert definitions under alerts/ THEN the scan reads them and they import only the DSL", () => {
    expect(edges).toContainEqual({ from: "alerts/index.ts", to: "src/alerts/dsl.ts", line: 6 });
    expect(importRuleViolations(edges).filter((v) => v.startsWith("alerts/"))).toEqual([]);
  });

  test("GIVEN an alert definition importing an adapter, by hand THEN the edge is named with file:line", () => {
    expect(
      of("alerts/x.ts", importRuleViolations(add("alerts/x.ts", "src/adapters/alerts-files.ts", 4))),
    ).toEqual([
      "alerts/x.ts:4 imports src/adapters/alerts-files.ts: alert definitions import only the DSL (src/alerts/dsl.ts and what it re-exports)",
    ]);
  });

  test("GIVEN an alert definition importing a module the DSL re-exports, or one it does not, THEN only the second is refused", () => {
    expect(of("alerts/x.ts", importRuleViolations(add("alerts/x.ts", "src/alerts/rules.ts")))).toEqual([]);
    expect(of("alerts/x.ts", importRuleViolations(add("alerts/x.ts", "src/alerts/generate.ts")))).toEqual([
      "alerts/x.ts:3 imports src/alerts/generate.ts: alert definitions import only the DSL (src/alerts/dsl.ts and what it re-exports)",
    ]);
  });

  test("GIVEN product code importing an alert definition THEN it is refused", () => {
    expect(importRuleViolations(add("src/alerts/build.ts", "alerts/index.ts"))).toContain(
      "src/alerts/build.ts:3 imports alerts/index.ts: feature (alerts) may not import definitions (definitions)",
    );
  });

  test("GIVEN product code importing test support THEN it is refused", () => {
    expect(importRuleViolations(add("src/apply/apply.ts", "src/testing/cli.ts"))).toContain(
      "src/apply/apply.ts:3 imports src/testing/cli.ts: product code imports test support (testing)",
    );
  });

  test("GIVEN two feature folders importing each other THEN the cycle is printed with each step's file:line", () => {
    const cycle: ImportEdge[] = [
      { from: "src/smoke/run.ts", to: "src/diff/report.ts", line: 4 },
      { from: "src/diff/report.ts", to: "src/smoke/verdict.ts", line: 9 },
      { from: "src/diff/report.ts", to: "src/core/finding.ts", line: 2 },
    ];
    const found = importRuleViolations(cycle).filter((v) => v.startsWith("folder cycle"));
    expect(found).toEqual([
      "folder cycle diff → smoke → diff:\n" +
        "  src/diff/report.ts:9 imports src/smoke/verdict.ts\n" +
        "  src/smoke/run.ts:4 imports src/diff/report.ts",
    ]);
  });
});
