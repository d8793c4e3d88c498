import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { OAuth2Client } from "google-auth-library";
import { exitCodeOf } from "../../app/exit-policy.ts";
import { applyEnvironment } from "../../apply/apply.ts";
import { outcomeOf, summarize } from "../../apply/report.ts";
import { deployment, fastDeps, namespace, request } from "../../testing/apply/objects.ts";
import { FakeGke } from "../../testing/fake-gke/server.ts";
import { selfSignedCert, serveKubeOverTls } from "../../testing/fake-gke/tls.ts";
import { FakeKube } from "../../testing/fake-kube/server.ts";
import { gkeApplyTarget } from "./credentials.ts";

const path = "projects/overflying/locations/us-central1/clusters/overflying";
const masters = ["system:masters", "system:authenticated"];
const seen = new Set<string>();
/** Runs after every authorized request; a test sets it to act mid-run. */
let afterAuthorize = () => {};
const kube = new FakeKube({
  tokens: {
    "ya29.first": { name: "deployer@first-token", groups: masters },
    "ya29.second": { name: "deployer@second-token", groups: masters },
  },
  authorize: (a) => {
    seen.add(a.user.name);
    afterAuthorize();
    return a.user.groups.includes("system:masters");
  },
});
const tls = selfSignedCert();
const plane = serveKubeOverTls(kube, tls);
const other = selfSignedCert();
let gke: FakeGke;

beforeAll(() => {
  gke = new FakeGke({
    clusters: {
      [path]: { endpoint: plane.endpoint, clusterCaCertificate: Buffer.from(tls.cert).toString("base64") },
      "projects/overflying/locations/us-central1/clusters/wrong-ca": {
        endpoint: plane.endpoint,
        clusterCaCertificate: Buffer.from(other.cert).toString("base64"),
      },
    },
    tokens: ["ya29.gke"],
  }).start();
});
afterAll(async () => {
  await plane.stop();
  await gke.stop();
});

function adc(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: "ya29.gke", expiry_date: Date.now() + 3_600_000 });
  return client;
}

const api = () => ({ apiEndpoint: "127.0.0.1", port: gke.port, protocol: "http" as const });

describe("apply to GKE", () => {
  test("endpoint and CA from the GKE REST API, TLS verified, and a token refreshed mid-run is used", async () => {
    // The token source refreshes its token once the API server has authorized a request.
    let token = "ya29.first";
    afterAuthorize = () => {
      token = "ya29.second";
    };
    const tokens = { token: async () => token };
    // Credentials worked out for every request, so the refreshed token shows up within this
    // short run (src/adapters/kube/credentials.test.ts covers reuse over time).
    const target = await gkeApplyTarget(path, adc(), api(), tokens, { credentialsReuseMs: 0 });
    const objects = [namespace("staging"), deployment("staging", "api"), deployment("staging", "worker")];
    const run = await applyEnvironment(target, request(objects), fastDeps());
    expect(summarize(run.objects)).toMatchObject({ created: 3, failed: 0 });
    expect([...seen].sort()).toEqual(["deployer@first-token", "deployer@second-token"]);
    expect(gke.requests.at(-1)).toMatchObject({ path: `/v1/${path}`, token: "ya29.gke" });
  });

  test("a CA that did not sign the control plane's certificate is refused: exit 3", async () => {
    const target = await gkeApplyTarget(
      "projects/overflying/locations/us-central1/clusters/wrong-ca",
      adc(),
      api(),
      { token: async () => "ya29.first" },
    );
    const run = await applyEnvironment(target, request([namespace("staging")]), {
      ...fastDeps(),
      policy: { attempts: 2, baseMs: 1, maxMs: 2 },
    });
    expect(run.problems[0]?.message).toMatch(/could not read the current state: .*certificate/);
    expect(exitCodeOf(outcomeOf([run]))).toBe(3);
  });
});
