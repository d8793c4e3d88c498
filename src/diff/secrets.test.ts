import { afterAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { diffPullRequest } from "../app/diff-pr.ts";
import { renderEnvironment } from "../core/render/render.ts";
import { renderComment, sectionOf } from "../pr/comment.ts";
import { redactNotification } from "../receiver/redact.ts";
import type { Notification } from "../receiver/webhook.ts";
import { runFlyby, scratchRepo } from "../testing/cli.ts";
import { git as gitIn } from "../testing/git.ts";
import { prDiffPorts } from "../wiring/read.ts";
import { isSensitiveName, looksLikeCredential, looksRandom, Redactor } from "./redact.ts";

/**
 * Credentials under harmless names: only their values give them away. Built from pieces so
 * that no secret scanner mistakes this file for a leak.
 */
const secrets = {
  dbPassword: "hunter2-Correct-Horse",
  oldDbPassword: "older-Battery-Staple9",
  github: `ghp_${"A1b2C3d4E5f6G7h8I9j0".repeat(2)}`,
  githubPat: `github_pat_${"11ABCDEFG0".repeat(3)}`,
  slack: `xoxb-${"123456789012"}-${"abcdefABCDEF1234"}`,
  aws: `AKIA${"IOSFODNN7EXAMPLE"}`,
  google: `AIza${"SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6q"}`,
  jwt: `eyJhbGciOiJIUzI1NiJ9.${"eyJzdWIiOiJmbHlieSJ9"}.${"c2lnbmF0dXJlLXZhbHVlLWhlcmU"}`,
  pemBody: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
  random: "q8Zt2LmX9vR4kB7nW1cY5fJ3hD6sA0gE",
} as const;

const pem = `-----BEGIN PRIVATE KEY-----\n${secrets.pemBody}\n-----END PRIVATE KEY-----\n`;

function valuesWith(password: string): string {
  return [
    "# Staging follows main.",
    "api:",
    "  replicas: 1",
    "  env:",
    "    OVERFLYING_ENV: staging",
    `    DATABASE_URL: postgres://app:${password}@db.internal:5432/app`,
    `    CI_HELPER: ${secrets.github}`,
    `    DEPLOY_HELPER: ${secrets.githubPat}`,
    `    CHAT_HOOK: ${secrets.slack}`,
    `    CLOUD_ID: ${secrets.aws}`,
    `    MAPS: ${secrets.google}`,
    `    SESSION: ${secrets.jwt}`,
    `    UPSTREAM_ID: ${secrets.random}`,
    "worker:",
    "  replicas: 1",
    "  env:",
    "    OVERFLYING_ENV: staging",
    "",
  ].join("\n");
}

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: leaky
  namespace: {{env.namespace}}
  annotations:
    note: "call with Bearer ${secrets.jwt}"
data:
  client.pem: |
${pem
  .trimEnd()
  .split("\n")
  .map((l) => `    ${l}`)
  .join("\n")}
  settings.ini: |
    upstream = https://svc:${secrets.dbPassword}@upstream.internal/
`;

const repo = scratchRepo();
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const git = (...args: string[]) => gitIn(repo, ...args);

function expectNoSecrets(text: string): void {
  for (const value of [...Object.values(secrets), "hunter2"]) expect(text).not.toContain(value);
  expect(text).toContain("<redacted sha256:");
}

describe("secret values never reach a diff, whatever their name", () => {
  test("GIVEN credentials under harmless names WHEN diffed in every format THEN none of them is printed", async () => {
    writeFileSync(join(repo, "manifests", "values", "staging.yaml"), valuesWith(secrets.oldDbPassword));
    const base = await runFlyby(["render", "--env", "staging", "--out", "base"], repo);
    expect(base.code).toBe(0);
    writeFileSync(join(repo, "manifests", "values", "staging.yaml"), valuesWith(secrets.dbPassword));
    writeFileSync(join(repo, "manifests", "templates", "services", "leaky.yaml.hbs"), configMap);
    for (const format of ["text", "markdown", "json"]) {
      const run = await runFlyby(
        ["diff", "--env", "staging", "--against", "dir:base", "--format", format],
        repo,
      );
      expect({ format, code: run.code, stderr: run.stderr }).toEqual({ format, code: 1, stderr: "" });
      expectNoSecrets(run.stdout);
      // The changed password shows as a change of hash.
      expect(run.stdout).toContain("postgres://app:<redacted sha256:");
      expect(run.stdout).not.toContain(secrets.oldDbPassword);
    }
  });

  test("the PR comment and the job summary hold no credential either", async () => {
    writeFileSync(join(repo, "manifests", "values", "staging.yaml"), valuesWith(secrets.oldDbPassword));
    rmSync(join(repo, "manifests", "templates", "services", "leaky.yaml.hbs"), { force: true });
    git("init", "-q");
    git("add", "manifests");
    git("commit", "-qm", "base");
    writeFileSync(join(repo, "manifests", "values", "staging.yaml"), valuesWith(secrets.dbPassword));
    writeFileSync(join(repo, "manifests", "templates", "services", "leaky.yaml.hbs"), configMap);
    const ports = prDiffPorts({ cwd: repo, against: "git:HEAD" });
    const result = await diffPullRequest({ environment: "staging", against: "git:HEAD" }, ports);
    expect(result.changed).toBe(true);
    const section = sectionOf(result.diff, "offline", { rank: result.rank });
    expectNoSecrets([...renderComment([section]), result.full].join("\n"));
  });

  test("the receiver masks annotation values through the same module", () => {
    const n = {
      version: "4",
      groupKey: "g",
      status: "firing",
      receiver: "r",
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: { summary: `db at postgres://app:${secrets.dbPassword}@db/app is down` },
      externalURL: "http://am",
      truncatedAlerts: 0,
      alerts: [
        {
          status: "firing",
          labels: {},
          annotations: { description: `token ${secrets.github}`, runbook: "see the wiki" },
          startsAt: "2026-01-01T00:00:00Z",
          endsAt: "0001-01-01T00:00:00Z",
          generatorURL: "http://prom",
          fingerprint: "f",
        },
      ],
    } as unknown as Notification;
    const text = JSON.stringify(redactNotification(n));
    expect(text).not.toContain(secrets.dbPassword);
    expect(text).not.toContain(secrets.github);
    expect(text).toContain("postgres://app:<redacted sha256:");
    expect(text).toContain("see the wiki");
  });
});

