import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { KubeObject } from "../core/kube/object.ts";
import type { ApplyTarget, WatchEvent } from "./port.ts";
import type { ProgressRow } from "./progress.ts";
import { waitForRollouts } from "./rollout.ts";
import { Readiness, rolloutVerdictOf } from "./wait.ts";

/**
 * Files 75 and 77-80 recorded on a real kube-apiserver v1.26.1 with its controller manager,
 * from the corpus the fake API server replays.
 */
const dir = join(import.meta.dir, "..", "testing", "fake-kube", "testdata", "kube-apiserver-v1.26");
interface Recorded {
  readonly response: { readonly body: unknown };
}
const recorded = async (file: string): Promise<Recorded> => Bun.file(join(dir, file)).json();
const body = async (file: string) => (await recorded(file)).response.body as KubeObject;
interface RecordedEvent {
  readonly type: string;
  readonly object: KubeObject;
}
const watchStream = async () =>
  (await recorded("75-watch-deployments-rollouts.json")).response.body as RecordedEvent[];

describe("rollout verdicts on what a real API server answered", () => {
  test("77: ProgressDeadlineExceeded with observedGeneration = generation is a failed rollout", async () => {
    const stuck = await body("77-get-deployment-stuck-deadline-exceeded.json");
    expect(rolloutVerdictOf(stuck)).toEqual({
      state: Readiness.Failed,
      progress: "0/1",
      live: "1/1 updated · 1 unavailable · progress deadline exceeded",
      message: 'ReplicaSet "stuck-7d44956fff" has timed out progressing.',
    });
  });

  test("78 and 79: right after a new image the old ProgressDeadlineExceeded is stale, not a failure", async () => {
    // GIVEN generation 2, observedGeneration 1 and the previous rollout's condition and counts
    for (const file of [
      "78-apply-deployment-stuck-new-image.json",
      "79-get-deployment-stuck-immediately.json",
    ]) {
      const o = await body(file);
      expect(o.metadata.generation).toBe(2);
      expect((o.status as { observedGeneration: number }).observedGeneration).toBe(1);
      // THEN the new rollout is still progressing: updatedReplicas 1 of 1 is the old generation's
      expect(rolloutVerdictOf(o)).toEqual({
        state: Readiness.Progressing,
        progress: "0/1",
        live: "waiting for the controller",
        message: "waiting for the controller to observe the change",
      });
    }
  });

  test("80: two seconds later the controller observed it: a new ReplicaSet, old pods still there", async () => {
    const o = await body("80-get-deployment-stuck-after-2s.json");
    expect(rolloutVerdictOf(o)).toEqual({
      state: Readiness.Progressing,
      progress: "0/1",
      live: "1/1 updated · 2 unavailable · 1 old",
      message: "1 old replicas pending termination",
    });
  });

  test("75: ok's last event is ready, stuck's is failed, and no earlier event of ok is ready", async () => {
    const events = (await watchStream()).filter((e) => e.type !== "BOOKMARK");
    const verdicts = (name: string) =>
      events.filter((e) => e.object.metadata.name === name).map((e) => rolloutVerdictOf(e.object).state);
    const ok = verdicts("ok");
    expect(ok.at(-1)).toBe(Readiness.Ready);
    expect(ok.slice(0, -1).every((s) => s === Readiness.Progressing)).toBe(true);
    const stuck = verdicts("stuck");
    expect(stuck.at(-1)).toBe(Readiness.Failed);
    expect(stuck.slice(0, -1).every((s) => s === Readiness.Progressing)).toBe(true);
  });

  test("75 replayed through a watch: each Deployment gets its own verdict, before the deadline", async () => {
    const events = (await watchStream()).filter((e) => e.type === "ADDED" || e.type === "MODIFIED");
    const target: ApplyTarget = {
      name: "recorded",
      list: async () => [],
      get: async () => undefined,
      apply: async (o) => o,
      delete: async () => {},
      async watch(_kind, _namespace, onEvent) {
        let i = 0;
        const timer = setInterval(() => {
          const e = events[i++];
          if (e) onEvent(e as WatchEvent);
          else clearInterval(timer);
        }, 1);
        return () => clearInterval(timer);
      },
    };
    const wanted = events.filter((e) => e.type === "ADDED").map((e) => e.object);
    const shown: ProgressRow[][] = [];
    const board = { show: (_: string, rows: readonly ProgressRow[]) => shown.push([...rows]), end: () => {} };
    const started = Date.now();
    const verdicts = await waitForRollouts(target, wanted, Date.now() + 10_000, {
      now: () => Date.now(),
      sleep: (ms) => Bun.sleep(ms),
      board,
      scope: "recorded",
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect([...verdicts.values()].map((v) => v.state)).toEqual([Readiness.Ready, Readiness.Failed]);
    expect(shown.at(-1)?.map((r) => `${r.name} ${r.live}`)).toEqual([
      "ok 1/1 ready",
      "stuck 1/1 updated · 1 unavailable · progress deadline exceeded",
    ]);
  });
});
