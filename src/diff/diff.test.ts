import { describe, expect, test } from "bun:test";
import { formatPatch, OMIT_HEADERS, structuredPatch } from "diff";
import type { KubeObject } from "../core/kube/object.ts";
import { pathSegments } from "./locate.ts";
import { ignoredFields, normalizeObject } from "./normalize.ts";
import { changedPaths, diffObjects } from "./object-diff.ts";
import { Redactor } from "./redact.ts";
import {
  isDirty,
  renderJson,
  renderMarkdown,
  renderMarkdownFull,
  renderText,
  reviewOrder,
} from "./report.ts";
import { unifiedDiff } from "./unified.ts";

const redactor = new Redactor("test-salt");

function deployment(
  over: { image?: string; replicas?: number; env?: Record<string, string> } = {},
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "api", namespace: "staging" },
    spec: {
      replicas: over.replicas ?? 1,
      template: {
        spec: {
          containers: [
            {
              name: "api",
              image: over.image ?? "ghcr.io/overflying/api:1.0.0",
              env: Object.entries(over.env ?? {}).map(([name, value]) => ({ name, value })),
            },
          ],
        },
      },
    },
  };
}

const obj = (
  apiVersion: string,
  kind: string,
  name: string,
  extra: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: "staging" },
  ...extra,
});

describe("normalization", () => {
  test("drops what the server manages and folds stringData into data", () => {
    const live = {
      ...deployment(),
      metadata: {
        name: "api",
        namespace: "staging",
        uid: "u",
        resourceVersion: "9",
        generation: 3,
        creationTimestamp: "2026-01-01T00:00:00Z",
        managedFields: [{ manager: "flyby" }],
        annotations: { "deployment.kubernetes.io/revision": "4" },
      },
      status: { replicas: 1 },
    } as KubeObject;
    expect(normalizeObject(live)).toEqual(normalizeObject(deployment()));
    const secret = normalizeObject(obj("v1", "Secret", "db", { stringData: { a: "b" } })) as Record<
      string,
      unknown
    >;
    expect(secret.data).toEqual({ a: Buffer.from("b").toString("base64") });
    expect(secret.stringData).toBeUndefined();
  });

  test("the footnote's list covers every kind of ignored field", () => {
    for (const f of [
      "status",
      "managedFields",
      "resourceVersion",
      "uid",
      "creationTimestamp",
      "generation",
    ]) {
      expect(ignoredFields.some((i) => i.path.includes(f))).toBe(true);
    }
    expect(
      renderMarkdownFull([{ environment: "s", against: "git:main", objects: [], blocked: [] }]),
    ).toContain("last-applied-configuration");
  });
});

