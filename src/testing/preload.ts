// Loaded before every test file (bunfig.toml): a test must never see the GitHub
// Actions job it runs in, or its results would depend on where it runs.
import { afterAll, afterEach } from "bun:test";
import { leftoverGuard } from "./temp-guard.ts";

for (const name of Object.keys(process.env)) {
  if (name.startsWith("INPUT_") || name.startsWith("GITHUB_")) delete process.env[name];
}

// Every temporary file of the run, and of the programs it starts, goes into one folder of its
// own, which must be empty at the end: a test that leaves something behind fails the run.
const guard = leftoverGuard();
afterEach(() => guard.notice(Bun.main));
afterAll(() => guard.finish());
