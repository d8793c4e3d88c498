/**
 * `bun run bench smoke [rounds]`: against the demo stack (real Prometheus, 1 s scrape
 * interval), the time from the moment the targets come up to a passing verdict, and the
 * HTTP requests a smoke run makes. The baseline, measured in the same rounds on the other
 * environment, is the usual script: one query per metric and GPU series, and a fixed
 * one-interval sleep between attempts.
 */
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { metricsEmittedBy } from "../core/catalog/metrics.ts";
import { Duration } from "../core/duration.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import { startDemoStack } from "../demo/stack.ts";
import { openSources } from "../smoke/adapters/open-sources.ts";
import { prometheusOverHttp } from "../smoke/adapters/prometheus-http.ts";
import { directScraper } from "../smoke/adapters/scrape-http.ts";
import { gpuMetricNames } from "../smoke/checks/gpu.ts";
import { seriesNamesOf } from "../smoke/checks/metrics.ts";
import { countingFetch } from "../smoke/counting-fetch.ts";
import { defaultExpectations } from "../smoke/expectations.ts";
import { observe } from "../smoke/observe.ts";
import { smoke } from "../smoke/run.ts";
import type { ActiveTarget, Fetch } from "../smoke/sources.ts";
import { systemClock } from "../wiring/clock.ts";

const intervalSeconds = 1;
const gpus = 2;

interface Figures {
  /** ms from all targets up to the passing verdict. */
  readonly latency: number;
  readonly requestsPerRun: number;
  /** Requests of one complete look at a healthy environment. */
  readonly requestsPerLook: number;
  readonly looks: number;
}

async function activeTargets(prometheus: string, environment: string): Promise<ActiveTarget[]> {
  const r = await fetch(`${prometheus}/api/v1/targets?state=active`);
  const json = (await r.json()) as { data: { activeTargets: ActiveTarget[] } };
  return json.data.activeTargets.filter((t) => t.labels.environment === environment);
}

/** Watches (outside the counted requests) for the moment every target of the environment is up. */
async function whenTargetsUp(prometheus: string, environment: string): Promise<number> {
  for (;;) {
    const targets = await activeTargets(prometheus, environment);
    if (targets.length > 0 && targets.every((t) => t.health === "up")) return performance.now();
    await Bun.sleep(10);
  }
}

/** The baseline: every metric, job and GPU series asked for one by one. */
async function naiveLook(prometheus: string, environment: string, fetch: Fetch): Promise<boolean> {
  const query = async (expr: string) => {
    const r = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const json = (await r.json()) as { data?: { result?: unknown[] } };
    return (json.data?.result?.length ?? 0) > 0;
  };
  const r = await fetch(`${prometheus}/api/v1/targets`);
  const targets = ((await r.json()) as { data: { activeTargets: ActiveTarget[] } }).data.activeTargets.filter(
    (t) => t.labels.environment === environment,
  );
  let ok = targets.length === 2 && targets.every((t) => t.health === "up");
  for (const service of ["api", "worker"] as const) {
    const job = `overflying-${service}-${environment}`;
    for (const metric of metricsEmittedBy(service)) {
      for (const series of seriesNamesOf(metric)) ok = (await query(`${series}{job="${job}"}`)) && ok;
    }
  }
  for (const t of targets.filter((t) => t.labels.service === "worker")) {
    for (let gpu = 0; gpu < gpus; gpu++) {
      for (const name of gpuMetricNames) {
        ok = (await query(`${name}{pod="${t.labels.pod}",gpu_id="${gpu}"} >= 0`)) && ok;
      }
    }
  }
  return ok;
}

async function naive(prometheus: string, environment: string): Promise<Figures> {
  const counter = countingFetch((url, init) => fetch(url, init));
  const up = whenTargetsUp(prometheus, environment);
  let looks = 0;
  for (;;) {
    looks++;
    if (await naiveLook(prometheus, environment, counter.fetch)) break;
    await Bun.sleep(intervalSeconds * 1000);
  }
  const passed = performance.now();
  const oneLook = countingFetch((url, init) => fetch(url, init));
  await naiveLook(prometheus, environment, oneLook.fetch);
  return {
    latency: passed - (await up),
    requestsPerRun: counter.count(),
    requestsPerLook: oneLook.count(),
    looks,
  };
}

