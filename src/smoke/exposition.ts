/**
 * A strict reader for the Prometheus text format (0.0.4) and OpenMetrics 1.0. It keeps
 * reading after a problem so one scrape reports every problem as a finding at its line.
 */

import { type Finding, Severity } from "../core/finding.ts";

export const ExpositionFormat = { Text: "text", OpenMetrics: "openmetrics" } as const;
export type ExpositionFormat = (typeof ExpositionFormat)[keyof typeof ExpositionFormat];

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly line: number;
}

export interface Family {
  readonly name: string;
  type: string;
  help?: string;
  readonly samples: Sample[];
}

/** The rule of every finding the reader returns: the body breaks its format. */
const expositionFormatRule = "exposition-format";

export interface ParsedExposition {
  readonly format: ExpositionFormat;
  readonly families: ReadonlyMap<string, Family>;
  /** Errors, each located at its line of the body, in line order. */
  readonly findings: readonly Finding[];
}

/** Records a finding at a 1-based line of the body. */
type Report = (line: number, message: string) => void;

export function formatOf(contentType: string | null): ExpositionFormat {
  return contentType?.toLowerCase().startsWith("application/openmetrics-text")
    ? ExpositionFormat.OpenMetrics
    : ExpositionFormat.Text;
}

const types: Record<ExpositionFormat, readonly string[]> = {
  text: ["counter", "gauge", "histogram", "summary", "untyped"],
  openmetrics: ["counter", "gauge", "histogram", "summary", "unknown", "info", "stateset", "gaugehistogram"],
};

function suffixesOf(type: string, format: ExpositionFormat): readonly string[] {
  const om = format === ExpositionFormat.OpenMetrics;
  switch (type) {
    case "counter":
      return om ? ["_total", "_created"] : [""];
    case "histogram":
      return om ? ["_bucket", "_sum", "_count", "_created"] : ["_bucket", "_sum", "_count"];
    case "summary":
      return om ? ["", "_sum", "_count", "_created"] : ["", "_sum", "_count"];
    case "gaugehistogram":
      return ["_bucket", "_gsum", "_gcount"];
    case "info":
      return ["_info"];
    default:
      return [""];
  }
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const decimal = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** OpenMetrics spells the specials exactly; the text format takes what Go's ParseFloat takes. */
const specials: Record<ExpositionFormat, RegExp> = {
  openmetrics: /^(?:[+-]?Inf|NaN)$/,
  text: /^(?:[+-]?(?:inf|infinity)|nan)$/i,
};

export function parseFloatStrict(
  text: string,
  format: ExpositionFormat = ExpositionFormat.OpenMetrics,
): number | undefined {
  if (decimal.test(text)) return Number(text);
  if (!specials[format].test(text)) return undefined;
  if (/^nan$/i.test(text)) return Number.NaN;
  return text.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

interface SampleLine {
  name: string;
  labels: Record<string, string>;
  rest: string;
}

/** Reads `name{a="b",…}` and returns what follows; throws a message on bad syntax. */
function readSeries(line: string): SampleLine {
  const nameEnd = line.search(/[{ ]/);
  const name = nameEnd < 0 ? line : line.slice(0, nameEnd);
  if (!metricName.test(name)) throw new Error(`invalid metric name "${name}"`);
  const labels: Record<string, string> = {};
  let i = name.length;
  if (line[i] === "{") {
    i++;
    while (line[i] !== "}") {
      const eq = line.indexOf("=", i);
      if (eq < 0) throw new Error("label without a value");
      const label = line.slice(i, eq).trim();
      if (!labelName.test(label)) throw new Error(`invalid label name "${label}"`);
      if (line[eq + 1] !== '"') throw new Error(`label ${label}'s value is not quoted`);
      let value = "";
      let j = eq + 2;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] !== "\\") {
          value += line[j];
          continue;
        }
        const next = line[++j];
        if (next === "n") value += "\n";
        else if (next === "\\" || next === '"') value += next;
        else throw new Error(`label ${label} has an invalid escape \\${next ?? ""}`);
      }
      if (j >= line.length) throw new Error(`label ${label}'s value is not terminated`);
      if (Object.hasOwn(labels, label)) throw new Error(`label ${label} appears twice`);
      labels[label] = value;
      i = j + 1;
      if (line[i] === ",") i++;
      else if (line[i] !== "}") throw new Error(`expected "," or "}" after label ${label}`);
    }
    i++;
  }
  if (line[i] !== " ") throw new Error("expected a space before the value");
  return { name, labels, rest: line.slice(i + 1) };
}

