import type { KubeObject } from "../core/kube/object.ts";

/**
 * Turns an alerts definition into the files `flyby alerts build` writes: Prometheus rule
 * files, promtool unit tests, alertmanager.yml, amtool routing cases and the Kubernetes
 * manifests. Pure and deterministic: the same definition gives the same bytes.
 */

import { emitConfigFile } from "../core/yaml/emit.ts";
import { alertmanagerConfig, amtoolCases } from "./alertmanager.ts";
import { type AlertsDefinition, allRules, type RuleFile, runbookUrl } from "./definition.ts";
import { duration } from "./expr.ts";
import { alertsManifests } from "./manifests.ts";
import type { AlertRule, AlertTest, RuleGroup } from "./rules.ts";
import { parseTemplate, renderTemplate } from "./template.ts";

export const rulesDir = "rules";
export const testsDir = "tests";
export const manifestsDir = "manifests";
export const alertmanagerFile = "alertmanager.yml";
export const amtoolCasesFile = "amtool-routes.json";
export const prometheusAlertingFile = "prometheus-alerting.yaml";
/** Where the Prometheus Deployment mounts the rules ConfigMap. */
export const rulesMountPath = "/etc/prometheus/rules";

export function ruleFileName(file: RuleFile): string {
  return `${file.name}.rules.yaml`;
}

function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function annotationsOf(def: AlertsDefinition, rule: AlertRule): Record<string, string> {
  return { description: rule.description, runbook_url: runbookUrl(def, rule), summary: rule.summary };
}

function ruleGroupYaml(def: AlertsDefinition, group: RuleGroup) {
  return {
    name: group.name,
    ...(group.interval ? { interval: group.interval.toString() } : {}),
    rules: group.rules.map((rule) =>
      rule.type === "record"
        ? { record: rule.name, expr: rule.expr.text }
        : {
            alert: rule.name,
            expr: rule.expr.text,
            ...(rule.for ? { for: rule.for.toString() } : {}),
            labels: sortedRecord(rule.labels),
            annotations: annotationsOf(def, rule),
          },
    ),
  };
}

export function prometheusRuleFile(def: AlertsDefinition, file: RuleFile): string {
  return emitConfigFile({ groups: file.groups.map((g) => ruleGroupYaml(def, g)) });
}

function renderAnnotations(
  def: AlertsDefinition,
  rule: AlertRule,
  labels: Readonly<Record<string, string>>,
  value: number | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, template] of Object.entries(annotationsOf(def, rule))) {
    const parsed = parseTemplate(template);
    if (!parsed.ok) throw new RangeError(`${rule.name}: annotation ${key}: ${parsed.error}`);
    out[key] = renderTemplate(parsed.parts, labels, value);
  }
  return out;
}

/**
 * One promtool test case: the expected alerts carry the labels the test names plus the
 * rule's static labels, and annotations rendered from the rule itself, so a changed
 * runbook URL or summary changes the expectation with it.
 */
function promtoolCase(def: AlertsDefinition, rule: AlertRule, test: AlertTest<string>) {
  return {
    name: `${rule.name}: ${test.name}`,
    interval: def.scrapeInterval.toString(),
    input_series: test.input.map((s) => ({ series: s.series, values: s.values })),
    alert_rule_test: [
      {
        eval_time: duration(test.at).toString(),
        alertname: rule.name,
        exp_alerts: test.fires.map((expected) => {
          const source = expected.rule ?? rule;
          const labels = Object.fromEntries(
            Object.entries(expected.labels).filter((e): e is [string, string] => e[1] !== undefined),
          );
          return {
            exp_labels: sortedRecord({ ...labels, ...source.labels }),
            exp_annotations: renderAnnotations(def, source, labels, expected.value),
          };
        }),
      },
    ],
  };
}

export function promtoolTestFile(def: AlertsDefinition, file: RuleFile): string | undefined {
  const tests = file.groups.flatMap((g) =>
    g.rules.flatMap((r) => (r.type === "alert" ? r.tests.map((t) => promtoolCase(def, r, t)) : [])),
  );
  if (tests.length === 0) return undefined;
  return emitConfigFile({
    rule_files: [`../${rulesDir}/${ruleFileName(file)}`],
    evaluation_interval: def.testEvaluationInterval.toString(),
    tests,
  });
}

/** Prometheus's side of the wiring: where the rules are and where Alertmanager listens. */
export function prometheusAlertingSection(def: AlertsDefinition) {
  return {
    rule_files: [`${rulesMountPath}/*.rules.yaml`],
    alerting: {
      alertmanagers: [
        { static_configs: [{ targets: [`alertmanager.${def.deployment.namespace}.svc:9093`] }] },
      ],
    },
  };
}

function ruleFilesOf(def: AlertsDefinition): Map<string, string> {
  return new Map(def.ruleFiles.map((file) => [ruleFileName(file), prometheusRuleFile(def, file)]));
}

/** The objects that deploy the alerts: the rules ConfigMap Prometheus mounts, and Alertmanager. */
export function alertObjects(def: AlertsDefinition): KubeObject[] {
  return alertsManifests(def, ruleFilesOf(def), emitConfigFile(alertmanagerConfig(def.alertmanager)));
}

/** Every output file by path relative to the output directory. */
export function generate(def: AlertsDefinition): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, text] of ruleFilesOf(def)) files.set(`${rulesDir}/${name}`, text);
  for (const file of def.ruleFiles) {
    const tests = promtoolTestFile(def, file);
    if (tests) files.set(`${testsDir}/${file.name}.test.yaml`, tests);
  }
  files.set(alertmanagerFile, emitConfigFile(alertmanagerConfig(def.alertmanager)));
  const alerts = allRules(def).flatMap(({ rule }) => (rule.type === "alert" ? [rule] : []));
  files.set(amtoolCasesFile, `${JSON.stringify(amtoolCases(def.alertmanager, alerts), null, 2)}\n`);
  files.set(prometheusAlertingFile, emitConfigFile(prometheusAlertingSection(def)));
  for (const object of alertObjects(def)) {
    files.set(
      `${manifestsDir}/${object.kind.toLowerCase()}-${object.metadata.name}.yaml`,
      emitConfigFile(object),
    );
  }
  return files;
}
