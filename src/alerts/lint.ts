/**
 * Lint for rules, returned as findings (after cloudflare/pint's checks). Raw PromQL that
 * does not parse is not a finding but bad input: `assertParses` throws for it.
 */
import { highCardinalityLabels, resolveSeries, syntheticSeries } from "../core/catalog/metrics.ts";
import { InputError } from "../core/errors.ts";
import type { Finding, Severity } from "../core/finding.ts";
import { environmentLabel } from "../core/labels.ts";
import type { SourceLocation } from "../core/location.ts";
import { unroutedAlerts } from "./alertmanager.ts";
import { type AlertsDefinition, allRules } from "./definition.ts";
import { type PromqlFacts, promqlFacts } from "./promql-facts.ts";
import type { AlertRule, RecordingRule, Rule } from "./rules.ts";
import { parseTemplate, templateUsesValue } from "./template.ts";

const highCardinality: ReadonlySet<string> = new Set(highCardinalityLabels);
const synthetic: ReadonlySet<string> = new Set(syntheticSeries);

function finding(
  severity: Severity,
  rule: string,
  message: string,
  location: SourceLocation | undefined,
  hint?: string,
): Finding {
  return { severity, rule, message, ...(location ? { location } : {}), ...(hint ? { hint } : {}) };
}

/** Throws InputError naming the raw expression's file:line when its PromQL does not parse. */
export function assertParses(rule: Rule, facts: PromqlFacts): void {
  if (facts.syntaxErrorAt === undefined) return;
  const where = rule.expr.origin ?? rule.location;
  const text = rule.expr.text;
  throw new InputError(
    `${rule.type === "alert" ? "alert" : "recording rule"} ${rule.name}: PromQL does not parse at offset ${facts.syntaxErrorAt}: ${text.slice(0, facts.syntaxErrorAt)}⟨here⟩${text.slice(facts.syntaxErrorAt)}`,
    where,
  );
}

function lintAlert(def: AlertsDefinition, rule: AlertRule, facts: PromqlFacts): Finding[] {
  const out: Finding[] = [];
  const at = rule.location;
  const scrape = def.scrapeInterval;
  // A constant expression (the Watchdog's vector(1)) reads no series: it fires by design.
  const constant = facts.seriesNames.length === 0;
  if (!rule.labels[environmentLabel] && !rule.expr.labels.includes(environmentLabel)) {
    out.push(
      finding(
        "error",
        "environment-label",
        `${rule.name}: the alert would reach Alertmanager without the ${environmentLabel} label, which routing and the receiver need`,
        at,
        `keep it in every aggregation (by (${environmentLabel}, …)), pin it in absent()'s selector, or set it as a static label`,
      ),
    );
  }
  if (!constant && !facts.hasComparison && !facts.usesAbsent) {
    out.push(
      finding(
        "warning",
        "alert-comparison",
        `${rule.name}: the expression has no comparison, so it fires for every series`,
        at,
      ),
    );
  }
  if (!constant && !facts.hasRange && (!rule.for || rule.for.milliseconds === 0)) {
    out.push(
      finding(
        "warning",
        "alert-for",
        `${rule.name}: compares instant values with no "for", so one odd sample fires it`,
        at,
        "set for: to a few scrape intervals",
      ),
    );
  }
  if (facts.usesAbsent && (rule.for?.milliseconds ?? 0) < 2 * scrape.milliseconds) {
    out.push(
      finding(
        "error",
        "absent-for",
        `${rule.name}: absent() needs "for" of at least 2x the scrape interval (${scrape}), or one missed scrape fires it`,
        at,
      ),
    );
  }
  for (const [key, template] of [
    ["summary", rule.summary],
    ["description", rule.description],
  ] as const) {
    const parsed = parseTemplate(template);
    if (!parsed.ok) {
      out.push(finding("error", "template", `${rule.name}: ${key}: ${parsed.error}`, at));
      continue;
    }
    // Raw expressions declare no labels, so only DSL expressions are checked.
    if (rule.expr.origin) continue;
    for (const p of parsed.parts) {
      if (p.type === "label" && !rule.expr.labels.includes(p.name)) {
        out.push(
          finding(
            "error",
            "template",
            `${rule.name}: ${key} uses $labels.${p.name}, which the expression does not keep`,
            at,
            `it keeps: ${rule.expr.labels.join(", ") || "no labels"}`,
          ),
        );
      }
    }
  }
  for (const label of Object.keys(rule.labels)) {
    if (highCardinality.has(label)) {
      out.push(finding("error", "high-cardinality", `${rule.name}: label ${label} is high-cardinality`, at));
    }
  }
  const needsValue = templateUsesValue(rule.summary) || templateUsesValue(rule.description);
  for (const t of rule.tests) {
    if (needsValue && t.fires.some((f) => (f.rule ?? rule) === rule && f.value === undefined)) {
      out.push(
        finding(
          "error",
          "alert-test",
          `${rule.name}: test "${t.name}" must give the expected value: an annotation uses $value`,
          at,
        ),
      );
    }
  }
  return out;
}