function seriesKey(name: string, labels: Readonly<Record<string, string>>, skip?: string): string {
  const parts = Object.keys(labels)
    .filter((k) => k !== skip)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${parts.join(",")}}`;
}

function checkHistogram(family: Family, format: ExpositionFormat, report: Report): void {
  const groups = new Map<string, { buckets: Sample[]; sum?: Sample; count?: Sample; line: number }>();
  for (const s of family.samples) {
    const key = seriesKey(family.name, s.labels, "le");
    const group = groups.get(key) ?? { buckets: [], line: s.line };
    groups.set(key, group);
    if (s.name === `${family.name}_bucket`) {
      if (s.labels.le === undefined) report(s.line, `${s.name} has no le label`);
      else group.buckets.push(s);
    } else if (s.name === `${family.name}_sum`) group.sum = s;
    else if (s.name === `${family.name}_count`) group.count = s;
  }
  for (const [key, g] of groups) {
    let previous: { le: number; value: number } | undefined;
    for (const b of g.buckets) {
      const le = parseFloatStrict(b.labels.le as string, format);
      if (le === undefined) {
        report(b.line, `${key}: le="${b.labels.le}" is not a number`);
        continue;
      }
      if (previous && le <= previous.le) report(b.line, `${key}: bucket le="${b.labels.le}" is out of order`);
      if (previous && b.value < previous.value)
        report(
          b.line,
          `${key}: bucket le="${b.labels.le}" counts ${b.value}, less than the bucket before it (${previous.value})`,
        );
      previous = { le, value: b.value };
    }
    const last = g.buckets.at(-1);
    if (last?.labels.le !== "+Inf") report(last?.line ?? g.line, `${key}: buckets do not end with le="+Inf"`);
    if (!g.sum) report(g.line, `${key}: ${family.name}_sum is missing`);
    if (!g.count) report(g.line, `${key}: ${family.name}_count is missing`);
    if (g.count && last?.labels.le === "+Inf" && g.count.value !== last.value)
      report(
        g.count.line,
        `${key}: ${family.name}_count is ${g.count.value} but the +Inf bucket is ${last.value}`,
      );
  }
}

function checkSummary(family: Family, report: Report): void {
  const groups = new Map<string, Set<string>>();
  for (const s of family.samples) {
    const key = seriesKey(family.name, s.labels, "quantile");
    const names = groups.get(key) ?? new Set<string>();
    names.add(s.name);
    groups.set(key, names);
  }
  for (const [key, names] of groups) {
    for (const suffix of ["_sum", "_count"]) {
      if (!names.has(`${family.name}${suffix}`))
        report(family.samples[0]?.line ?? 0, `${key}: ${family.name}${suffix} is missing`);
    }
  }
}

/**
 * Parses a scrape body strictly. Findings are returned, never thrown; `source` names the body
 * in their locations.
 */
export function parseExposition(
  body: string,
  format: ExpositionFormat,
  source = "/metrics",
): ParsedExposition {
  const families = new Map<string, Family>();
  const findings: Finding[] = [];
  const report: Report = (line, message) => {
    findings.push({
      severity: Severity.Error,
      rule: expositionFormatRule,
      message,
      location: { file: source, line },
    });
  };
  const seen = new Set<string>();
  const closed = new Set<string>();
  let current: Family | undefined;
  let sawEof = false;
  const om = format === ExpositionFormat.OpenMetrics;
  const lines = body.split("\n");
  if (lines.at(-1) === "") lines.pop();

  const open = (name: string, line: number): Family => {
    if (current?.name === name) return current;
    if (closed.has(name) || families.has(name)) {
      report(line, `family ${name} is split into more than one group`);
    }
    if (current) closed.add(current.name);
    const family = families.get(name) ?? { name, type: om ? "unknown" : "untyped", samples: [] };
    families.set(name, family);
    current = family;
    return family;
  };

  lines.forEach((text, index) => {
    const line = index + 1;
    if (sawEof) {
      report(line, "content after # EOF");
      return;
    }
    if (text === "") {
      if (om) report(line, "empty line (OpenMetrics allows none)");
      return;
    }
    if (text.startsWith("#")) {
      if (om && text === "# EOF") {
        sawEof = true;
        return;
      }
      const m = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(text);
      if (!m) {
        if (om) report(line, `unexpected comment: ${text}`);
        return;
      }
      const [, keyword, name = "", rest = ""] = m;
      if (!metricName.test(name)) {
        report(line, `invalid metric name "${name}" in # ${keyword}`);
        return;
      }
      const family = open(name, line);
      if (keyword === "TYPE") {
        if (family.samples.length > 0) report(line, `# TYPE ${name} comes after its samples`);
        if (seen.has(`TYPE ${name}`)) report(line, `second # TYPE for ${name}`);
        if (!types[format].includes(rest.trim())) report(line, `unknown type "${rest.trim()}" for ${name}`);
        family.type = rest.trim();
      } else if (keyword === "HELP") {
        if (seen.has(`HELP ${name}`)) report(line, `second # HELP for ${name}`);
        family.help = rest;
      }
      seen.add(`${keyword} ${name}`);
      return;
    }
    let parsed: SampleLine;
    try {
      parsed = readSeries(text);
    } catch (e) {
      report(line, (e as Error).message);
      return;
    }
    const [valueText = "", timestamp, ...extra] = parsed.rest.split(" ");
    const value = parseFloatStrict(valueText, format);
    if (value === undefined) {
      report(line, `value "${valueText}" of ${parsed.name} is not a number`);
      return;
    }
    if (extra.length > 0 && !(om && extra[0] === "#"))
      report(line, `unexpected text after the value of ${parsed.name}`);
    if (timestamp !== undefined && timestamp !== "#" && parseFloatStrict(timestamp, format) === undefined)
      report(line, `timestamp "${timestamp}" of ${parsed.name} is not a number`);

    const belongs = (f: Family) => suffixesOf(f.type, format).some((s) => `${f.name}${s}` === parsed.name);
    const family =
      current && belongs(current) ? current : open(familyNameOf(parsed.name, families, format), line);
    if (!belongs(family))
      report(line, `sample ${parsed.name} does not belong to ${family.type} family ${family.name}`);
    const key = seriesKey(parsed.name, parsed.labels);
    if (seen.has(key)) report(line, `duplicate series ${key}`);
    seen.add(key);
    if (family.type === "counter" && value < 0) report(line, `counter ${parsed.name} is negative (${value})`);
    family.samples.push({ name: parsed.name, labels: parsed.labels, value, line });
  });

  if (om && !sawEof) report(lines.length, "missing # EOF at the end");
  for (const f of families.values()) {
    if (f.type === "histogram") checkHistogram(f, format, report);
    if (f.type === "summary") checkSummary(f, report);
  }
  findings.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0));
  return { format, families, findings };
}

/** The family a sample outside the current group belongs to: a declared one, or its own name. */
function familyNameOf(
  sample: string,
  families: ReadonlyMap<string, Family>,
  format: ExpositionFormat,
): string {
  for (const f of families.values()) {
    if (suffixesOf(f.type, format).some((s) => `${f.name}${s}` === sample)) return f.name;
  }
  return sample;
}
