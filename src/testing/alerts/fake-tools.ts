import type { AlertTools, ToolRun } from "../../alerts/tools.ts";

/** AlertTools that records calls and answers with the given verdict, for command tests. */
export class FakeAlertTools implements AlertTools {
  readonly calls: string[] = [];
  constructor(private readonly verdict: (command: string) => boolean = () => true) {}

  private answer(command: string): Promise<ToolRun> {
    this.calls.push(command);
    const ok = this.verdict(command);
    return Promise.resolve({ command, ok, output: ok ? "SUCCESS" : "FAILED: fake" });
  }
  checkRules(files: readonly string[]) {
    return this.answer(`promtool check rules ${files.join(" ")}`);
  }
  testRules(files: readonly string[]) {
    return this.answer(`promtool test rules ${files.join(" ")}`);
  }
  checkConfig(file: string) {
    return this.answer(`amtool check-config ${file}`);
  }
  routesTest(config: string, labels: Readonly<Record<string, string>>, receivers: readonly string[]) {
    const l = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    return this.answer(
      `amtool config routes test --config.file=${config} --verify.receivers=${receivers.join(",")} ${l.join(" ")}`,
    );
  }
}
