import { describe, expect, test } from "bun:test";
import { EnvironmentError, InputError } from "../core/errors.ts";
import { OciDigestResolver } from "./oci-registry.ts";

const digest = `sha256:${"ab".repeat(32)}`;
const image = { repository: "registry.local/platform/api", tag: "v1" };

/** A registry that answers HEAD with the given statuses in turn, then with the digest. */
function scriptedRegistry(...statuses: number[]) {
  const slept: number[] = [];
  let calls = 0;
  const fetch = (async () => {
    const status = statuses[calls++];
    return status === undefined
      ? new Response(null, { status: 200, headers: { "docker-content-digest": digest } })
      : new Response(null, { status });
  }) as unknown as typeof globalThis.fetch;
  const resolver = new OciDigestResolver({
    fetch,
    plainHttp: ["registry.local"],
    attempts: 4,
    sleep: async (ms) => void slept.push(ms),
  });
  return { resolver, slept, calls: () => calls };
}

describe("retries against the registry", () => {
  test("429 and 5xx are tried again after 250, 500 ms...", async () => {
    const r = scriptedRegistry(503, 429);
    expect(await r.resolver.resolve(image)).toBe(digest);
    expect(r.calls()).toBe(3);
    expect(r.slept).toEqual([250, 500]);
  });

  test("a registry that keeps failing is an environment failure naming the attempts and the last answer", async () => {
    const r = scriptedRegistry(500, 502, 503, 504, 500);
    const err = await r.resolver.resolve(image).catch((e) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toBe(
      "could not resolve registry.local/platform/api:v1: the registry registry.local did not answer after 4 attempts (HTTP 504)",
    );
    expect(r.slept).toEqual([250, 500, 1000]);
  });

  test("a missing tag and a refusal are final at the first answer", async () => {
    const missing = scriptedRegistry(404);
    expect(await missing.resolver.resolve(image).catch((e) => e)).toBeInstanceOf(InputError);
    const refused = scriptedRegistry(403);
    expect(await refused.resolver.resolve(image).catch((e) => e)).toBeInstanceOf(EnvironmentError);
    expect([missing.calls(), refused.calls(), missing.slept.length + refused.slept.length]).toEqual([
      1, 1, 0,
    ]);
  });
});
