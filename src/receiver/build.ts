import { fileURLToPath } from "node:url";
import type { BunPlugin } from "bun";

const promClientShim = fileURLToPath(new URL("../wiring/workers/prom-client.js", import.meta.url));

/** Points prom-client at the modules the receiver uses, as wrangler.toml's [alias] does. */
const edgePromClient: BunPlugin = {
  name: "edge-prom-client",
  setup(build) {
    build.onResolve({ filter: /^prom-client$/ }, () => ({ path: promClientShim }));
  },
};

export const EdgeEntry = {
  deno: fileURLToPath(new URL("../wiring/deno/main.ts", import.meta.url)),
  workers: fileURLToPath(new URL("../wiring/workers/main.ts", import.meta.url)),
} as const;

/** Bundles an edge entry point into one ES module with no Node built-ins. */
export async function buildEdgeBundle(entry: keyof typeof EdgeEntry): Promise<string> {
  const result = await Bun.build({
    entrypoints: [EdgeEntry[entry]],
    target: "browser",
    format: "esm",
    plugins: [edgePromClient],
  });
  const [output] = result.outputs;
  if (!result.success || !output) {
    throw new Error(`bundling ${entry} failed: ${result.logs.map((l) => l.message).join("; ")}`);
  }
  return output.text();
}
