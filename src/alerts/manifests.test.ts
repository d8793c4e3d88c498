import { expect, test } from "bun:test";
import type { Finding } from "../core/finding.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { credentialsPolicy } from "../core/validate/policies/credentials.ts";
import { labelPolicy } from "../core/validate/policies/metadata.ts";
import { resourcePolicy, scrapeAnnotationPolicy } from "../core/validate/policies/workloads.ts";
import { schemaFindings } from "../core/validate/schema.ts";
import { repoAlerts } from "../testing/alerts/stack.ts";
import { generate, manifestsDir } from "./generate.ts";

const defaults = repoAlerts();

test("the generated manifests pass the Kubernetes schemas and flyby's policies", () => {
  const findings: Finding[] = [];
  for (const [path, text] of generate(defaults)) {
    if (!path.startsWith(`${manifestsDir}/`)) continue;
    const r = { object: Bun.YAML.parse(text) as KubeObject, source: { file: path, line: 1 } };
    findings.push(
      ...schemaFindings(r),
      ...labelPolicy(r),
      ...resourcePolicy(r),
      ...scrapeAnnotationPolicy(r),
      ...credentialsPolicy(r),
    );
  }
  expect(findings).toEqual([]);
});
