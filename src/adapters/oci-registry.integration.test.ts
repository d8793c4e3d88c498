import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { EnvironmentError, InputError } from "../core/errors.ts";
import { startRegistry, type TestRegistry } from "../testing/oci-registry.ts";
import { OciDigestResolver } from "./oci-registry.ts";

let registry: TestRegistry;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
});

const noWait = async () => {};

function resolverFor(r: TestRegistry, fetchImpl: typeof fetch = fetch) {
  return new OciDigestResolver({
    fetch: fetchImpl,
    plainHttp: [r.host],
    credentials: (host) => (host === r.host ? { username: r.username, password: r.password } : undefined),
    sleep: noWait,
  });
}

describe("OCI digest resolution against docker-registry (distribution 2.8) with token auth", () => {
  test("GIVEN a pushed image manifest WHEN its tag is resolved THEN the registry's digest comes back", async () => {
    const pushed = await registry.pushImage("platform/api", "v1.2.3");
    const digest = await resolverFor(registry).resolve({
      repository: `${registry.host}/platform/api`,
      tag: "v1.2.3",
    });
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(digest).toBe(pushed);
  });

  test("a tag that points at an image index resolves to the index's digest", async () => {
    const pushed = await registry.pushImage("platform/worker", "multi", { index: true });
    const digest = await resolverFor(registry).resolve({
      repository: `${registry.host}/platform/worker`,
      tag: "multi",
    });
    expect(digest).toBe(pushed);
  });

  test("HEAD requests carry the manifest Accept types and a bearer token from the challenge's realm", async () => {
    await registry.pushImage("platform/seen", "one");
    const seen: { method: string; accept: string | null; auth: string | null; url: string }[] = [];
    const spy = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const h = new Headers(init?.headers);
      seen.push({
        method: init?.method ?? "GET",
        accept: h.get("accept"),
        auth: h.get("authorization"),
        url: String(input),
      });
      return fetch(input, init);
    }) as typeof fetch;
    await resolverFor(registry, spy).resolve({ repository: `${registry.host}/platform/seen`, tag: "one" });
    expect(seen.map((s) => s.method)).toEqual(["HEAD", "GET", "HEAD"]);
    expect(seen[0]?.accept).toContain("application/vnd.oci.image.index.v1+json");
    expect(seen[0]?.accept).toContain("application/vnd.docker.distribution.manifest.v2+json");
    expect(seen[1]?.url).toContain("scope=repository%3Aplatform%2Fseen%3Apull");
    expect(seen[1]?.auth).toStartWith("Basic ");
    expect(seen[2]?.auth).toStartWith("Bearer ");
  });

  test("a missing tag is bad input (exit 2) naming the image", async () => {
    const err = await resolverFor(registry)
      .resolve({ repository: `${registry.host}/platform/api`, tag: "no-such-tag" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(`${registry.host}/platform/api:no-such-tag`);
  });

  test("wrong credentials are an environment failure (exit 3) and the password never shows", async () => {
    const resolver = new OciDigestResolver({
      fetch,
      plainHttp: [registry.host],
      credentials: () => ({ username: "oauth2accesstoken", password: "wrong-secret-value" }),
      sleep: noWait,
    });
    const err = await resolver
      .resolve({ repository: `${registry.host}/platform/api`, tag: "v1.2.3" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.exitCode).toBe(3);
    expect(err.message).not.toContain("wrong-secret-value");
  });
});

describe("credentials", () => {
  test("go only to a token service on the registry's own host name", async () => {
    const port = registry.host.split(":")[1];
    const seen: (string | null)[] = [];
    const spy = (async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Headers(init?.headers).get("authorization"));
      return fetch(input, init);
    }) as typeof fetch;
    const resolver = new OciDigestResolver({
      fetch: spy,
      plainHttp: [`localhost:${port}`],
      credentials: () => ({ username: registry.username, password: registry.password }),
      sleep: noWait,
    });
    const err = await resolver
      .resolve({ repository: `localhost:${port}/platform/api`, tag: "v1.2.3" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(seen[1]).toBeNull();
  });
});

describe("an unreachable registry", () => {
  test("is retried, then exits 3 saying how many attempts were made", async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    let calls = 0;
    const counting = ((input: RequestInfo | URL, init?: RequestInit) => {
      calls++;
      return fetch(input, init);
    }) as typeof fetch;
    const resolver = new OciDigestResolver({
      fetch: counting,
      plainHttp: [`127.0.0.1:${port}`],
      attempts: 3,
      sleep: noWait,
    });
    const err = await resolver
      .resolve({ repository: `127.0.0.1:${port}/platform/api`, tag: "v1" })
      .catch((e) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.exitCode).toBe(3);
    expect(err.message).toContain("after 3 attempts");
    expect(calls).toBe(3);
  });
});
