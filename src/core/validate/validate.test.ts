import { describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { repoRoot, runFlyby, scratchRepo } from "../../testing/cli.ts";
import type { KubeObject, RenderedObject } from "../kube/object.ts";
import { renderEnvironment } from "../render/render.ts";
import { credentialsPolicy } from "./policies/credentials.ts";
import { labelPolicy } from "./policies/metadata.ts";
import { imageDigestPolicy, resourcePolicy, scrapeAnnotationPolicy } from "./policies/workloads.ts";
import { schemaFindings } from "./schema.ts";
import { validateRendered } from "./validate.ts";

const tree = loadManifestTree(join(repoRoot, "manifests"));
const at = { file: "t.yaml", line: 1 };
const labels = {
  "app.kubernetes.io/name": "x",
  "app.kubernetes.io/part-of": "overflying",
  "app.kubernetes.io/managed-by": "flyby",
};

function deployment(
  container: Record<string, unknown>,
  annotations?: Record<string, string>,
): RenderedObject {
  const object: KubeObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "staging", labels },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" }, ...(annotations ? { annotations } : {}) },
        spec: { containers: [{ name: "web", image: "repo/web:1", ...container }] },
      },
    },
  };
  return { object, source: at };
}

const goodResources = { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } };

describe("validate", () => {
  test("the repository's own environments have no errors", () => {
    for (const env of ["staging", "production"]) {
      const errors = validateRendered(renderEnvironment(tree, env)).filter((f) => f.severity === "error");
      expect({ env, errors }).toEqual({ env, errors: [] });
    }
  });

  test("schema: a wrong type and an unknown field, each named by its path", () => {
    const bad = deployment({ resources: goodResources, imagePullPolicyy: "Always" });
    (bad.object.spec as Record<string, unknown>).replicas = "two";
    const findings = schemaFindings(bad);
    expect(findings.map((f) => f.rule)).toEqual(["schema", "schema-unknown-field"]);
    expect(findings[0]?.message).toContain("spec.replicas must be integer");
    expect(findings[1]?.message).toContain(
      "spec.template.spec.containers[0].imagePullPolicyy is not declared",
    );
  });

  test("resources: a container without limits", () => {
    const findings = resourcePolicy(deployment({ resources: { requests: { cpu: "1", memory: "1Gi" } } }));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain("limits.cpu, limits.memory");
  });

  test("scrape annotations: a port no container exposes, and a metrics port without annotations", () => {
    const wrongPort = scrapeAnnotationPolicy(
      deployment(
        { resources: goodResources, ports: [{ name: "metrics", containerPort: 8000 }] },
        { "prometheus.io/scrape": "true", "prometheus.io/port": "9000", "prometheus.io/path": "/metrics" },
      ),
    );
    expect(wrongPort.map((f) => f.message)).toEqual([expect.stringContaining("prometheus.io/port is 9000")]);
    const missing = scrapeAnnotationPolicy(
      deployment({ resources: goodResources, ports: [{ name: "metrics", containerPort: 8000 }] }),
    );
    expect(missing[0]?.message).toContain("no prometheus.io/scrape annotation");
    const notString = scrapeAnnotationPolicy(
      deployment(
        { ports: [{ name: "metrics", containerPort: 8000 }] },
        { "prometheus.io/scrape": "yes", "prometheus.io/port": "8000", "prometheus.io/path": "metrics" },
      ),
    );
    expect(notString.map((f) => f.message).join("\n")).toContain('exactly "true"');
  });

  test("credentials: the seed's admin123, a literal password env and a Secret with data", () => {
    const env = credentialsPolicy(
      deployment({ env: [{ name: "GF_SECURITY_ADMIN_PASSWORD", value: "admin123" }] }),
    );
    expect(env.map((f) => f.rule)).toEqual(["literal-credentials", "literal-credentials"]);
    const secret = credentialsPolicy({
      object: {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "grafana-admin", namespace: "observability" },
        stringData: { password: "hunter2" },
      },
      source: at,
    });
    expect(secret[0]?.message).toContain("literal stringData (password)");
    expect(JSON.stringify(secret)).not.toContain("hunter2");
  });

  test("labels: the recommended app.kubernetes.io labels", () => {
    const o = deployment({});
    const unlabelled = { ...o, object: { ...o.object, metadata: { name: "web", namespace: "staging" } } };
    expect(labelPolicy(unlabelled)[0]?.message).toContain(
      "app.kubernetes.io/name, app.kubernetes.io/part-of",
    );
  });

  test("image digests: an error where required, a warning elsewhere", () => {
    expect(imageDigestPolicy(deployment({}), true)[0]?.severity).toBe("error");
    expect(imageDigestPolicy(deployment({}), false)[0]?.severity).toBe("warning");
    expect(imageDigestPolicy(deployment({ image: `repo/web@sha256:${"a".repeat(64)}` }), true)).toEqual([]);
  });

  test("the CLI prints file:line findings and exits 1 on errors", async () => {
    const repo = scratchRepo();
    try {
      await Bun.write(
        join(repo, "manifests/values/production.yaml"),
        "api:\n  image:\n    repository: us-docker.pkg.dev/overflying/platform/api\n    tag: v1\n",
      );
      const run = await runFlyby(["validate", "--env", "production"], repo);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^manifests\/templates\/services\/api\.yaml\.hbs:24: error image-digest /m);
      const json = await runFlyby(["validate", "--env", "production", "--json"], repo);
      expect(JSON.parse(json.stdout).findings.length).toBeGreaterThan(0);
      expect((await runFlyby(["validate", "--env", "staging"], repoRoot)).code).toBe(0);
      // Validating production also runs the real promtool and amtool.
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }, 30_000);
});
