/**
 * `bun run demo`: a real Prometheus scraping reference exporters (api and worker of every
 * environment in manifests/environments.yaml), smoke-checked for each as `flyby smoke` does;
 * then a fault is switched on in the first environment to show a failing report.
 */
import { exitCodeOf, exitCodeOfError } from "../app/exit-policy.ts";
import { EnvironmentError, FlybyError } from "../core/errors.ts";
import { ExitCode } from "../core/exit-code.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import { formatReport } from "../smoke/report.ts";
import { repositoryManifests } from "../wiring/repository.ts";
import { runSmoke } from "../wiring/smoke-settings.ts";
import { smokeWorld } from "../wiring/world.ts";
import { type DemoStack, startDemoStack } from "./stack.ts";

const io = {
  stdout: (t: string) => process.stdout.write(t),
  stderr: (t: string) => process.stderr.write(t),
};
const repo = process.cwd();

/** One environment's smoke checks, read and printed as `flyby smoke` reads and prints them; its exit code. */
async function smoke(stack: DemoStack, environment: string, timeout: string): Promise<ExitCode> {
  const options = {
    prometheus: stack.prometheus.url,
    "scrape-interval": "1s",
    gpus: "2",
    timeout,
  };
  const args = Object.entries(options).flatMap(([name, value]) => [`--${name}`, value]);
  io.stdout(`\n$ flyby smoke --env ${environment} ${args.join(" ")}\n`);
  try {
    const { result } = await runSmoke({ options, workDir: repo, cwd: repo, env: process.env }, environment, {
      ...smokeWorld(),
      progress: (line) => io.stderr(`${line}\n`),
    });
    for (const { outcome } of result.clusters) io.stdout(formatReport(outcome.run));
    return exitCodeOf(result);
  } catch (e) {
    if (!(e instanceof FlybyError)) throw e;
    io.stderr(`flyby smoke: ${e.message}\n`);
    return exitCodeOfError(e);
  }
}

const environments = loadEnvironments(repositoryManifests(repo)).promotionOrder.map((e) => e.name);
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