describe("object diff", () => {
  test("GIVEN one changed value THEN exactly that path and those lines change", () => {
    const [d] = diffObjects([deployment()], [deployment({ replicas: 2 })], redactor);
    expect(d?.change).toBe("changed");
    expect(d?.paths).toEqual(["spec.replicas"]);
    const changed = (d?.diff ?? "").split("\n").filter((l) => /^[-+]/.test(l));
    expect(changed).toEqual(["-  replicas: 1", "+  replicas: 2"]);
  });

  test("GIVEN a changed line in a multi-line value THEN the diff shows it as a literal block, only that line changed", () => {
    const dashboard = (threshold: number): KubeObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "dashboards", namespace: "observability" },
      data: {
        "api-detailed.json": `${JSON.stringify({ title: "API", threshold, panels: [{ id: 1 }, { id: 2 }] }, null, 2)}\n`,
      },
    });
    const [d] = diffObjects([dashboard(90)], [dashboard(91)], redactor);
    expect(d?.diff).toContain("  api-detailed.json: |\n");
    expect(d?.diff).not.toContain("\\n");
    const changed = (d?.diff ?? "").split("\n").filter((l) => /^[-+]/.test(l));
    expect(changed).toEqual(['-      "threshold": 90,', '+      "threshold": 91,']);
  });

  test("matches by group, kind, namespace and name, across API versions of a group", () => {
    const before = [obj("autoscaling/v1", "HorizontalPodAutoscaler", "api"), obj("v1", "ConfigMap", "gone")];
    const after = [obj("autoscaling/v2", "HorizontalPodAutoscaler", "api"), obj("v1", "ConfigMap", "new")];
    const byName = Object.fromEntries(
      diffObjects(before, after, redactor).map((d) => [d.ref.name, `${d.change} ${d.paths.join()}`.trim()]),
    );
    expect(byName).toEqual({ api: "changed apiVersion", gone: "removed", new: "added" });
  });

  test("list elements with a name are addressed by it", () => {
    expect(changedPaths(deployment(), deployment({ image: "x:2" }))).toEqual([
      "spec.template.spec.containers[name=api].image",
    ]);
  });

  test("paths come in key order at every level, whatever order the objects hold their keys in", () => {
    const before = { z: 1, spec: { y: 1, b: { k: 1, a: 1 } }, "10": 1, "9": 1, data: { x: "1" } };
    const after = { data: { x: "2" }, "9": 2, "10": 2, spec: { b: { a: 2, k: 2 }, y: 2 }, z: 2 };
    // Key order is the default string sort: "10" before "9", as for any other key.
    expect(changedPaths(before, after)).toEqual(["10", "9", "data.x", "spec.b.a", "spec.b.k", "spec.y", "z"]);
  });

  test("risks: deletions, RBAC, CRDs, images, Secrets, storage and new LoadBalancers come first", () => {
    const before = [
      deployment(),
      obj("v1", "ConfigMap", "old"),
      obj("v1", "Service", "web", { spec: { type: "ClusterIP" } }),
      obj("v1", "ConfigMap", "plain", { data: { a: "1" } }),
    ];
    const after = [
      deployment({ image: "ghcr.io/overflying/api:2.0.0" }),
      obj("v1", "Service", "web", { spec: { type: "LoadBalancer" } }),
      obj("v1", "ConfigMap", "plain", { data: { a: "2" } }),
      obj("rbac.authorization.k8s.io/v1", "Role", "reader", { rules: [] }),
      obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com"),
      obj("v1", "PersistentVolumeClaim", "data"),
      obj("v1", "Secret", "db", { data: { password: "eA==" } }),
    ];
    const env = {
      environment: "staging",
      against: "git:main",
      objects: diffObjects(before, after, redactor),
      blocked: [],
    };
    expect(reviewOrder(env).map((o) => `${o.ref.name}:${o.risks.join("+")}`)).toEqual([
      "old:deletion",
      "reader:rbac",
      "widgets.example.com:crd",
      "api:image",
      "db:secret",
      "data:storage",
      "web:load-balancer",
      "plain:",
    ]);
    const md = renderMarkdown(env)[0] ?? "";
    expect(md.indexOf("### Risks first")).toBeLessThan(md.indexOf("### Changes"));
    expect(md).toContain("| Deployment | 0 | 1 | 0 | 0 |");
  });
});