describe("redaction rules", () => {
  const r = new Redactor("salt");

  test("names as before", () => {
    for (const name of ["DB_PASSWORD", "API_TOKEN", "client-secret", "SSH_KEY", "authorization"]) {
      expect(isSensitiveName(name)).toBe(true);
    }
    expect(isSensitiveName("OVERFLYING_ENV")).toBe(false);
  });

  test("each credential pattern is found, and ordinary values are left alone", () => {
    const bare: string[] = [secrets.random, secrets.pemBody, secrets.dbPassword, secrets.oldDbPassword];
    for (const value of [...Object.values(secrets).filter((v) => !bare.includes(v)), pem]) {
      expect({ value, found: looksLikeCredential(value) }).toEqual({ value, found: true });
    }
    for (const value of [
      "https://grafana.example.org/d/abc",
      "registry.example.org/overflying/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "staging",
      "15s",
      "nats://nats.infrastructure:4222",
    ]) {
      expect({ value, found: looksLikeCredential(value) }).toEqual({ value, found: false });
    }
  });

  test("random-looking env values are secret; ids, digests and words are not", () => {
    expect(looksRandom(secrets.random)).toBe(true);
    expect(looksRandom("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")).toBe(true);
    for (const value of [
      "0123456789abcdef0123456789abcdef01234567",
      "overflying-api-production-primary",
      "Overflying_Observability_Stack_2026",
    ]) {
      expect({ value, random: looksRandom(value) }).toEqual({ value, random: false });
    }
  });

  test("a mask is salted and stable within a run, so a change still shows", () => {
    expect(r.mask("a")).toBe(r.mask("a"));
    expect(r.mask("a")).not.toBe(r.mask("b"));
    expect(r.mask("a")).not.toBe(new Redactor("other").mask("a"));
    expect(r.mask("a")).toMatch(/^<redacted sha256:[0-9a-f]{8}>$/);
  });

  test("only the password of a URL is masked; the rest of the text stays readable", () => {
    expect(r.text("url: postgres://app:pw123@db:5432/app")).toBe(
      `url: postgres://app:${r.mask("pw123")}@db:5432/app`,
    );
    expect(r.text(`key:\n${pem}done`)).toBe(`key:\n${r.mask(pem.trimEnd())}\ndone`);
  });
});

test("nothing in the seed's rendered manifests is taken for a credential", () => {
  const strings: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") strings.push(v);
    else if (v && typeof v === "object") for (const x of Object.values(v)) visit(x);
  };
  for (const env of ["staging", "production"]) {
    const tree = loadManifestTree(join(import.meta.dir, "..", "..", "manifests"));
    for (const o of renderEnvironment(tree, env).objects) if (o.object.kind !== "Secret") visit(o.object);
  }
  expect(strings.length).toBeGreaterThan(500);
  expect(strings.filter((t) => looksLikeCredential(t) || looksRandom(t))).toEqual([]);
});
