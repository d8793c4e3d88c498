/**
 * What `alerts check` and `alerts test` ask of Prometheus's and Alertmanager's own tools.
 * The core declares it; src/adapters/promtool.ts runs the real binaries, and tests may pass a fake.
 */
export interface ToolRun {
  /** The command as a person would type it, for the report. */
  readonly command: string;
  readonly ok: boolean;
  readonly output: string;
}

export interface AlertTools {
  /** `promtool check rules FILE...` */
  checkRules(files: readonly string[]): Promise<ToolRun>;
  /** `promtool test rules FILE...` */
  testRules(files: readonly string[]): Promise<ToolRun>;
  /** `amtool check-config FILE` */
  checkConfig(file: string): Promise<ToolRun>;
  /** `amtool config routes test --verify.receivers=... LABELS` */
  routesTest(
    configFile: string,
    labels: Readonly<Record<string, string>>,
    receivers: readonly string[],
  ): Promise<ToolRun>;
}
