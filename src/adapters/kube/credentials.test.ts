import { describe, expect, test } from "bun:test";
import { KubeConfig, type User } from "@kubernetes/client-node";
import { kubeCredentials, ReusedCredentials } from "./credentials.ts";

/** A kubeconfig whose auth provider hands out `token-1`, `token-2`… or fails while `failing`. */
function countingKubeConfig() {
  const state = { calls: 0, failing: false };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: "https://127.0.0.1:6443", skipTLSVerify: false }],
    users: [{ name: "u", authProvider: { name: "counting", config: {} } }],
    contexts: [{ name: "c", cluster: "c", user: "u" }],
    currentContext: "c",
  });
  kc.addAuthenticator({
    isAuthProvider: (user: User) => user.authProvider?.name === "counting",
    applyAuthentication: async (_user, opts) => {
      if (state.failing) throw new Error("the credential plugin failed");
      opts.headers = {
        ...(opts.headers as Record<string, string>),
        Authorization: `Bearer token-${++state.calls}`,
      };
    },
  });
  return { kc, state };
}

/** What the next request would carry. */
async function sent(credentials: ReusedCredentials) {
  const { headers, agent } = await credentials.current();
  return { authorization: headers.Authorization, agent };
}

describe("credentials worked out from the kubeconfig", () => {
  test("GIVEN requests within the reuse period THEN one token and one agent serve them all", async () => {
    const { kc, state } = countingKubeConfig();
    let now = 0;
    const credentials = new ReusedCredentials(kc, 5_000, () => now);
    const first = await sent(credentials);
    now = 4_999;
    const second = await sent(credentials);
    expect(first.authorization).toBe("Bearer token-1");
    expect(second.authorization).toBe("Bearer token-1");
    expect(second.agent).toBe(first.agent as never);
    expect(state.calls).toBe(1);
  });

  test("GIVEN the reuse period has passed THEN the kubeconfig is asked again and a refreshed token is sent", async () => {
    const { kc } = countingKubeConfig();
    let now = 0;
    const credentials = new ReusedCredentials(kc, 5_000, () => now);
    await sent(credentials);
    now = 5_000;
    expect((await sent(credentials)).authorization).toBe("Bearer token-2");
  });

  test("GIVEN a reuse period of 0 THEN every request asks the kubeconfig", async () => {
    const { kc, state } = countingKubeConfig();
    const credentials = new ReusedCredentials(kc, 0, () => 0);
    await sent(credentials);
    await sent(credentials);
    expect(state.calls).toBe(2);
  });

  test("GIVEN the credential plugin fails once THEN that failure is not kept for the next request", async () => {
    const { kc, state } = countingKubeConfig();
    const credentials = new ReusedCredentials(kc, 5_000, () => 0);
    state.failing = true;
    await expect(sent(credentials)).rejects.toThrow("the credential plugin failed");
    state.failing = false;
    expect((await sent(credentials)).authorization).toBe("Bearer token-1");
  });
});

describe("what a kubeconfig turns into", () => {
  test("GIVEN a user with a password and a cluster with a CA THEN a Basic header and the CA for fetch", async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        { name: "c", server: "https://127.0.0.1:6443", caData: btoa("CA PEM"), skipTLSVerify: false },
      ],
      users: [{ name: "u", username: "admin", password: "pa55" }],
      contexts: [{ name: "c", cluster: "c", user: "u" }],
      currentContext: "c",
    });
    const worked = await kubeCredentials(kc);
    expect(worked.headers).toEqual({ Authorization: `Basic ${btoa("admin:pa55")}` });
    expect(worked.tls).toEqual({ ca: "CA PEM" });
  });

  test("GIVEN a cluster that skips TLS verification THEN fetch is told not to verify either", async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: "https://127.0.0.1:6443", skipTLSVerify: true }],
      users: [{ name: "u", token: "t0ken" }],
      contexts: [{ name: "c", cluster: "c", user: "u" }],
      currentContext: "c",
    });
    const worked = await kubeCredentials(kc);
    expect(worked.headers).toEqual({ Authorization: "Bearer t0ken" });
    expect(worked.tls).toEqual({ rejectUnauthorized: false });
  });
});
