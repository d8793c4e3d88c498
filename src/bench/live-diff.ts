import { tokenKubeConfig } from "../adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "../adapters/kube/target.ts";
import { summarize } from "../apply/report.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { diffEnvironment } from "../diff/environment.ts";
import { Redactor } from "../diff/redact.ts";
import type { EnvironmentDiff } from "../diff/report.ts";
import { rendered } from "../testing/apply/objects.ts";
import type { FakeKube } from "../testing/fake-kube/server.ts";
import {
  appNamespace,
  asFlybyApplies,
  baselineRunsIn,
  changedFleet,
  environment,
  figure,
  fleet,
  flybyApply,
  forEachLatency,
  measured,
  median,
  namespaces,
  pairedRatioLine,
  ratioLine,
  roundsAt,
  withFake,
} from "./kube-fleet.ts";
import { bareReplay, KubectlLike } from "./kubectl-like.ts";

/**
 * `bun run bench diff live [latency-ms]`: `flyby diff --against cluster` of a 1,001-object
 * fleet right after `flyby apply`, unchanged and with 100 changes, against kubectl 1.26's
 * `diff --server-side` request pattern (kubectl-like.ts), on the in-process fake API server
 * with 0 ms and 25 ms added per request. Exits 1 when flyby names the wrong number of changed
 * objects: the verdict comes before the speed.
 */
/** Requests liveDiff keeps in flight (its default): the floor sends its dry runs the same way. */
const flybyDiffConcurrency = 16;
const changes = 100;
/** Untimed passes of flyby and the floor at 0 ms before the rounds. */
const warmUpPasses = 3;

/**
 * The one call into flyby's live diff, as `flyby diff --env bench --against cluster` makes it:
 * a new client per run (discovery included), the environment's ApplySet scope.
 */
function flybyLiveDiff(fake: FakeKube, objects: readonly KubeObject[]): Promise<EnvironmentDiff> {
  const target = new KubeApplyTarget(tokenKubeConfig(fake.url, fake.adminToken), fake.url);
  return diffEnvironment(
    environment,
    rendered(objects),
    { type: "cluster", label: "cluster", target, scope: { environment, appNamespace, namespaces } },
    new Redactor("bench"),
  );
}

const reported = (d: EnvironmentDiff) => d.objects.filter((o) => o.change !== "unchanged");

function verdict(d: EnvironmentDiff): string {
  const by = new Map<string, number>();
  for (const o of reported(d)) by.set(o.change, (by.get(o.change) ?? 0) + 1);
  const parts = [...by].map(([change, n]) => `${n} ${change}`);
  if (d.blocked.length) parts.push(`${d.blocked.length} blocked`);
  return parts.join(", ") || "no changes";
}

interface Runs {
  readonly ms: number[];
  /** CPU time of the whole process (client and in-process fake), less moved by other load than wall time. */
  readonly cpuMs: number[];
  requests: string;
}

const emptyRuns = (): Runs => ({ ms: [], cpuMs: [], requests: "" });

/** Times one run into `runs` (the requests of the last run are kept) and returns its value. */
async function timedInto<T>(fake: FakeKube, runs: Runs, f: () => Promise<T>): Promise<T> {
  // Each run starts from a collected heap, so none pays for the garbage the run before it left.
  Bun.gc(true);
  const cpu = process.cpuUsage();
  const m = await measured(fake, f);
  const used = process.cpuUsage(cpu);
  runs.ms.push(m.ms);
  runs.cpuMs.push((used.user + used.system) / 1000);
  runs.requests = m.requests;
  return m.value;
}

interface Case {
  readonly name: string;
  readonly objects: readonly KubeObject[];
  readonly expected: number;
}