async function flyby(prometheus: string, environment: string): Promise<Figures> {
  const up = whenTargetsUp(prometheus, environment);
  const expectations = defaultExpectations(environment, {
    scrapeInterval: Duration.ofSeconds(intervalSeconds),
    gpusPerWorker: gpus,
  });
  const { run, requests } = await smoke({
    expectations,
    access: { kind: "url", url: prometheus },
    timeout: Duration.ofSeconds(60),
    env: {},
    fetch: (url, init) => fetch(url, init),
    clock: systemClock,
    open: openSources,
  });
  const passed = performance.now();
  if (!run.verdict.passed) throw new Error(`smoke did not pass: ${JSON.stringify(run.verdict.findings)}`);
  const oneLook = countingFetch((url, init) => fetch(url, init));
  const sources = {
    prometheus: prometheusOverHttp(prometheus, oneLook.fetch),
    scraper: directScraper(oneLook.fetch),
  };
  await observe(sources, expectations, Date.now());
  return {
    latency: passed - (await up),
    requestsPerRun: requests,
    requestsPerLook: oneLook.count(),
    looks: run.attempts,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export async function run(args: string[]): Promise<void> {
  const rounds = Number(args[0] ?? 3);
  // flyby checks the first environment of the chain while the baseline checks the next one.
  const order = loadEnvironments(loadManifestTree(join(process.cwd(), "manifests"))).promotionOrder;
  const ourEnv = (order[0] as { name: string }).name;
  const baselineEnv = (order[1] ?? (order[0] as { name: string })).name;
  const ours: Figures[] = [];
  const baseline: Figures[] = [];
  for (let i = 0; i < rounds; i++) {
    const environments = [...new Set([ourEnv, baselineEnv])];
    const stack = await startDemoStack({ environments, gpus, intervalSeconds });
    try {
      const [a, b] = await Promise.all([
        flyby(stack.prometheus.url, ourEnv),
        naive(stack.prometheus.url, baselineEnv),
      ]);
      ours.push(a);
      baseline.push(b);
    } finally {
      await stack.stop();
    }
  }
  const pods = defaultExpectations(ourEnv).jobs.length;
  const row = (label: string, f: (x: Figures) => number, unit: string, digits: number) => {
    const a = median(ours.map(f));
    const b = median(baseline.map(f));
    return `${label.padEnd(38)} ${`${a.toFixed(digits)}${unit}`.padStart(10)} ${`${b.toFixed(digits)}${unit}`.padStart(10)} ${`${(b / a).toFixed(1)}×`.padStart(8)}`;
  };
  console.log(
    `smoke: demo stack, ${intervalSeconds} s scrape interval, ${pods} pods and ${gpus} GPUs per environment, median of ${rounds} rounds`,
  );
  console.log(`${"".padEnd(38)} ${"flyby".padStart(10)} ${"baseline".padStart(10)} ${"ratio".padStart(8)}`);
  console.log(row("targets up → passing verdict", (x) => x.latency / 1000, " s", 2));
  console.log(row("HTTP requests per complete look", (x) => x.requestsPerLook, "", 0));
  console.log(row("looks per run (from Prometheus start)", (x) => x.looks, "", 0));
  console.log(row("HTTP requests per run (all looks)", (x) => x.requestsPerRun, "", 0));
  console.log(
    `latency per round (flyby / baseline): ${ours.map((x, i) => `${(x.latency / 1000).toFixed(2)}/${((baseline[i]?.latency ?? 0) / 1000).toFixed(2)}`).join(", ")} s`,
  );
  console.log(
    `targets: verdict ≤ ${intervalSeconds + 1} s after targets are up; ≤ ${10 + pods} requests per look (10 + 1 per pod)`,
  );
  console.log("baseline: one query per metric and GPU series, fixed 1 s sleep between looks");
}
