import { expect, test } from "bun:test";
import { Action, FailureKind } from "../apply/report.ts";
import { Severity } from "../core/finding.ts";
import { annotateApply, annotateFindings } from "./annotations.ts";

function recorder() {
  const calls: [string, string, unknown][] = [];
  return {
    calls,
    error: (m: string, w: unknown) => calls.push(["error", m, w]),
    warning: (m: string, w: unknown) => calls.push(["warning", m, w]),
  };
}

test("validation findings become annotations on the template file:line; notes do not", () => {
  const core = recorder();
  const location = { file: "manifests/templates/api/deployment.yaml.hbs", line: 12 };
  annotateFindings(core, [
    { severity: Severity.Error, rule: "image-digest", message: "image not pinned", location },
    { severity: Severity.Warning, rule: "probes", message: "no readiness probe" },
    { severity: Severity.Info, rule: "note", message: "fyi" },
  ]);
  expect(core.calls).toEqual([
    ["error", "image not pinned", { title: "image-digest", file: location.file, startLine: 12 }],
    ["warning", "no readiness probe", { title: "probes" }],
  ]);
});

test("an object the server refused (422) is an error on the line that wrote it", () => {
  const core = recorder();
  const ref = { group: "apps", version: "v1", kind: "Deployment", namespace: "app", name: "api" };
  annotateApply(core, [
    {
      target: "cluster gke_p_l_c",
      dryRun: false,
      objects: [
        { ref, action: Action.Created },
        {
          ref,
          action: Action.Failed,
          failure: FailureKind.Input,
          message: 'Deployment.apps "api" is invalid: spec.replicas: Invalid value: -1',
          source: { file: "manifests/templates/api/deployment.yaml.hbs", line: 9 },
        },
      ],
      problems: [],
      requests: { retries: 0 },
    },
  ]);
  expect(core.calls).toEqual([
    [
      "error",
      expect.stringContaining("spec.replicas: Invalid value: -1"),
      {
        title: "flyby apply cluster gke_p_l_c",
        file: "manifests/templates/api/deployment.yaml.hbs",
        startLine: 9,
      },
    ],
  ]);
});
