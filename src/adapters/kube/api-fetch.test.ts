import { describe, expect, test } from "bun:test";
import { KubeConfig, type User } from "@kubernetes/client-node";
import { EnvironmentError } from "../../core/errors.ts";
import type { Fetch } from "../../smoke/sources.ts";
import { kubeApiFetch, podProxyPath, serviceProxyPath } from "./api-fetch.ts";
import { tokenKubeConfig } from "./kubeconfig.ts";

const server = "http://127.0.0.1:6443";

/** A fetch that records what it was asked and answers with `answer`. */
function recording(answer: () => Response | Promise<Response>) {
  const seen: { url: string; init: RequestInit | undefined }[] = [];
  const fetch: Fetch = async (url, init) => {
    seen.push({ url, init });
    return answer();
  };
  return { fetch, seen };
}

const statusBody = (code: number, message: string) =>
  JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", message, code });

describe("requests to the API server with the kubeconfig's credentials", () => {
  test("GIVEN a token kubeconfig THEN each request carries the bearer token beside its own headers", async () => {
    const inner = recording(() => new Response("ok"));
    const api = await kubeApiFetch(tokenKubeConfig(`${server}/`, "t0ken"), inner.fetch);
    const path = `${serviceProxyPath({ namespace: "observability", name: "prometheus", port: 9090 })}/-/ready`;
    const response = await api.fetch(`${api.server}${path}`, { headers: { accept: "text/plain" } });
    expect(await response.text()).toBe("ok");
    expect(api.server).toBe(server);
    const sent = inner.seen[0];
    expect(sent?.url).toBe(
      `${server}/api/v1/namespaces/observability/services/prometheus:9090/proxy/-/ready`,
    );
    const headers = new Headers(sent?.init?.headers);
    expect(headers.get("authorization")).toBe("Bearer t0ken");
    expect(headers.get("accept")).toBe("text/plain");
    // A plain-http server has no certificate to verify (see tokenKubeConfig).
    expect((sent?.init as { tls?: unknown } | undefined)?.tls).toEqual({ rejectUnauthorized: false });
  });

  test("a 401 or 403 is an environment failure naming the server and the Status message, not the token", async () => {
    for (const code of [401, 403]) {
      const inner = recording(() => new Response(statusBody(code, "Unauthorized"), { status: code }));
      const api = await kubeApiFetch(tokenKubeConfig(server, "t0ken"), inner.fetch);
      const err = await api.fetch(`${server}/api/v1/namespaces`).catch((e) => e);
      expect(err).toBeInstanceOf(EnvironmentError);
      expect(err.exitCode).toBe(3);
      expect(err.message).toBe(`the Kubernetes API at ${server} refused the request (${code}): Unauthorized`);
      expect(err.message).not.toContain("t0ken");
    }
  });

  test("a refusal whose body is not a Status says the code", async () => {
    const inner = recording(() => new Response("<html><title>Sign in</title></html>", { status: 401 }));
    const api = await kubeApiFetch(tokenKubeConfig(server, "t0ken"), inner.fetch);
    const err = await api.fetch(`${server}/api`).catch((e) => e);
    expect(err.message).toBe(`the Kubernetes API at ${server} refused the request (401): HTTP 401`);
  });

  test("other answers, errors included, reach the caller as they are", async () => {
    const inner = recording(() => new Response(statusBody(503, "no endpoints"), { status: 503 }));
    const api = await kubeApiFetch(tokenKubeConfig(server, "t0ken"), inner.fetch);
    expect((await api.fetch(`${server}/api`)).status).toBe(503);
  });

  test("a connection that fails names the server and the cause", async () => {
    const refused = Object.assign(new Error("Unable to connect"), { code: "ECONNREFUSED" });
    const api = await kubeApiFetch(tokenKubeConfig(server, "t0ken"), async () => {
      throw refused;
    });
    const err = await api.fetch(`${server}/api`).catch((e) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toBe(
      `cannot reach the Kubernetes API at ${server}: connection refused (ECONNREFUSED)`,
    );
  });

  test("GIVEN credentials the kubeconfig cannot produce THEN it fails before any request, naming the server", async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server, skipTLSVerify: true }],
      users: [{ name: "u", authProvider: { name: "broken", config: {} } }],
      contexts: [{ name: "c", cluster: "c", user: "u" }],
      currentContext: "c",
    });
    kc.addAuthenticator({
      isAuthProvider: (user: User) => user.authProvider?.name === "broken",
      applyAuthentication: async () => {
        throw new Error("the credential plugin failed");
      },
    });
    const inner = recording(() => new Response("ok"));
    const err = await kubeApiFetch(kc, inner.fetch).catch((e) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toBe(`cannot authenticate to ${server}: the credential plugin failed`);
    expect(inner.seen).toHaveLength(0);
  });
});

test("a pod proxy path escapes the namespace and the pod name", () => {
  expect(podProxyPath("staging", "api-0", 9100)).toBe("/api/v1/namespaces/staging/pods/api-0:9100/proxy");
  expect(podProxyPath("a/b", "c d", "80")).toBe("/api/v1/namespaces/a%2Fb/pods/c%20d:80/proxy");
});
