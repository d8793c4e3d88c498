import { expect, test } from "bun:test";
import { join } from "node:path";

test("GIVEN no prometheus on PATH WHEN bun run demo THEN it says how to install it in one line and exits 3", async () => {
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "main.ts")], {
    env: { PATH: "/nonexistent", HOME: process.env.HOME ?? "/" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  expect(code).toBe(3);
  expect(stderr.trim().split("\n")).toEqual([
    "demo: prometheus is not installed: run `sudo apt-get install -y --no-install-recommends prometheus` (or `bash .ci/setup`)",
  ]);
});
