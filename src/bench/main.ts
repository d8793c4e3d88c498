/**
 * `bun run bench <name>`: benchmarks print their figures and the ratio to a baseline
 * measured in the same run. They are not tests: nothing here asserts a time.
 */
export interface Bench {
  run(args: string[]): Promise<void>;
}

const benches: Record<string, () => Promise<Bench>> = {
  diff: () => import("./diff.ts"),
  render: () => import("./render.ts"),
  smoke: () => import("./smoke.ts"),
  alerts: () => import("./alerts.ts"),
  receiver: () => import("./receiver.ts"),
  apply: () => import("./apply.ts"),
};

const [benchName, ...benchArgs] = process.argv.slice(2);
const load = benchName ? benches[benchName] : undefined;
if (!load) {
  process.stderr.write(`usage: bun run bench <${Object.keys(benches).join("|")}>\n`);
  process.exit(2);
}
await (await load()).run(benchArgs);
