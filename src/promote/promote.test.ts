import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { type Bundle, BundleFormat, sealBundle } from "../bundle/bundle.ts";
import { containerImages } from "../bundle/pin.ts";
import { EnvironmentError, InputError } from "../core/errors.ts";
import { renderChecked } from "../core/render/render-checked.ts";
import { stagingBundleOf } from "../testing/bundles.ts";
import { repoRoot } from "../testing/cli.ts";
import { memoryDeps, ScriptedSmoke } from "../testing/memory-deploy.ts";
import { deployAndVerify } from "./deploy.ts";
import { type PromoteRequest, promote, verifiedBundle } from "./promote.ts";
import { previousDeployment, rollbackTo } from "./rollback.ts";
import { deploymentTimeline, environmentStatus, formatStatus } from "./status.ts";

const tree = loadManifestTree(join(repoRoot, "manifests"));
const production = renderChecked(tree, "production").objects.map((r) => r.object);
const commitA = "a".repeat(40);
const commitB = "b".repeat(40);

function stagingBundle(commit: string, salt = ""): Promise<Bundle> {
  return stagingBundleOf(tree, commit, salt);
}

function request(bundle: Bundle, tag = "v1.0.0"): PromoteRequest {
  return {
    bundle,
    bundleFile: "bundle.json",
    from: "staging",
    to: "production",
    production: true,
    tag,
    tagCommit: bundle.content.commit,
    rendered: production,
  };
}

async function refusal(p: Promise<unknown>): Promise<Error> {
  const r = await p.then(
    () => undefined,
    (e: Error) => e,
  );
  if (!r) throw new Error("expected a refusal");
  return r;
}

