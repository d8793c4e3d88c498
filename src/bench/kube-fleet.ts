import { tokenKubeConfig } from "../adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "../adapters/kube/target.ts";
import { applyEnvironment, defaultConcurrency } from "../apply/apply.ts";
import { appliedForm } from "../apply/compare.ts";
import { applySetParent } from "../apply/inventory.ts";
import type { ApplyReport } from "../apply/report.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { configMap, deployment, fastDeps, namespace, request, service } from "../testing/apply/objects.ts";
import { FakeKube, type RecordedRequest } from "../testing/fake-kube/server.ts";

/**
 * The fleet the apply and diff benchmarks share, the fake API server they run against, and
 * the figures they print.
 */
export const environment = "bench";
export const namespaces = ["bench-a", "bench-b", "bench-c", "bench-d"];
export const appNamespace = "bench-a";

/**
 * Added latency per request, in ms. FakeKube sleeps once per request (before answering), so
 * 25 ms there is the 25 ms round trip of 12.5 ms each way (a GitHub runner to GKE).
 */
export const latencies = [0, 25] as const;

const ns = (i: number) => namespaces[i % namespaces.length] as string;

/** 1,001 objects: 4 Namespaces, 601 ConfigMaps, 200 Services, 196 Deployments. */
export function fleet(): KubeObject[] {
  return [
    ...namespaces.map(namespace),
    ...Array.from({ length: 601 }, (_, i) => configMap(ns(i), `config-${i}`, { index: String(i) })),
    ...Array.from({ length: 200 }, (_, i) => service(ns(i), `svc-${i}`)),
    ...Array.from({ length: 196 }, (_, i) => deployment(ns(i), `app-${i}`)),
  ];
}

/**
 * The fleet with `n` objects edited (n <= 300): a third ConfigMap data, a third Service
 * ports, a third Deployment images, spread over the namespaces.
 */
export function changedFleet(n: number): KubeObject[] {
  const objects = fleet();
  const edits: ((o: KubeObject) => KubeObject)[] = [
    (o) => ({ ...o, data: { ...(o.data as Record<string, string>), edited: "yes" } }),
    (o) => ({ ...o, spec: { ...(o.spec as object), ports: [{ name: "http", port: 80, targetPort: 9090 }] } }),
    (o) => deployment(o.metadata.namespace as string, o.metadata.name, 1, "nginx:1.27-alpine"),
  ];
  const kinds = ["ConfigMap", "Service", "Deployment"];
  for (let i = 0; i < n; i++) {
    const kind = kinds[i % 3] as string;
    const nth = Math.floor(i / 3);
    const index = objects.findIndex((o) => o.kind === kind && o.metadata.name.endsWith(`-${nth}`));
    objects[index] = (edits[i % 3] as (o: KubeObject) => KubeObject)(objects[index] as KubeObject);
  }
  return objects;
}

/** The objects as flyby's apply sends them: with the ApplySet label and the applied-sha256 annotation. */
export function asFlybyApplies(objects: readonly KubeObject[]): KubeObject[] {
  const parent = applySetParent(environment, appNamespace);
  return objects.map((o) => appliedForm(o, parent));
}

/** Requests flyby's apply keeps in flight (its default); the apply floor uses the same. */
export const applyConcurrency = defaultConcurrency;

/** `flyby apply --env bench --target cluster` of `objects`: no prune, no wait. */
export function flybyApply(target: KubeApplyTarget, objects: readonly KubeObject[]): Promise<ApplyReport> {
  const req = request(objects, { environment, appNamespace, namespaces, concurrency: applyConcurrency });
  return applyEnvironment(target, req, fastDeps());
}

/** Runs `body` at each added latency (or only the one `args[0]` names), under a header line. */
export async function forEachLatency(
  args: readonly string[],
  what: string,
  count: number,
  body: (latencyMs: number) => Promise<void>,
): Promise<void> {
  const only = args[0] === undefined ? undefined : Number(args[0]);
  for (const latencyMs of latencies.filter((l) => only === undefined || l === only)) {
    console.log(header(what, count, latencyMs));
    await body(latencyMs);
    console.log("");
  }
}

