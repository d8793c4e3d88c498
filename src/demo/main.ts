/**
 * `bun run demo`: a real Prometheus scraping reference exporters (api and worker of every
 * environment in manifests/environments.yaml), checked with `flyby smoke` for each; then a
 * fault is switched on in the first environment to show a failing report.
 */
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { runCli } from "../cli/main.ts";
import { EnvironmentError } from "../core/errors.ts";
import { ExitCode } from "../core/exit-code.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import { type DemoStack, startDemoStack } from "./stack.ts";

const io = {
  stdout: (t: string) => process.stdout.write(t),
  stderr: (t: string) => process.stderr.write(t),
  stdoutIsTTY: process.stdout.isTTY === true,
  cwd: process.cwd(),
  env: process.env,
};

const smoke = (stack: DemoStack, environment: string, timeout: string) => {
  const args = ["smoke", "--env", environment, "--prometheus", stack.prometheus.url];
  io.stdout(`\n$ flyby ${args.join(" ")} --scrape-interval 1s --gpus 2 --timeout ${timeout}\n`);
  return runCli([...args, "--scrape-interval", "1s", "--gpus", "2", "--timeout", timeout], io);
};

const environments = loadEnvironments(loadManifestTree(join(io.cwd, "manifests"))).promotionOrder.map(
  (e) => e.name,
);
const first = environments[0] as string;
let stack: DemoStack;
try {
  stack = await startDemoStack({ environments, gpus: 2, intervalSeconds: 1 });
} catch (e) {
  if (!(e instanceof EnvironmentError)) throw e;
  io.stderr(`demo: ${e.message}\n`);
  process.exit(ExitCode.EnvironmentFailed);
}
try {
  io.stdout(`Prometheus ${stack.prometheus.url} scrapes every 1s:\n`);
  for (const [key, e] of stack.exporters) io.stdout(`  ${key.padEnd(18)} ${e.url}\n`);
  const codes = [];
  for (const environment of environments) codes.push(await smoke(stack, environment, "1m"));
  io.stdout(`\nNow the ${first} worker reports a NaN GPU temperature and a DCGM sentinel:\n`);
  const worker = stack.exporters.get(`worker-${first}`);
  worker?.setFaults(["nan-temperature", "dcgm-sentinel"]);
  // Two scrapes later Prometheus surely holds the faulty samples.
  const until = (worker?.scrapes() ?? 0) + 2;
  while ((worker?.scrapes() ?? until) < until) await Bun.sleep(20);
  const faulty = await smoke(stack, first, "3s");
  io.stdout(`\nexit codes: ${codes.join(", ")} (healthy), ${faulty} (with the fault)\n`);
  process.exitCode = codes.every((c) => c === ExitCode.Ok) && faulty === ExitCode.NotClean ? 0 : 1;
} finally {
  await stack.stop();
}