describe("secret safety", () => {
  const values = ["hunter2-db-password", "tok-4242-abcdef", "aws-secret-key-value", "ghp_credential0001"];
  const before = [
    obj("v1", "Secret", "db", {
      data: { password: Buffer.from(values[0] as string).toString("base64"), user: "dXNlcg==" },
    }),
    deployment({ env: { DB_PASSWORD: values[2] as string, LOG_LEVEL: "info" } }),
  ];
  const after = [
    obj("v1", "Secret", "db", {
      stringData: { password: values[1] as string, user: "user", token: values[3] as string },
    }),
    deployment({ env: { DB_PASSWORD: values[3] as string, LOG_LEVEL: "debug" } }),
    {
      ...obj("v1", "ConfigMap", "cfg"),
      metadata: {
        name: "cfg",
        namespace: "staging",
        annotations: { "example.com/api-token": values[0] as string },
      },
    } as KubeObject,
  ];
  const env = {
    environment: "staging",
    against: "cluster",
    objects: diffObjects(before, after, redactor),
    blocked: [],
  };

  test("no output format carries a secret value, plain or base64", () => {
    const outputs = [
      renderJson([env]),
      renderText([env], false),
      renderText([env], true),
      ...renderMarkdown(env),
    ];
    for (const v of values) {
      for (const out of outputs) {
        expect(out).not.toContain(v);
        expect(out).not.toContain(Buffer.from(v).toString("base64"));
      }
    }
  });

  test("a Secret change shows its keys, and the changed value as a different hash", () => {
    const secret = env.objects.find((o) => o.ref.kind === "Secret");
    expect(secret?.secretKeys).toEqual({ added: ["token"], removed: [], changed: ["password"] });
    expect(renderMarkdown(env).join("")).toContain("keys changed: password; keys added: token");
    const lines = (secret?.diff ?? "").split("\n").filter((l) => l.includes("password"));
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^-\s+password: "<redacted sha256:[0-9a-f]{8}>"$/);
    expect(lines[0]?.slice(1)).not.toBe(lines[1]?.slice(1));
  });

  test("the same value hashes the same within a run, differently across runs", () => {
    expect(redactor.mask("x")).toBe(new Redactor("test-salt").mask("x"));
    expect(redactor.mask("x")).not.toBe(new Redactor("other-salt").mask("x"));
  });

  test("non-secret env values stay readable", () => {
    expect(renderText([env], false)).toContain("+              value: debug");
  });

  test("GIVEN objects with masked values and server fields WHEN diffed THEN the inputs are left as they were", () => {
    const live = {
      ...deployment({ env: { DB_PASSWORD: values[2] as string, LOG_LEVEL: "info" } }),
      metadata: {
        name: "api",
        namespace: "staging",
        annotations: { "example.com/api-token": values[0] as string, note: "kept" },
        managedFields: [{ manager: "flyby" }],
      },
      status: { replicas: 1 },
    } as KubeObject;
    const service = obj("v1", "Service", "api", {
      spec: { clusterIP: "10.0.0.1", template: { metadata: { creationTimestamp: null } } },
    });
    const inputs = [live, service, ...before, ...after];
    const untouched = structuredClone(inputs);
    const diffs = diffObjects([live, service, ...before], [deployment(), ...after], redactor);
    expect(inputs).toEqual(untouched);
    expect(diffs.map((d) => d.diff).join("")).not.toContain(values[2] as string);
    expect(redactor.object(live).metadata.annotations).toEqual({
      "example.com/api-token": redactor.mask(values[0]),
      note: "kept",
    });
    expect(inputs).toEqual(untouched);
  });
});

describe("unified diff", () => {
  test("equal texts give nothing; changes get hunks with three lines of context", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n")).toBe("");
    const before = `${Array.from({ length: 20 }, (_, i) => `l${i}`).join("\n")}\n`;
    const after = before.replace("l10\n", "L10\n").replace("l0\n", "");
    expect(unifiedDiff(before, after)).toBe(
      [
        "@@ -1,4 +1,3 @@",
        "-l0",
        " l1",
        " l2",
        " l3",
        "@@ -8,7 +7,7 @@",
        " l7",
        " l8",
        " l9",
        "-l10",
        "+L10",
        " l11",
        " l12",
        " l13",
        "",
      ].join("\n"),
    );
    expect(unifiedDiff("", "a\n")).toBe("@@ -0,0 +1,1 @@\n+a\n");
  });

  test("a last line without its newline is the same line as with it", () => {
    expect(unifiedDiff("a\nb", "a\nc\n")).toBe("@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
    expect(unifiedDiff("a\n", "")).toBe("@@ -1,1 +0,0 @@\n-a\n");
  });
});

