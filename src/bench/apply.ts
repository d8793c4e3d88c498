import { summarize } from "../apply/report.ts";
import type { FakeKube } from "../testing/fake-kube/server.ts";
import {
  asFlybyApplies,
  baselineRunsIn,
  applyConcurrency as concurrency,
  figure,
  fleet,
  flybyApply,
  forEachLatency,
  measured,
  pairedRatioLine,
  ratioLine,
  roundsAt,
  withFake,
} from "./kube-fleet.ts";
import { bareApplies, KubectlLike } from "./kubectl-like.ts";

/**
 * `bun run bench apply [latency-ms]`: flyby's apply of a 1,001-object fleet against kubectl
 * 1.26's request pattern (kubectl-like.ts) and a bare client (the floor), on the in-process
 * fake API server with 0 ms and 25 ms added per request. Exits 1 when flyby's apply does
 * not do what it should (every object created, then every object unchanged with no write).
 */
const writeVerbs = new Set(["patch", "create", "update", "delete"]);

interface Runs {
  create: number[];
  unchanged: number[];
  createRequests: string;
  unchangedRequests: string;
}

const emptyRuns = (): Runs => ({ create: [], unchanged: [], createRequests: "", unchangedRequests: "" });

/** One round of a client on a fresh fake: `apply` on the empty cluster, then again, both timed. */
async function createThenReapply<T>(fake: FakeKube, runs: Runs, apply: () => Promise<T>): Promise<[T, T]> {
  const create = await measured(fake, apply);
  runs.create.push(create.ms);
  runs.createRequests = create.requests;
  const again = await measured(fake, apply);
  runs.unchanged.push(again.ms);
  runs.unchangedRequests = again.requests;
  return [create.value, again.value];
}

export async function run(args: string[]): Promise<void> {
  const all = fleet();
  const sent = asFlybyApplies(all);
  const wrong = new Set<string>();

  // One untimed pass of each client first, so no one pays for the JIT and the first connections.
  await withFake(0, async ({ target }) => {
    await flybyApply(target, all);
    await flybyApply(target, all);
  });
  await withFake(0, ({ fake }) => new KubectlLike(fake.url, fake.adminToken).apply(sent));
  await withFake(0, ({ fake }) => bareApplies(fake.url, fake.adminToken, sent, concurrency, false));

  await forEachLatency(args, "apply", all.length, async (latencyMs) => {
    const flyby = emptyRuns();
    const kubectl = emptyRuns();
    const floor = emptyRuns();
    // Rounds interleave the clients, so a busy moment on the machine hits them alike. The
    // serial baseline at 25 ms takes ~25 s per case: it runs once there, in the first 5 rounds at 0 ms.
    for (let round = 1; round <= roundsAt(latencyMs); round++) {
      await withFake(latencyMs, async ({ fake, target }) => {
        const [create, again] = await createThenReapply(fake, flyby, () => flybyApply(target, all));
        const c = summarize(create.objects);
        if (c.created !== all.length || c.failed !== 0)
          wrong.add(`flyby create at ${latencyMs} ms: ${c.created} created, ${c.failed} failed`);
        const u = summarize(again.objects);
        const writes = fake.requests.filter((r) => writeVerbs.has(r.verb ?? ""));
        if (u.unchanged !== all.length || writes.length !== 0)
          wrong.add(
            `flyby unchanged re-apply at ${latencyMs} ms: ${u.unchanged} unchanged, ${writes.length} writes`,
          );
      });
      if (baselineRunsIn(round, latencyMs)) {
        await withFake(latencyMs, async ({ fake }) => {
          const client = new KubectlLike(fake.url, fake.adminToken);
          await createThenReapply(fake, kubectl, () => client.apply(sent));
        });
      }
      if (latencyMs === 0) {
        await withFake(latencyMs, ({ fake }) =>
          createThenReapply(fake, floor, () =>
            bareApplies(fake.url, fake.adminToken, sent, concurrency, false),
          ),
        );
      }
    }

    const kubectlLabel = "kubectl-like (1 SSA per object, serially)";
    console.log("  create (empty cluster)");
    console.log(figure(`flyby apply (concurrency ${concurrency})`, flyby.create, flyby.createRequests));
    console.log(figure(kubectlLabel, kubectl.create, kubectl.createRequests));
    if (floor.create.length) {
      console.log(figure(`floor (bare SSA, concurrency ${concurrency})`, floor.create, floor.createRequests));
    }
    console.log(
      ratioLine("kubectl-like time / flyby time", kubectl.create, flyby.create, "(target >= 15x at 25 ms)"),
    );
    if (floor.create.length)
      console.log(pairedRatioLine("flyby time / floor time", flyby.create, floor.create, "(target <= 1.3x)"));

    console.log("  unchanged re-apply");
    console.log(figure("flyby apply", flyby.unchanged, flyby.unchangedRequests));
    console.log(figure(kubectlLabel, kubectl.unchanged, kubectl.unchangedRequests));
    if (floor.unchanged.length) {
      console.log(
        figure(
          `floor (bare no-op SSA, concurrency ${concurrency})`,
          floor.unchanged,
          floor.unchangedRequests,
        ),
      );
    }
    console.log(
      ratioLine(
        "kubectl-like time / flyby time",
        kubectl.unchanged,
        flyby.unchanged,
        "(target >= 40x at 25 ms)",
      ),
    );
    if (floor.unchanged.length)
      console.log(
        ratioLine(
          "flyby time / floor time",
          flyby.unchanged,
          floor.unchanged,
          "(flyby sends no apply here; the floor re-sends all 1,001)",
        ),
      );
  });

  if (wrong.size) {
    console.log(`FAIL: flyby's apply did not do what it should:\n  ${[...wrong].join("\n  ")}`);
    process.exitCode = 1;
  }
}
