import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { OAuth2Client } from "google-auth-library";
import { EnvironmentError } from "../../core/errors.ts";
import { parseGkeClusterPath } from "../../core/manifests/environments.ts";
import { FakeGke } from "../../testing/fake-gke/server.ts";
import { gkeKubeConfig, resolveGkeCluster, tokenSourceOf } from "./credentials.ts";

const path = "projects/overflying/locations/us-central1/clusters/overflying";
const ca = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString("base64");
const fake = new FakeGke({
  clusters: { [path]: { endpoint: "34.118.0.10", clusterCaCertificate: ca } },
  tokens: ["ya29.valid"],
  denied: ["projects/overflying/locations/europe-west1/clusters/secret"],
});

beforeAll(() => {
  fake.start();
});
afterAll(async () => {
  await fake.stop();
});

function auth(token: string): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return client;
}

const api = () => ({ apiEndpoint: "127.0.0.1", port: fake.port, protocol: "http" as const });

describe("GKE credentials through the REST client", () => {
  test("getCluster gives the endpoint and CA", async () => {
    const cluster = await resolveGkeCluster(path, auth("ya29.valid"), api());
    expect(cluster).toEqual({ path, server: "https://34.118.0.10", caData: ca });
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: `/v1/${path}`, token: "ya29.valid" });
  });

  test("a missing cluster is a 404 and an environment failure", async () => {
    const missing = "projects/overflying/locations/us-central1/clusters/nope";
    const run = resolveGkeCluster(missing, auth("ya29.valid"), api());
    await expect(run).rejects.toBeInstanceOf(EnvironmentError);
    await expect(resolveGkeCluster(missing, auth("ya29.valid"), api())).rejects.toThrow(
      /not found: .*Not found: projects/,
    );
  });

  test("a cluster the identity may not read is a 403 naming the permission", async () => {
    const denied = "projects/overflying/locations/europe-west1/clusters/secret";
    await expect(resolveGkeCluster(denied, auth("ya29.valid"), api())).rejects.toThrow(
      /permission denied: .*container\.clusters\.get/,
    );
  });

  test("the kubeconfig asks for a token on every request, so a refreshed token is used", async () => {
    const cluster = await resolveGkeCluster(path, auth("ya29.valid"), api());
    const issued = ["token-1", "token-2"];
    const kc = gkeKubeConfig(cluster, { token: async () => issued.shift() ?? "none" });
    const first: { headers?: Record<string, string> } = {};
    const second: { headers?: Record<string, string> } = {};
    await kc.applyToHTTPSOptions(first as never);
    await kc.applyToHTTPSOptions(second as never);
    expect(first.headers?.Authorization).toBe("Bearer token-1");
    expect(second.headers?.Authorization).toBe("Bearer token-2");
    expect(kc.getCurrentCluster()).toMatchObject({ server: "https://34.118.0.10", caData: ca });
  });

  test("an OAuth2 client's token source gives its current token", async () => {
    expect(await tokenSourceOf(auth("ya29.valid")).token()).toBe("ya29.valid");
  });

  test("--gke paths are checked", () => {
    expect(parseGkeClusterPath(path)).toBe(path);
    expect(() => parseGkeClusterPath("overflying/us-central1/overflying")).toThrow("projects/PROJECT");
  });
});