describe("report", () => {
  test("nothing changed is clean; a change or a blocked object is not", () => {
    const same = {
      environment: "s",
      against: "cluster",
      objects: diffObjects([deployment()], [deployment()], redactor),
      blocked: [],
    };
    expect(isDirty([same])).toBe(false);
    const blocked = {
      ...same,
      blocked: [
        {
          ref: { group: "apps", version: "v1", kind: "Deployment", name: "api" },
          reason: "cannot diff: forbidden (patch, deployments)",
        },
      ],
    };
    expect(isDirty([blocked])).toBe(true);
    expect(renderMarkdown(blocked)[0]).toContain("cannot diff: forbidden (patch, deployments)");
  });

  test("JSON lists every object with its change and paths", () => {
    const env = {
      environment: "s",
      against: "git:main",
      objects: diffObjects([deployment()], [deployment({ replicas: 3 })], redactor),
      blocked: [],
    };
    const parsed = JSON.parse(renderJson([env]));
    expect(parsed.environments[0].summary).toEqual({ added: 0, changed: 1, removed: 0, unchanged: 0 });
    expect(parsed.environments[0].objects[0]).toMatchObject({
      kind: "Deployment",
      name: "api",
      change: "changed",
      paths: ["spec.replicas"],
    });
  });

  test("colour only when asked", () => {
    const env = {
      environment: "s",
      against: "git:main",
      objects: diffObjects([deployment()], [deployment({ replicas: 3 })], redactor),
      blocked: [],
    };
    expect(renderText([env], true)).toContain("\x1b[32m+  replicas: 3");
    expect(renderText([env], false)).not.toContain("\x1b[");
  });
});

describe("change locations", () => {
  test("a changed path maps to the rendered object's segments, list elements by name", () => {
    expect(pathSegments(deployment(), "spec.template.spec.containers[name=api].image")).toEqual([
      "spec",
      "template",
      "spec",
      "containers",
      0,
      "image",
    ]);
    expect(pathSegments(deployment(), "spec.replicas")).toEqual(["spec", "replicas"]);
  });
});

describe("splitting", () => {
  test("thousands of risky objects still give parts under the limit", () => {
    const before = Array.from({ length: 3000 }, (_, i) =>
      obj("v1", "ConfigMap", `old-config-map-number-${i}`),
    );
    const env = {
      environment: "staging",
      against: "git:main",
      objects: diffObjects(before, [], redactor),
      blocked: [],
    };
    const parts = renderMarkdown(env);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.every((p) => p.length <= 65_536 - 100)).toBe(true);
    const all = parts.join("\n");
    for (const i of [0, 1500, 2999])
      expect(all).toContain(`| deletion | \`ConfigMap staging/old-config-map-number-${i}\``);
  });
});

describe("unified diff against the untrimmed one", () => {
  // The same diff the library gives on the whole texts, for edits anywhere in a document.
  const whole = (before: string, after: string, context: number) => {
    const patch = structuredPatch("", "", before, after, undefined, undefined, { context });
    return patch.hunks.length ? formatPatch(patch, OMIT_HEADERS) : "";
  };
  test("edits anywhere, among repeated lines (where the diff has a choice of pairing), give the same hunks", () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    // Few distinct lines, as in lists of alike receivers or containers: many ways to pair them.
    const alphabet = ["- url: https://r/am", "  send_resolved: true", "x"];
    for (let round = 0; round < 3000; round++) {
      const lines = Array.from({ length: random(30) }, () => alphabet[random(alphabet.length)] as string);
      const edited = [...lines];
      for (let e = random(4); e >= 0; e--) {
        const at = random(edited.length + 1);
        const op = random(3);
        const line = alphabet[random(alphabet.length)] as string;
        if (op === 0) edited.splice(at, 0, line);
        else if (op === 1) edited.splice(at, 1);
        else edited.splice(at, 1, line);
      }
      const before = lines.length ? `${lines.join("\n")}\n` : "";
      const after = edited.length ? `${edited.join("\n")}\n` : "";
      for (const context of [0, 1, 3])
        expect(unifiedDiff(before, after, context)).toBe(whole(before, after, context));
    }
  });
});
