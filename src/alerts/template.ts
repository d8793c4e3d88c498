/**
 * The small subset of Prometheus's Go templates that annotations may use. Keeping to it
 * lets the generator render the exact annotations an alert will carry, so unit tests
 * state only the labels they care about and never a copy of an annotation.
 */

export type TemplatePart =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "label"; readonly name: string }
  | { readonly type: "value"; readonly format: "plain" | "humanize" | "humanizePercentage" };

export type ParsedTemplate =
  | { readonly ok: true; readonly parts: readonly TemplatePart[] }
  | { readonly ok: false; readonly error: string };

const action = /\{\{-?\s*(.*?)\s*-?\}\}/g;
const labelRef = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/;
const valueRef = /^\$value(?:\s*\|\s*(humanize|humanizePercentage))?$/;

export function parseTemplate(template: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of template.matchAll(action)) {
    if (m.index > last) parts.push({ type: "text", text: template.slice(last, m.index) });
    last = m.index + m[0].length;
    const body = m[1] as string;
    const label = labelRef.exec(body);
    const value = valueRef.exec(body);
    if (label) parts.push({ type: "label", name: label[1] as string });
    else if (value) parts.push({ type: "value", format: (value[1] as "humanize" | undefined) ?? "plain" });
    else return { ok: false, error: `unsupported template action {{ ${body} }}` };
  }
  const rest = template.slice(last);
  if (rest.includes("{{") || rest.includes("}}")) return { ok: false, error: "unbalanced {{ }}" };
  if (rest) parts.push({ type: "text", text: rest });
  return { ok: true, parts };
}

export function templateUsesValue(template: string): boolean {
  const parsed = parseTemplate(template);
  return parsed.ok && parsed.parts.some((p) => p.type === "value");
}

/** Go's `%.4g`: four significant digits, exponent form outside 1e-4..1e4, no trailing zeros. */
function goG4(v: number): string {
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
  const [mantissa, expText] = v.toExponential(3).split("e") as [string, string];
  const exp = Number(expText);
  const trim = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp < -4 || exp >= 4) {
    return `${trim(mantissa)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return trim(v.toFixed(Math.max(0, 3 - exp)));
}

/** Go's `%v` for a float64: shortest representation, exponent form below 1e-4 or from 1e21. */
function goDefault(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [m, e] = v.toExponential().split("e") as [string, string];
    const exp = Number(e);
    return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return String(v);
}

/** Prometheus's `humanize`: SI prefixes and four significant digits. */
export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return goG4(v);
  let prefix = "";
  let x = v;
  if (Math.abs(x) >= 1) {
    for (const p of ["k", "M", "G", "T", "P", "E", "Z", "Y"]) {
      if (Math.abs(x) < 1000) break;
      prefix = p;
      x /= 1000;
    }
  } else {
    for (const p of ["m", "u", "n", "p", "f", "a", "z", "y"]) {
      if (Math.abs(x) >= 1) break;
      prefix = p;
      x *= 1000;
    }
  }
  return `${goG4(x)}${prefix}`;
}

export function humanizePercentage(v: number): string {
  return `${goG4(v * 100)}%`;
}

/**
 * Renders a template the way Prometheus would for an alert with these labels and value.
 * A missing label renders as `<no value>`, as Go templates do for a missing map key.
 */
export function renderTemplate(
  parts: readonly TemplatePart[],
  labels: Readonly<Record<string, string>>,
  value: number | undefined,
): string {
  let out = "";
  for (const p of parts) {
    if (p.type === "text") out += p.text;
    else if (p.type === "label") out += labels[p.name] ?? "<no value>";
    else if (value === undefined) throw new RangeError("the template uses $value but no value was given");
    else if (p.format === "humanize") out += humanize(value);
    else if (p.format === "humanizePercentage") out += humanizePercentage(value);
    else out += goDefault(value);
  }
  return out;
}
