/** Deploy annotations written to a Grafana double on loopback, as Grafana's HTTP API answers. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { shortHash } from "../../bundle/bundle.ts";
import { deployAndVerify } from "../../promote/deploy.ts";
import { stagingBundleOf } from "../../testing/bundles.ts";
import { repoRoot } from "../../testing/cli.ts";
import { type LoopbackServer, serveLoopback } from "../../testing/loopback.ts";
import { memoryDeps } from "../../testing/memory-deploy.ts";
import { grafanaAnnotations } from "./grafana-annotations.ts";

const token = "glsa_t0ken";
const received: unknown[] = [];
let grafana: LoopbackServer;

beforeAll(() => {
  grafana = serveLoopback(async (request, url) => {
    if (request.headers.get("authorization") !== `Bearer ${token}`) {
      return Response.json({ message: "Unauthorized" }, { status: 401 });
    }
    if (request.method !== "POST" || url.pathname !== "/api/annotations") {
      return Response.json({ message: "Not found" }, { status: 404 });
    }
    received.push(await request.json());
    return Response.json({ id: received.length, message: "Annotation added" });
  });
});
afterAll(async () => {
  await grafana.stop();
});

describe("grafanaAnnotations", () => {
  test("posts the deploy with the flyby and environment tags the dashboards ask for", async () => {
    received.length = 0;
    await grafanaAnnotations(`${grafana.url}/`, fetch, { token }).annotate({
      environment: "staging",
      time: 1_764_470_000_000,
      text: "deploy 1a2b3c4d (main): success",
    });
    expect(received).toEqual([
      { time: 1_764_470_000_000, tags: ["flyby", "staging"], text: "deploy 1a2b3c4d (main): success" },
    ]);
  });

  test("a refusal names the status and Grafana's message, never the credentials", async () => {
    const wrong = grafanaAnnotations(grafana.url, fetch, { user: "admin", password: "s3cret" });
    const error = await wrong.annotate({ environment: "staging", time: 0, text: "x" }).catch((e: Error) => e);
    expect((error as Error).message).toBe("Grafana answered 401 to POST /api/annotations: Unauthorized");
    expect((error as Error).message).not.toContain("s3cret");
  });
});

describe("a finished deploy is annotated", () => {
  const tree = loadManifestTree(join(repoRoot, "manifests"));

  test("GIVEN Grafana WHEN staging is deployed THEN one annotation says what ran and how it ended", async () => {
    received.length = 0;
    const bundle = await stagingBundleOf(tree, "c".repeat(40));
    const deps = memoryDeps({ annotations: grafanaAnnotations(grafana.url, fetch, { token }) });
    const outcome = await deployAndVerify(deps, bundle, "main");
    expect(outcome.state).toBe("success");
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      tags: ["flyby", "staging"],
      text: `deploy ${shortHash(bundle.sha256)} (main): success: smoke passed: 5/5 checks passed`,
    });
  });

  test("GIVEN Grafana refuses THEN the deploy still succeeds and says the annotation is missing", async () => {
    const bundle = await stagingBundleOf(tree, "d".repeat(40));
    const lines: string[] = [];
    const deps = memoryDeps({
      annotations: grafanaAnnotations(grafana.url, fetch, { token: "expired" }),
      progress: (line) => lines.push(line),
    });
    expect((await deployAndVerify(deps, bundle, "main")).state).toBe("success");
    expect(lines.at(-1)).toBe(
      "staging: no deploy annotation: Grafana answered 401 to POST /api/annotations: Unauthorized\n",
    );
  });
});