describe("promote", () => {
  test("GIVEN a bundle verified on staging WHEN promoted THEN production runs its digests with production values", async () => {
    const deps = memoryDeps();
    const bundle = await stagingBundle(commitA);
    expect((await deployAndVerify(deps, bundle, "main")).state).toBe("success");
    const out = await promote(deps, request(bundle));
    expect(out.deploy?.state).toBe("success");
    const live = deps.rollout.live("production") ?? [];
    expect(live.length).toBe(production.length);
    const images = containerImages(live).map((c) => c.image);
    expect(images.length).toBe(5);
    for (const image of images) {
      const repo = image.slice(0, image.indexOf("@"));
      expect(image).toBe(`${repo}@${bundle.content.images[repo]?.digest}`);
    }
    const api = live.find((o) => o.kind === "Deployment" && o.metadata.name.includes("api"));
    expect(api?.spec).toMatchObject({ replicas: 3 });
    const [record] = await deps.ledger.list("production");
    expect(record?.payload).toMatchObject({
      kind: "promote",
      tag: "v1.0.0",
      promotedFrom: bundle.sha256,
      commit: commitA,
    });
    expect(record?.statuses.map((s) => s.state)).toEqual(["success", "in_progress"]);
    expect(deps.store.bundles.get(out.promoted.sha256)?.content.environment).toBe("production");
  });

  test("refuses a bundle never deployed to staging, and one whose staging deploy failed", async () => {
    const deps = memoryDeps({ smoke: new ScriptedSmoke([{ passed: false, summary: "up{job=api} is 0" }]) });
    const bundle = await stagingBundle(commitA);
    const never = await refusal(promote(deps, request(bundle)));
    expect(never).toBeInstanceOf(InputError);
    expect(never.message).toContain("was not verified on staging: there is no staging Deployment");
    await deployAndVerify(deps, bundle, "main");
    const failed = await refusal(promote(deps, request(bundle)));
    expect(failed.message).toContain("ended failure: smoke failed: up{job=api} is 0");
    expect(deps.rollout.live("production")).toBeUndefined();
  });

  test("refuses when the tag points at another commit", async () => {
    const deps = memoryDeps();
    const bundle = await stagingBundle(commitA);
    await deployAndVerify(deps, bundle, "main");
    const e = await refusal(promote(deps, { ...request(bundle), tagCommit: commitB }));
    expect(e.message).toContain(`built from commit ${commitA} but tag v1.0.0 points at ${commitB}`);
    expect((e as InputError).exitCode).toBe(2);
  });

  test("refuses a bundle whose object runs an image without the pinned digest", async () => {
    const deps = memoryDeps();
    const bundle = await stagingBundle(commitA);
    const images = Object.entries(bundle.content.images).filter(([repo]) => !repo.endsWith("/api"));
    const unpinned = sealBundle({ ...bundle.content, images: Object.fromEntries(images) });
    await deployAndVerify(deps, unpinned, "main");
    const e = await refusal(promote(deps, request(unpinned)));
    expect(e.message).toContain("runs us-docker.pkg.dev/overflying/platform/api@sha256:");
    expect(e.message).toContain("not pinned by the bundle's digest");
  });

  test("refuses when production would run an image the bundle does not pin", async () => {
    const deps = memoryDeps();
    const bundle = await stagingBundle(commitA);
    const images = Object.fromEntries(
      Object.entries(bundle.content.images).filter(([repo]) => !repo.includes("grafana")),
    );
    const narrow = sealBundle({ ...bundle.content, images });
    await deployAndVerify(deps, narrow, "main");
    const e = await refusal(promote(deps, request(narrow)));
    expect(e.message).toContain("production would run docker.io/grafana/grafana@sha256:");
    expect(e.message).toContain("which the bundle does not pin");
  });

  test("GIVEN production smoke fails THEN the last good bundle is applied again and both deployments say so", async () => {
    const deps = memoryDeps();
    const v1 = await stagingBundle(commitA);
    await deployAndVerify(deps, v1, "main");
    const first = await promote(deps, request(v1, "v1.0.0"));
    const goodObjects = deps.rollout.live("production");
    const v2 = await stagingBundle(commitB, "new build");
    await deployAndVerify(deps, v2, "main");
    (deps as { smoke: unknown }).smoke = new ScriptedSmoke([
      { passed: false, summary: "gpu metrics absent" },
    ]);
    const out = await promote(deps, request(v2, "v2.0.0"));
    expect(out.deploy?.state).toBe("failure");
    expect(out.rollback?.state).toBe("success");
    expect(deps.rollout.live("production")).toEqual(goodObjects as never);
    const [rollback, failed] = await deps.ledger.list("production");
    expect(rollback?.payload).toMatchObject({
      kind: "rollback",
      bundle: first.promoted.sha256,
      rollbackOf: failed?.id,
      tag: "v1.0.0",
    });
    expect(failed?.statuses.map((s) => s.state)).toEqual(["failure", "in_progress"]);
    expect(failed?.statuses[0]?.description).toMatch(
      /^rolling back to sha256:[a-f0-9]{12} \(v1\.0\.0\); smoke failed: gpu metrics absent$/,
    );
    const status = environmentStatus("production", await deps.ledger.list("production"));
    expect(status.current?.bundle).toBe(first.promoted.sha256);
    expect(status.current?.kind).toBe("rollback");
    expect(formatStatus([status])).toContain("tag v1.0.0 (rollback #");
    expect(status.attempt).toMatchObject({ kind: "promote", ref: "v2.0.0", state: "failure" });
  });

  test("two promotions racing: only the older deployment applies", async () => {
    const deps = memoryDeps();
    const bundle = await stagingBundle(commitA);
    await deployAndVerify(deps, bundle, "main");
    // A promotion that has recorded its deployment but not finished.
    const other = await deps.ledger.create({
      environment: "production",
      ref: "v0.9.0",
      sha: commitA,
      payload: { kind: "promote", bundle: "c".repeat(64), commit: commitA },
      description: "",
      productionEnvironment: true,
    });
    await deps.ledger.setStatus(other.id, "in_progress", "applying");
    const e = await refusal(promote(deps, request(bundle)));
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e.message).toContain(`production is being deployed by deployment #${other.id}`);
    expect(deps.rollout.live("production")).toBeUndefined();
  });

  test("a promotion that loses the race after recording its deployment marks it error and applies nothing", async () => {
    const deps = memoryDeps();
    const bundle = await stagingBundle(commitA);
    await deployAndVerify(deps, bundle, "main");
    const ledger = deps.ledger;
    const realCreate = ledger.create.bind(ledger);
    // The other promotion records its deployment between our check and our create.
    ledger.create = async (d) => {
      const rival = await realCreate({ ...d, ref: "v0.9.9" });
      await ledger.setStatus(rival.id, "in_progress", "applying");
      ledger.create = realCreate;
      return realCreate(d);
    };
    const e = await refusal(promote(deps, request(bundle)));
    expect(e.message).toContain("is being deployed by deployment #");
    const [mine] = await ledger.list("production");
    expect(mine?.statuses[0]?.state).toBe("error");
    expect(deps.rollout.live("production")).toBeUndefined();
  });

  test("rollback --previous returns to the bundle before the current one and records it", async () => {
    const deps = memoryDeps();
    const v1 = await stagingBundle(commitA);
    await deployAndVerify(deps, v1, "main");
    const p1 = await promote(deps, request(v1, "v1.0.0"));
    const v2 = await stagingBundle(commitB, "2");
    await deployAndVerify(deps, v2, "main");
    await promote(deps, request(v2, "v2.0.0"));
    const target = previousDeployment(await deps.ledger.list("production"));
    expect(target?.payload.bundle).toBe(p1.promoted.sha256);
    const out = await rollbackTo(deps, {
      environment: "production",
      target: target as never,
      reason: "by hand",
      productionEnvironment: true,
    });
    expect(out.state).toBe("success");
    const status = environmentStatus("production", await deps.ledger.list("production"));
    expect(status.current).toMatchObject({ bundle: p1.promoted.sha256, kind: "rollback", tag: "v1.0.0" });
  });

  test("the timeline shows each deployment's verdict: a failed promotion reads as rolled back", async () => {
    const deps = memoryDeps();
    const v1 = await stagingBundle(commitA);
    await deployAndVerify(deps, v1, "main");
    await promote(deps, request(v1, "v1.0.0"));
    const v2 = await stagingBundle(commitB, "new build");
    await deployAndVerify(deps, v2, "main");
    (deps as { smoke: unknown }).smoke = new ScriptedSmoke([
      { passed: false, summary: "gpu metrics absent" },
    ]);
    await promote(deps, request(v2, "v2.0.0"));
    const text = deploymentTimeline(
      "Release v2.0.0",
      new Map([
        ["staging", await deps.ledger.list("staging")],
        ["production", await deps.ledger.list("production")],
      ]),
    );
    const events = text
      .split("\n")
      .filter((l) => l.startsWith("    "))
      .map((l) => l.split(" : ").slice(1, 3).join(" : "));
    expect(events).toEqual([
      "✅ success : deploy aaaaaaa",
      "✅ success : deploy bbbbbbb",
      "✅ success : promote v1.0.0",
      "↩️ rolled back : promote v2.0.0",
      "✅ success : rollback v1.0.0",
    ]);
    expect(text).toStartWith("```mermaid\ntimeline\n  title Release v2.0.0\n  section staging\n");
  });

  test("a rollback by hand marks the deployment it replaced as rolled back", async () => {
    const deps = memoryDeps();
    for (const [commit, tag] of [
      [commitA, "v1.0.0"],
      [commitB, "v2.0.0"],
    ] as const) {
      const bundle = await stagingBundle(commit, tag);
      await deployAndVerify(deps, bundle, "main");
      await promote(deps, request(bundle, tag));
    }
    const target = previousDeployment(await deps.ledger.list("production"));
    await rollbackTo(deps, {
      environment: "production",
      target: target as never,
      reason: "by hand",
      productionEnvironment: true,
    });
    const text = deploymentTimeline("t", new Map([["production", await deps.ledger.list("production")]]));
    expect(text).toMatch(
      / : ✅ success : promote v1\.0\.0 : .*\n.* : ↩️ rolled back : promote v2\.0\.0 : .*\n.* : ✅ success : rollback v1\.0\.0 : /,
    );
  });

  test("the verified staging bundle of a commit is found by its Deployment; none is refused", async () => {
    const deps = memoryDeps();
    const bundle = await stagingBundle(commitA);
    const none = await refusal(verifiedBundle(deps, "staging", commitA));
    expect(none.message).toContain(`commit ${commitA} has no successful staging Deployment`);
    await deployAndVerify(deps, bundle, commitA);
    expect((await verifiedBundle(deps, "staging", commitA)).sha256).toBe(bundle.sha256);
  });

  test("an error before anything is applied leaves the Deployment at error and reaches the caller", async () => {
    const deps = memoryDeps({
      rollout: {
        apply: async () => {
          throw new InputError("GRAFANA_ADMIN_PASSWORD is a well-known default password");
        },
      },
    });
    const bundle = await stagingBundle(commitA);
    const e = await refusal(deployAndVerify(deps, bundle, commitA));
    expect((e as InputError).exitCode).toBe(2);
    const [d] = await deps.ledger.list("staging");
    expect(d?.statuses.map((s) => s.state)).toEqual(["error", "in_progress"]);
    expect(d?.statuses[0]?.description).toBe(
      "not deployed: GRAFANA_ADMIN_PASSWORD is a well-known default password",
    );
  });

  test("smoke settings that cannot be read are refused before anything is recorded or applied", async () => {
    const deps = memoryDeps();
    (deps as { smoke: unknown }).smoke = {
      prepare: () => {
        throw new InputError("the environment staging has no cluster named west in the kubeconfig");
      },
      check: async () => ({ passed: true, summary: "never" }),
    };
    const bundle = await stagingBundle(commitA);
    const e = await refusal(deployAndVerify(deps, bundle, commitA));
    expect(e.message).toContain("no cluster named west");
    expect(deps.rollout.applied).toEqual([]);
    expect(await deps.ledger.list("staging")).toEqual([]);
    expect(deps.store.bundles.size).toBe(0);
  });

  test("smoke checks that cannot run after the apply leave the Deployment at error saying it was applied", async () => {
    const deps = memoryDeps();
    (deps as { smoke: unknown }).smoke = {
      check: async () => {
        throw new EnvironmentError(
          "cannot reach the Kubernetes API at http://127.0.0.1:9: connection refused",
        );
      },
    };
    const bundle = await stagingBundle(commitA);
    const e = await refusal(deployAndVerify(deps, bundle, commitA));
    expect((e as EnvironmentError).exitCode).toBe(3);
    const [d] = await deps.ledger.list("staging");
    expect(d?.statuses.map((s) => s.state)).toEqual(["error", "in_progress"]);
    expect(d?.statuses[0]?.description).toStartWith(
      "applied; smoke checks could not run: cannot reach the Kubernetes API at http://127.0.0.1:9",
    );
  });

  test("a bundle built for another environment is not promoted", async () => {
    const deps = memoryDeps();
    const bundle = await stagingBundle(commitA);
    const prod = sealBundle({ ...bundle.content, format: BundleFormat, environment: "production" });
    const e = await refusal(promote(deps, request(prod)));
    expect(e.message).toContain("production promotes from staging and takes a staging bundle");
  });
});
