// The processes the render benchmark times. `pipeline`: render, validate and print one
// environment. `floor`: Bun.YAML parse and stringify of the same output. `values`: load a
// values file of 100,000 keys as render does (read, check, merge, validate against the
// schema); `values-floor`: Bun.YAML.parse of the same text. Each reports its first (cold)
// run and the median of warm repeats in the same process.
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import { loadValues } from "../core/manifests/values.ts";
import { renderToText } from "../core/render/output.ts";
import { renderChecked } from "../core/render/render-checked.ts";
import { validateRendered } from "../core/validate/validate.ts";

const [mode, repo, env, repeats = "6"] = process.argv.slice(2) as [
  "pipeline" | "floor" | "values" | "values-floor",
  string,
  string,
  string?,
];
const output = join(repo, "fleet.yaml");

function pipeline(): { objects: number; findings: number } {
  const result = renderChecked(loadManifestTree(join(repo, "manifests")), env);
  const findings = validateRendered(result);
  Bun.write(output, renderToText(result.objects));
  return { objects: result.objects.length, findings: findings.length };
}

function floor(text: string): { objects: number; findings: number } {
  const docs = Bun.YAML.parse(text) as unknown[];
  for (const d of docs) Bun.YAML.stringify(d, null, 2);
  return { objects: docs.length, findings: 0 };
}

/** A values file whose api section sets 100,000 env vars. */
function bigValues(keys = 100_000): string {
  const lines = ["api:", "  replicas: 1", "  env:"];
  for (let i = 0; i < keys; i++) lines.push(`    SETTING_${i}: value-${i}`);
  return `${lines.join("\n")}\n`;
}

function values(text: string): { objects: number; findings: number } {
  const base = loadManifestTree(join(repo, "manifests"));
  // The environment's last values file is replaced by the big one.
  const last = loadEnvironments(base).get(env).values.at(-1) as string;
  const tree = { ...base, files: new Map(base.files).set(last, text) };
  const envs = loadEnvironments(tree);
  const loaded = loadValues(tree, envs, envs.get(env));
  return { objects: Object.keys(loaded.api.env).length, findings: 0 };
}

function valuesFloor(text: string): { objects: number; findings: number } {
  const data = Bun.YAML.parse(text) as { api: { env: object } };
  return { objects: Object.keys(data.api.env).length, findings: 0 };
}

const text = mode === "floor" ? await Bun.file(output).text() : mode.startsWith("values") ? bigValues() : "";
const steps = {
  pipeline,
  floor: () => floor(text),
  values: () => values(text),
  "values-floor": () => valuesFloor(text),
} as const;
const step = steps[mode];
const times: number[] = [];
let stats = { objects: 0, findings: 0 };
for (let i = 0; i < Number(repeats); i++) {
  const t = performance.now();
  stats = step();
  times.push(performance.now() - t);
}
const warm =
  times.length > 1 ? (times.slice(1).sort((a, b) => a - b)[Math.floor((times.length - 1) / 2)] as number) : 0;
process.stdout.write(`${JSON.stringify({ ...stats, coldMs: times[0], warmMs: warm })}\n`);
