import type { StackFacts } from "../core/catalog/stack.ts";
import type { Duration } from "../core/duration.ts";
import { type DurationLike, duration } from "./expr.ts";
import type { AlertmanagerSpec } from "./routes.ts";
import type { AlertRule, RecordingRule, RuleGroup } from "./rules.ts";
import type { Slo } from "./slo.ts";

/** One Prometheus rule file: `<name>.rules.yaml`. */
export interface RuleFile {
  readonly name: string;
  readonly groups: readonly RuleGroup[];
}

/** Where Alertmanager runs; its Deployment (image, Secret with `receiver-token`) is a template. */
export interface AlertmanagerDeployment {
  readonly namespace: string;
}

/** Everything `alerts/index.ts` exports as its default: the input of `flyby alerts build`. */
export interface AlertsDefinition {
  readonly runbookBase: string;
  readonly scrapeInterval: Duration;
  readonly evaluationInterval: Duration;
  /** How often promtool evaluates rules in unit tests; coarser than production keeps them fast. */
  readonly testEvaluationInterval: Duration;
  readonly ruleFiles: readonly RuleFile[];
  readonly alertmanager: AlertmanagerSpec;
  readonly deployment: AlertmanagerDeployment;
}

/**
 * What `alerts/index.ts` exports as its default: a definition, or a function of the stack's
 * facts (each environment's values) that returns one, so thresholds and receivers follow the values.
 */
export type AlertsModule = AlertsDefinition | ((stack: StackFacts) => AlertsDefinition);

export function resolveDefinition(module: AlertsModule, stack: () => StackFacts): AlertsDefinition {
  return typeof module === "function" ? module(stack()) : module;
}

export function defineAlerts(spec: {
  runbookBase: string;
  scrapeInterval: DurationLike;
  evaluationInterval: DurationLike;
  testEvaluationInterval?: DurationLike;
  ruleFiles: readonly RuleFile[];
  alertmanager: AlertmanagerSpec;
  deployment: AlertmanagerDeployment;
}): AlertsDefinition {
  return {
    ...spec,
    runbookBase: spec.runbookBase.replace(/\/+$/, ""),
    scrapeInterval: duration(spec.scrapeInterval),
    evaluationInterval: duration(spec.evaluationInterval),
    testEvaluationInterval: duration(spec.testEvaluationInterval ?? spec.evaluationInterval),
  };
}

/** The rules of an SLO, in the order a group lists them: recordings first. */
export function sloRules(s: Slo): (AlertRule | RecordingRule)[] {
  return [...s.recordings, ...s.alerts];
}

export function allRules(
  def: AlertsDefinition,
): { file: RuleFile; group: RuleGroup; rule: AlertRule | RecordingRule }[] {
  return def.ruleFiles.flatMap((file) =>
    file.groups.flatMap((group) => group.rules.map((rule) => ({ file, group, rule }))),
  );
}

export function runbookUrl(def: Pick<AlertsDefinition, "runbookBase">, rule: AlertRule): string {
  return `${def.runbookBase}/${rule.runbook.replace(/^\/+/, "")}`;
}
