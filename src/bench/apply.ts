import { KubeApplyTarget } from "../adapters/kube-target.ts";
import { applyEnvironment, defaultConcurrency } from "../apply/apply.ts";
import { withAppliedHash } from "../apply/compare.ts";
import { summarize } from "../apply/report.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { tokenKubeConfig } from "../kube/cluster.ts";
import { configMap, deployment, fastDeps, namespace, request, service } from "../testing/apply/objects.ts";
import { FakeKube, type RecordedRequest } from "../testing/fake-kube/server.ts";

const latencyMs = 5;
const namespaces = ["bench-a", "bench-b", "bench-c", "bench-d"];

/** 1,000 objects: 4 Namespaces, 600 ConfigMaps, 200 Services, 196 Deployments. */
function objects(): KubeObject[] {
  const ns = (i: number) => namespaces[i % namespaces.length] as string;
  return [
    ...namespaces.map(namespace),
    ...Array.from({ length: 600 }, (_, i) => configMap(ns(i), `config-${i}`, { index: String(i) })),
    ...Array.from({ length: 200 }, (_, i) => service(ns(i), `svc-${i}`)),
    ...Array.from({ length: 196 }, (_, i) => deployment(ns(i), `app-${i}`)),
  ];
}

const writes = (rs: readonly RecordedRequest[]) =>
  rs.filter((r) => r.verb === "patch" || r.verb === "create" || r.verb === "update" || r.verb === "delete")
    .length;

function counts(rs: readonly RecordedRequest[]): string {
  const by = new Map<string, number>();
  for (const r of rs) by.set(r.verb ?? "other", (by.get(r.verb ?? "other") ?? 0) + 1);
  return [...by].map(([verb, n]) => `${n} ${verb}`).join(", ");
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await f();
  return [value, performance.now() - start];
}

function withFake<T>(run: (fake: FakeKube, target: KubeApplyTarget) => Promise<T>): Promise<T> {
  const fake = new FakeKube({ latencyMs }).start();
  const target = new KubeApplyTarget(tokenKubeConfig(fake.url, fake.adminToken), "bench");
  return run(fake, target).finally(() => fake.stop());
}

export async function run(_args: string[]): Promise<void> {
  const all = objects();
  const concurrency = defaultConcurrency;
  console.log(`apply ${all.length} objects against the fake API server, ${latencyMs} ms latency per request`);

  const serialMs = await withFake(async (fake, target) => {
    const [, ms] = await timed(async () => {
      for (const o of all) await target.apply(withAppliedHash(o), { force: false, dryRun: false });
    });
    console.log(
      `serial, one object at a time (kubectl's pattern): ${ms.toFixed(0)} ms, ${fake.requests.length} requests (${counts(fake.requests)})`,
    );
    return ms;
  });

  const req = request(all, { namespaces, appNamespace: "bench-a", concurrency });
  const rounds = 3;
  const times: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    await withFake(async (fake, target) => {
      const [first, firstMs] = await timed(() => applyEnvironment(target, req, fastDeps()));
      times.push(firstMs);
      const s = summarize(first.objects);
      console.log(
        `flyby apply round ${round} (staged, concurrency ${concurrency}): ${firstMs.toFixed(0)} ms, ${fake.requests.length} requests (${counts(fake.requests)}); ${s.created} created, ${s.failed} failed`,
      );
      if (round < rounds) return;
      fake.requests.length = 0;
      const [second, secondMs] = await timed(() => applyEnvironment(target, req, fastDeps()));
      const t = summarize(second.objects);
      const median = [...times].sort((a, b) => a - b)[Math.floor(rounds / 2)] as number;
      console.log(
        `ratio: ${(serialMs / median).toFixed(1)}x faster than the serial apply (median of ${rounds}: ${median.toFixed(0)} ms)`,
      );
      console.log(
        `second apply: ${secondMs.toFixed(0)} ms, ${fake.requests.length} requests (${counts(fake.requests)}), ${writes(fake.requests)} writes, ${(fake.requests.length / all.length).toFixed(3)} requests per object; ${t.unchanged} unchanged`,
      );
    });
  }
}
