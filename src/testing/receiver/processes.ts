import type { Subprocess } from "bun";

/** Reads a child's stdout until a line matches, failing after `timeoutMs` with what it printed. */
export async function waitForLine(
  child: Subprocess<"ignore", "pipe", "pipe">,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpMatchArray> {
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const next = await Promise.race([
        reader.read(),
        Bun.sleep(deadline - Date.now()).then(() => ({ done: true, value: undefined })),
      ]);
      if (next.done) break;
      seen += decoder.decode(next.value, { stream: true });
      const match = seen.match(pattern);
      if (match) return match;
    }
  } finally {
    reader.releaseLock();
  }
  const stderr = await Promise.race([new Response(child.stderr).text(), Bun.sleep(500).then(() => "")]);
  throw new Error(`no line matching ${pattern} within ${timeoutMs} ms; stdout: ${seen}\nstderr: ${stderr}`);
}

export async function stopProcess(child: Subprocess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill("SIGTERM");
  const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(3000).then(() => false)]);
  if (!exited) child.kill("SIGKILL");
}

/** A free TCP port on loopback, for programs that cannot report the port they picked. */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}
