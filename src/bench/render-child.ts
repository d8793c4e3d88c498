// The processes the render benchmark times. `pipeline`: render, validate and print one
// environment. `floor`: Bun.YAML parse and stringify of the same output. Each reports its
// first (cold) run and the median of warm repeats in the same process.
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { renderToText } from "../core/render/output.ts";
import { renderChecked } from "../core/render/render-checked.ts";
import { validateRendered } from "../core/validate/validate.ts";

const [mode, repo, env, repeats = "6"] = process.argv.slice(2) as [
  "pipeline" | "floor",
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

const text = mode === "floor" ? await Bun.file(output).text() : "";
const step = () => (mode === "floor" ? floor(text) : pipeline());
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
