import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runFlyby, scratchRepo } from "../testing/cli.ts";
import { startRegistry, type TestRegistry, useRegistryForStack } from "../testing/oci-registry.ts";
import { decodeBundle } from "./bundle.ts";

let registry: TestRegistry;
let repo: string;
const commit = "89abcdef0123456789abcdef0123456789abcdef";
const pushed: Record<string, string> = {};

beforeAll(async () => {
  registry = await startRegistry();
  repo = scratchRepo();
  Object.assign(pushed, await useRegistryForStack(repo, registry));
});
afterAll(async () => {
  await registry?.stop();
  if (repo) rmSync(repo, { recursive: true, force: true });
});

function env(): Record<string, string> {
  return {
    FLYBY_REGISTRY_PASSWORD: registry.password,
    FLYBY_REGISTRY_PLAIN_HTTP: registry.host,
    FLYBY_REGISTRY_HOSTS: registry.host,
  };
}

describe("flyby bundle against a real registry", () => {
  test("writes a bundle pinned to the registry's digests; twice gives the same hash", async () => {
    const a = await runFlyby(
      ["bundle", "--env", "staging", "--out", "a.json", "--commit", commit],
      repo,
      env(),
    );
    const b = await runFlyby(
      ["bundle", "--env", "staging", "--out", "b.json", "--commit", commit],
      repo,
      env(),
    );
    expect(a.stderr).toContain("5 images pinned");
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const hash = a.stdout.trim();
    expect(hash).toMatch(/^[a-f0-9]{64}$/);
    expect(b.stdout.trim()).toBe(hash);
    const bytes = readFileSync(join(repo, "a.json"), "utf8");
    expect(readFileSync(join(repo, "b.json"), "utf8")).toBe(bytes);
    const bundle = decodeBundle(bytes, "a.json");
    expect(bundle.content.images[`${registry.host}/platform/api`]?.digest).toBe(
      pushed["platform/api"] as string,
    );
    expect(bytes).toContain(`${registry.host}/platform/worker@${pushed["platform/worker"]}`);
    expect(bytes).not.toContain(registry.password);
  });

  test("a tag the registry does not have exits 2 and writes nothing", async () => {
    const common = join(repo, "manifests/values/common.yaml");
    const original = readFileSync(common, "utf8");
    writeFileSync(common, original.replace("tag: v2.42.0", "tag: v9.9.9"));
    try {
      const r = await runFlyby(
        ["bundle", "--env", "staging", "--out", "c.json", "--commit", commit],
        repo,
        env(),
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("prometheus/prometheus:v9.9.9");
      expect(() => readFileSync(join(repo, "c.json"))).toThrow();
    } finally {
      writeFileSync(common, original);
    }
  });

  test("the registry password goes to no host outside FLYBY_REGISTRY_HOSTS", async () => {
    const r = await runFlyby(["bundle", "--env", "staging", "--out", "e.json", "--commit", commit], repo, {
      ...env(),
      FLYBY_REGISTRY_HOSTS: "us-docker.pkg.dev",
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("refused a token (HTTP 401)");
    expect(r.stderr).not.toContain(registry.password);
  });

  test("a commit that is not a full id exits 2", async () => {
    const r = await runFlyby(
      ["bundle", "--env", "staging", "--out", "d.json", "--commit", "abc"],
      repo,
      env(),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("not a full 40-hex commit id");
  });
});
