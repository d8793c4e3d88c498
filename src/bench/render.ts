import { rmSync } from "node:fs";
import { join } from "node:path";
import { writeFleetRepo } from "./render-fleet.ts";
import { formatStartup, measureStartup } from "./render-startup.ts";

const repoRoot = join(import.meta.dir, "..", "..");
const runs = 5;

interface ChildReport {
  objects: number;
  findings: number;
  coldMs: number;
  warmMs: number;
  wallMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function child(
  mode: "pipeline" | "floor" | "values" | "values-floor",
  repo: string,
  repeats: number,
): ChildReport {
  const start = performance.now();
  const p = Bun.spawnSync([
    process.execPath,
    join(import.meta.dir, "render-child.ts"),
    mode,
    repo,
    "fleet",
    String(repeats),
  ]);
  const wallMs = performance.now() - start;
  if (p.exitCode !== 0) throw new Error(`${mode} failed: ${p.stderr.toString()}`);
  return { ...JSON.parse(p.stdout.toString()), wallMs };
}

/**
 * `bun run bench render`: renders and validates a synthetic fleet of 1,000 objects
 * (200 services × 5 kinds) and compares it with the floor, Bun.YAML parsing and printing
 * the same output, measured the same way: in a fresh process (cold) and repeated (warm).
 * Then loads a values file of 100,000 keys, next to Bun.YAML.parse of the same text, and
 * times the CLI's start-up (--help, --version, render of the seed's stack) next to `bun -e 0`.
 */
export async function run(): Promise<void> {
  const repo = writeFleetRepo(repoRoot);
  try {
    const pipelines: ChildReport[] = [];
    const floors: ChildReport[] = [];
    const once: ChildReport[] = [];
    const loads: ChildReport[] = [];
    const loadFloors: ChildReport[] = [];
    for (let i = 0; i < runs; i++) {
      once.push(child("pipeline", repo, 1));
      pipelines.push(child("pipeline", repo, 6));
      floors.push(child("floor", repo, 6));
      loads.push(child("values", repo, 4));
      loadFloors.push(child("values-floor", repo, 4));
    }
    const m = (xs: ChildReport[], k: keyof ChildReport) => median(xs.map((x) => x[k]));
    const { objects, findings } = pipelines[0] as ChildReport;
    const size = (Bun.file(join(repo, "fleet.yaml")).size / 1024).toFixed(0);
    const cold = m(pipelines, "coldMs") / m(floors, "coldMs");
    const warm = m(pipelines, "warmMs") / m(floors, "warmMs");
    console.log(
      `render bench: ${objects} objects (${size} KiB of YAML), ${findings} findings; medians of ${runs} processes`,
    );
    console.log(
      `  wall time of one render+validate process, start included: ${m(once, "wallMs").toFixed(0)} ms (target ≤ 1000 ms)`,
    );
    console.log(
      `  render + validate + print: ${m(pipelines, "coldMs").toFixed(1)} ms cold, ${m(pipelines, "warmMs").toFixed(1)} ms warm`,
    );
    console.log(
      `  floor (Bun.YAML parse + stringify of the output): ${m(floors, "coldMs").toFixed(1)} ms cold, ${m(floors, "warmMs").toFixed(1)} ms warm`,
    );
    console.log(`  ratio to the floor: ${cold.toFixed(1)}× cold, ${warm.toFixed(1)}× warm (target ≤ 5×)`);
    console.log(
      `  load a values file of ${(loads[0] as ChildReport).objects} keys (read, check, merge, schema): ${m(loads, "coldMs").toFixed(0)} ms cold, ${m(loads, "warmMs").toFixed(0)} ms warm (target ≤ 1000 ms)`,
    );
    console.log(
      `  floor (Bun.YAML.parse of the same text): ${m(loadFloors, "coldMs").toFixed(0)} ms cold, ${m(loadFloors, "warmMs").toFixed(0)} ms warm`,
    );
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
  const startupRuns = 11;
  for (const line of formatStartup(measureStartup(repoRoot, startupRuns), startupRuns)) console.log(line);
}
