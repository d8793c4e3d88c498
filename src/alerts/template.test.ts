import { describe, expect, test } from "bun:test";
import { humanize, humanizePercentage, parseTemplate, renderTemplate } from "./template.ts";

function render(t: string, labels: Record<string, string>, value?: number): string {
  const parsed = parseTemplate(t);
  if (!parsed.ok) throw new Error(parsed.error);
  return renderTemplate(parsed.parts, labels, value);
}

describe("templates render as Prometheus renders them", () => {
  test("labels and values", () => {
    expect(render("GPU {{ $labels.gpu_id }} at {{ $value }} °C", { gpu_id: "0" }, 95)).toBe("GPU 0 at 95 °C");
    expect(render("{{$labels.missing}}", {}, undefined)).toBe("<no value>");
  });

  test("humanize: four significant digits and SI prefixes (Go's %.4g)", () => {
    expect(humanize(2.416666)).toBe("2.417");
    expect(humanize(1234567)).toBe("1.235M");
    expect(humanize(0.0123)).toBe("12.3m");
    expect(humanize(0)).toBe("0");
    expect(humanize(1000)).toBe("1k");
  });

  test("humanizePercentage", () => {
    expect(humanizePercentage(0.1)).toBe("10%");
    expect(humanizePercentage(0.96875)).toBe("96.88%");
    expect(humanizePercentage(0.09999999999999999)).toBe("10%");
  });

  test("plain $value uses Go's %v: exponent below 1e-4", () => {
    expect(render("{{ $value }}", {}, 0.00001)).toBe("1e-05");
    expect(render("{{ $value }}", {}, 0.25)).toBe("0.25");
  });

  test("anything else is refused, so expectations can always be computed", () => {
    expect(parseTemplate("{{ range $labels }}x{{ end }}")).toEqual({
      ok: false,
      error: "unsupported template action {{ range $labels }}",
    });
    expect(parseTemplate("broken {{ $value").ok).toBe(false);
  });

  test("$value without a value is an error, not a guess", () => {
    expect(() => render("{{ $value }}", {})).toThrow(/no value/);
  });
});
