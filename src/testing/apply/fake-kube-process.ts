import type { Subprocess } from "bun";
import type { RolloutMode } from "../fake-kube/controller.ts";
import { FakeKube } from "../fake-kube/server.ts";

/**
 * The fake API server in a process of its own, so a test can freeze it (SIGSTOP) the way an API
 * server hangs. Run as a script it starts the fake on 127.0.0.1 (a free port), runs its
 * controller in the mode given as the first argument, and prints `{"url", "token"}` on one line.
 */
export interface FakeKubeProcess {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
  freeze(): void;
  thaw(): void;
  /** Thaws and kills the process; safe to call twice. */
  stop(): Promise<void>;
}

export async function startFakeKubeProcess(mode: RolloutMode = "ready"): Promise<FakeKubeProcess> {
  const child: Subprocess<"ignore", "pipe", "inherit"> = Bun.spawn(
    [process.execPath, import.meta.path, mode],
    {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "inherit",
    },
  );
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the fake API server process ended before it printed its URL: ${text}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const { url, token } = JSON.parse(text.slice(0, text.indexOf("\n"))) as { url: string; token: string };
  const pid = child.pid;
  const signal = (s: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, s);
  };
  return {
    url,
    token,
    pid,
    freeze: () => signal("SIGSTOP"),
    thaw: () => signal("SIGCONT"),
    async stop() {
      signal("SIGCONT");
      signal("SIGKILL");
      await child.exited;
    },
  };
}

if (import.meta.main) {
  const fake = new FakeKube().start();
  fake.controller.defaultMode = (process.argv[2] as RolloutMode | undefined) ?? "ready";
  fake.controller.start(15);
  process.stdout.write(`${JSON.stringify({ url: fake.url, token: fake.adminToken })}\n`);
}
