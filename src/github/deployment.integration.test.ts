import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeDeployments } from "../testing/fake-github/deployments.ts";
import { FakeGitHub } from "../testing/fake-github/server.ts";
import { octokitDeployments, withDeployment } from "./deployment.ts";
import { makeOctokit } from "./octokit.ts";

const fake = new FakeDeployments();
const github = new FakeGitHub().use(fake);
const token = "ghs-test-token";
beforeAll(() => {
  fake.refs.set("abc123", "a".repeat(40));
  github.start();
});
afterAll(async () => {
  await github.stop();
});

const sha256 = "9f2c".padEnd(64, "0");
const api = () => octokitDeployments(makeOctokit(token, github.url), { owner: "overflying", repo: "flyby" });
/** Statuses oldest first, as they were written. */
const written = () => [...(fake.deployments.at(-1)?.statuses ?? [])].reverse();

describe("GitHub Deployment around an apply", () => {
  test("records the rendered sha256 and goes in_progress → success", async () => {
    const result = await withDeployment(
      api(),
      { ref: "abc123", environment: "staging", sha256 },
      async () => ({
        ok: true,
        headline: "3 created, 4 unchanged",
      }),
    );
    expect(result.ok).toBe(true);
    const d = fake.deployments.at(-1);
    expect(d).toMatchObject({ ref: "abc123", environment: "staging", payload: { sha256 } });
    expect(written().map((s) => s.state)).toEqual(["in_progress", "success"]);
    expect(written().at(-1)?.description).toBe("sha256 9f2c00000000: 3 created, 4 unchanged");
  });

  test("production_environment is the environment's production flag, whatever its name", async () => {
    const ok = async () => ({ ok: true, headline: "ok" });
    await withDeployment(api(), { ref: "abc123", environment: "live", production: true, sha256 }, ok);
    expect(fake.deployments.at(-1)?.production_environment).toBe(true);
    await withDeployment(api(), { ref: "abc123", environment: "production", sha256 }, ok);
    expect(fake.deployments.at(-1)?.production_environment).toBe(false);
  });

  test("a failed apply ends in failure; a thrown error in error, and is rethrown", async () => {
    await withDeployment(api(), { ref: "abc123", environment: "staging", sha256 }, async () => ({
      ok: false,
      headline: "1 failed",
    }));
    expect(written().map((s) => s.state)).toEqual(["in_progress", "failure"]);
    const boom = withDeployment(api(), { ref: "abc123", environment: "staging", sha256 }, async () => {
      throw new Error("cluster unreachable");
    });
    await expect(boom).rejects.toThrow("cluster unreachable");
    expect(written().map((s) => s.state)).toEqual(["in_progress", "error"]);
  });

  test("bad credentials are an environment failure naming GitHub's answer", async () => {
    const bad = octokitDeployments(makeOctokit("wrong", github.url), { owner: "overflying", repo: "flyby" });
    await expect(
      bad.create({ ref: "x", environment: "staging", description: "", payload: {} }),
    ).rejects.toThrow("GitHub refused to create a deployment (401)");
  });
});