function lintCommon(
  def: AlertsDefinition,
  rule: Rule,
  facts: PromqlFacts,
  recorded: ReadonlySet<string>,
): Finding[] {
  const out: Finding[] = [];
  const at = rule.location;
  const minWindow = def.scrapeInterval.milliseconds * 4;
  for (const { fn, window } of facts.rateWindows) {
    if (window.milliseconds < minWindow) {
      out.push(
        finding(
          "error",
          "rate-range",
          `${rule.name}: ${fn}() over ${window} is shorter than 4x the scrape interval (${def.scrapeInterval})`,
          at,
        ),
      );
    }
  }
  for (const label of facts.aggregationLabels) {
    if (highCardinality.has(label)) {
      out.push(
        finding(
          "error",
          "high-cardinality",
          `${rule.name}: aggregates by high-cardinality label ${label}`,
          at,
        ),
      );
    }
  }
  for (const name of facts.seriesNames) {
    if (resolveSeries(name) || synthetic.has(name) || recorded.has(name)) continue;
    out.push(
      finding(
        "error",
        "metric-unknown",
        `${rule.name}: ${name} is not in the metric catalog nor recorded by a rule`,
        rule.expr.origin ?? at,
        "add it to src/core/catalog/metrics.ts or fix the name",
      ),
    );
  }
  return out;
}

/** All findings for a definition: rules, duplicates, unused recordings and routing. */
export function lint(def: AlertsDefinition): Finding[] {
  const entries = allRules(def);
  const recordings = entries.flatMap(({ rule }) => (rule.type === "record" ? [rule] : []));
  const recorded = new Set(recordings.map((r) => r.name));
  const used = new Set<string>();
  const seen = new Map<string, Rule>();
  const findings: Finding[] = [];
  for (const { rule } of entries) {
    // DSL expressions carry their facts; anything with raw PromQL in it is parsed.
    const facts = rule.expr.origin ? promqlFacts(rule.expr.text) : rule.expr.facts;
    assertParses(rule, facts);
    for (const n of facts.seriesNames) used.add(n);
    findings.push(...lintCommon(def, rule, facts, recorded));
    if (rule.type === "alert") findings.push(...lintAlert(def, rule, facts));
    const key =
      rule.type === "alert"
        ? `alert ${rule.name} ${JSON.stringify(Object.entries(rule.labels).sort())}`
        : `record ${rule.name}`;
    if (seen.has(key)) {
      findings.push(
        finding(
          "error",
          "duplicate",
          `${rule.type === "alert" ? "alert" : "recording rule"} ${rule.name} is defined twice with the same labels`,
          rule.location,
        ),
      );
    }
    seen.set(key, rule);
  }
  const groups = new Set<string>();
  for (const file of def.ruleFiles) {
    for (const g of file.groups) {
      if (groups.has(g.name))
        findings.push(finding("error", "duplicate", `rule group ${g.name} is defined twice`, g.location));
      groups.add(g.name);
    }
  }
  for (const r of recordings as RecordingRule[]) {
    if (!used.has(r.name)) {
      findings.push(
        finding("warning", "record-unused", `recording rule ${r.name} is used by no rule`, r.location),
      );
    }
  }
  const alerts = entries.flatMap(({ rule }) => (rule.type === "alert" ? [rule] : []));
  // Rules sharing an alertname (an SLO's windows) share their tests.
  const tested = new Set(alerts.filter((a) => a.tests.length > 0).map((a) => a.name));
  const reported = new Set<string>();
  for (const a of alerts) {
    if (tested.has(a.name) || reported.has(a.name)) continue;
    reported.add(a.name);
    findings.push(finding("warning", "alert-test", `${a.name}: has no unit test`, a.location));
  }
  findings.push(...unroutedAlerts(def.alertmanager, alerts));
  return findings;
}