export async function runLive(args: string[]): Promise<void> {
  const all = fleet();
  const wrong = new Set<string>();
  const cases: Case[] = [
    { name: "diff of the unchanged fleet (right after apply)", objects: all, expected: 0 },
    { name: `diff with ${changes} changes`, objects: changedFleet(changes), expected: changes },
  ];

  // Untimed passes of each client first, so no one pays for the JIT and the first connections:
  // the JIT keeps compiling for a while, on the same two cores.
  await withFake(0, async ({ fake, target }) => {
    await flybyApply(target, all);
    for (const c of cases) {
      const sent = asFlybyApplies(c.objects);
      await new KubectlLike(fake.url, fake.adminToken).diff(sent);
      for (let pass = 0; pass < warmUpPasses; pass++) {
        fake.requests.length = 0;
        await flybyLiveDiff(fake, c.objects);
        await bareReplay(fake.url, fake.adminToken, [...fake.requests], sent, flybyDiffConcurrency);
      }
    }
  });

  await forEachLatency(args, "live diff", all.length, async (latencyMs) => {
    await withFake(latencyMs, async ({ fake, target }) => {
      const applied = summarize((await flybyApply(target, all)).objects);
      if (applied.created !== all.length)
        throw new Error(`the setup apply created ${applied.created} objects`);
      const reapply: number[] = [];
      let reapplyRequests = "";
      for (let round = 1; round <= roundsAt(latencyMs); round++) {
        const again = await measured(fake, () => flybyApply(target, all));
        reapply.push(again.ms);
        reapplyRequests = again.requests;
      }
      console.log(figure("(for reference) flyby unchanged re-apply", reapply, reapplyRequests));

      for (const c of cases) {
        console.log(`  ${c.name}: expected ${c.expected} objects reported changed`);
        const sent = asFlybyApplies(c.objects);
        const client = new KubectlLike(fake.url, fake.adminToken);
        const flyby = emptyRuns();
        const kubectl = emptyRuns();
        const floor = emptyRuns();
        let flybyVerdict = "";
        let kubectlChanged = 0;
        // Rounds interleave the clients, so a busy moment on the machine hits them alike. The
        // serial baseline at 25 ms takes ~50 s per case: it runs once there, in the first 5 rounds at 0 ms.
        for (let round = 1; round <= roundsAt(latencyMs); round++) {
          const d = await timedInto(fake, flyby, () => flybyLiveDiff(fake, c.objects));
          const flybySent = [...fake.requests];
          flybyVerdict = verdict(d);
          if (reported(d).length !== c.expected || d.blocked.length) {
            wrong.add(
              `${c.name} at ${latencyMs} ms: flyby reported ${flybyVerdict}, expected ${c.expected} changed`,
            );
          }
          if (baselineRunsIn(round, latencyMs)) {
            kubectlChanged = await timedInto(fake, kubectl, () => client.diff(sent));
            if (kubectlChanged !== c.expected) {
              wrong.add(
                `${c.name} at ${latencyMs} ms: the kubectl-like baseline found ${kubectlChanged} changed`,
              );
            }
          }
          if (latencyMs === 0) {
            // The floor: the requests flyby just sent (each dry run carrying the object as apply
            // sends it), with the same concurrency, and no other work.
            await timedInto(fake, floor, () =>
              bareReplay(fake.url, fake.adminToken, flybySent, sent, flybyDiffConcurrency),
            );
          }
        }
        const right = flybyVerdict === (c.expected ? `${c.expected} changed` : "no changes");
        console.log(figure("flyby diff --against cluster", flyby.ms, flyby.requests));
        console.log(
          `      flyby's verdict: ${flybyVerdict}${right ? " (right)" : ` (WRONG: expected ${c.expected} changed)`}`,
        );
        console.log(figure("kubectl-like (GET + dry-run SSA, serially)", kubectl.ms, kubectl.requests));
        console.log(`      kubectl-like's verdict: ${kubectlChanged} changed`);
        if (floor.ms.length) {
          console.log(
            figure(
              `floor (same requests, bare, concurrency ${flybyDiffConcurrency})`,
              floor.ms,
              floor.requests,
            ),
          );
        }
        console.log(
          ratioLine(
            "kubectl-like time / flyby time",
            kubectl.ms,
            flyby.ms,
            c.expected === 0 ? "(target >= 40x at 25 ms, with the right verdict)" : "",
          ),
        );
        if (floor.ms.length) {
          console.log(pairedRatioLine("flyby time / floor time", flyby.ms, floor.ms, "(target <= 1.3x)"));
          console.log(
            pairedRatioLine(
              "flyby CPU time / floor CPU time",
              flyby.cpuMs,
              floor.cpuMs,
              `(medians ${median(flyby.cpuMs).toFixed(0)} ms / ${median(floor.cpuMs).toFixed(0)} ms of process CPU)`,
            ),
          );
        }
        console.log(ratioLine("flyby diff time / flyby unchanged re-apply time", flyby.ms, reapply));
      }
    });
  });

  if (wrong.size) {
    console.log(
      `FAIL: wrong verdicts (flyby's must name exactly the changed objects):\n  ${[...wrong].join("\n  ")}`,
    );
    process.exitCode = 1;
  }
}