function header(what: string, count: number, latencyMs: number): string {
  const delay = latencyMs
    ? ` (the fake sleeps once per request: ${latencyMs} ms = a ${latencyMs} ms round trip, ${latencyMs / 2} ms each way)`
    : "";
  return `${what}: ${count} objects (4 Namespaces, 601 ConfigMaps, 200 Services, 196 Deployments in ${namespaces.length} namespaces), in-process fake API server, ${latencyMs} ms added per request${delay}`;
}

export interface Fake {
  readonly fake: FakeKube;
  readonly target: KubeApplyTarget;
}

export async function withFake<T>(latencyMs: number, run: (f: Fake) => Promise<T>): Promise<T> {
  const fake = new FakeKube({ latencyMs }).start();
  const target = new KubeApplyTarget(tokenKubeConfig(fake.url, fake.adminToken), "bench");
  try {
    return await run({ fake, target });
  } finally {
    await fake.stop();
  }
}

/** What the fake received, by verb: `1001 patch, 8 list, 1 get`; dry runs counted apart. */
export function countsByVerb(requests: readonly RecordedRequest[]): string {
  const by = new Map<string, number>();
  for (const r of requests) {
    const verb = `${r.verb ?? "other"}${r.dryRun ? " (dry run)" : ""}`;
    by.set(verb, (by.get(verb) ?? 0) + 1);
  }
  return [...by].map(([verb, n]) => `${n} ${verb}`).join(", ") || "no requests";
}

/** Runs `f` with the fake's request log emptied first; returns its value, the time and the requests. */
export async function measured<T>(
  fake: FakeKube,
  f: () => Promise<T>,
): Promise<{ value: T; ms: number; requests: string }> {
  fake.requests.length = 0;
  const start = performance.now();
  const value = await f();
  const ms = performance.now() - start;
  return { value, ms, requests: countsByVerb(fake.requests) };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * Rounds at each latency. At 25 ms, 3. At 0 ms a run of flyby or of the floor takes tens of
 * milliseconds and a busy moment on the machine can move one by half: the median of the
 * rounds' own ratios settles only over many rounds, so 45.
 */
export const roundsAt = (latencyMs: number) => (latencyMs === 0 ? 45 : 3);

/** Whether the serial baseline runs in `round`: in the first 5 at 0 ms (0.5 s each), once at 25 ms (30 to 60 s). */
export const baselineRunsIn = (round: number, latencyMs: number) => round <= (latencyMs === 0 ? 5 : 1);

/** One line of figures: the median of the runs, every run (their range past 15), and the requests of the last one. */
export function figure(label: string, runs: readonly number[], requests: string): string {
  const sorted = [...runs].sort((a, b) => a - b);
  const each =
    runs.length > 15
      ? `median of ${runs.length} (${seconds(sorted[0] as number)} to ${seconds(sorted[sorted.length - 1] as number)})`
      : runs.length > 1
        ? `median of ${runs.length} (${runs.map(seconds).join(", ")})`
        : "1 run (the serial baseline runs once at 25 ms)";
  return `    ${label.padEnd(44)} ${seconds(median(runs)).padStart(8)}  ${each}; requests: ${requests}`;
}

/** `kubectl-like / flyby: 7.7x` from the medians. */
export function ratioLine(
  label: string,
  numerator: readonly number[],
  denominator: readonly number[],
  note = "",
): string {
  return `    ${label}: ${(median(numerator) / median(denominator)).toFixed(2)}x${note ? ` ${note}` : ""}`;
}

/**
 * `flyby time / floor time: 1.21x per round (median of 15; 1.24x from the medians)`: each
 * round's two runs follow one another, so a busy moment on the machine slows both; the
 * median of the rounds' own ratios is steadier than the ratio of the two medians, which is
 * printed beside it.
 */
export function pairedRatioLine(
  label: string,
  numerator: readonly number[],
  denominator: readonly number[],
  note = "",
): string {
  const rounds = Math.min(numerator.length, denominator.length);
  const ratios = Array.from(
    { length: rounds },
    (_, i) => (numerator[i] as number) / (denominator[i] as number),
  );
  const ofMedians = median(numerator) / median(denominator);
  return `    ${label}: ${median(ratios).toFixed(2)}x per round (median of ${rounds}; ${ofMedians.toFixed(2)}x from the medians)${note ? ` ${note}` : ""}`;
}
