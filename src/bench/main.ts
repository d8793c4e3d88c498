/**
 * `bun run bench <name>`: benchmarks print their figures and the ratio to a baseline
 * measured in the same run. They are not tests: nothing here asserts a time.
 */
const benches: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  render: () => import("./render.ts"),
};

const [name, ...args] = process.argv.slice(2);
const load = name ? benches[name] : undefined;
if (!load) {
  process.stderr.write(`usage: bun run bench <${Object.keys(benches).join("|")}>\n`);
  process.exit(2);
}
await (await load()).run(args);
