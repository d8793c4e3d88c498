import { describe, expect, test } from "bun:test";
import { formatFinding } from "../core/finding.ts";
import { formatOf, parseExposition } from "./exposition.ts";

const text = (lines: string[]) => `${lines.join("\n")}\n`;
const problemsOf = (body: string, format: "text" | "openmetrics" = "text") =>
  parseExposition(body, format).findings.map((f) => `${f.location?.line}: ${f.message}`);

const histogram = [
  "# HELP d_seconds Duration",
  "# TYPE d_seconds histogram",
  'd_seconds_bucket{le="0.1"} 1',
  'd_seconds_bucket{le="1"} 3',
  'd_seconds_bucket{le="+Inf"} 4',
  "d_seconds_sum 2.5",
  "d_seconds_count 4",
];

describe("parseExposition", () => {
  test("reads a valid text exposition into typed families", () => {
    const parsed = parseExposition(
      text([
        "# HELP overflying_jobs_created_total Total number of jobs created",
        "# TYPE overflying_jobs_created_total counter",
        'overflying_jobs_created_total{priority="1",submitted_by="user"} 42.0',
        "",
        ...histogram,
        'esc{path="a\\"b\\\\c\\n"} Nan',
      ]),
      "text",
    );
    expect(parsed.findings).toEqual([]);
    expect(parsed.families.get("overflying_jobs_created_total")?.type).toBe("counter");
    expect(parsed.families.get("overflying_jobs_created_total")?.samples[0]?.value).toBe(42);
    expect(parsed.families.get("d_seconds")?.samples).toHaveLength(5);
    expect(parsed.families.get("esc")?.type).toBe("untyped");
    expect(parsed.families.get("esc")?.samples[0]?.labels.path).toBe('a"b\\c\n');
  });

  test("buckets must grow, be ordered and end in +Inf; _sum and _count must be there", () => {
    expect(
      problemsOf(
        text([
          "# TYPE h histogram",
          'h_bucket{le="1"} 5',
          'h_bucket{le="0.5"} 6',
          'h_bucket{le="2"} 4',
          "h_count 4",
        ]),
      ),
    ).toEqual([
      "2: h{}: h_sum is missing",
      '3: h{}: bucket le="0.5" is out of order',
      '4: h{}: bucket le="2" counts 4, less than the bucket before it (6)',
      '4: h{}: buckets do not end with le="+Inf"',
    ]);
    expect(
      problemsOf(text(histogram.map((l) => l.replace("d_seconds_count 4", "d_seconds_count 5")))),
    ).toEqual(["7: d_seconds{}: d_seconds_count is 5 but the +Inf bucket is 4"]);
  });

  test("HELP and TYPE must match their samples and come once, before them", () => {
    expect(
      problemsOf(
        text([
          "# TYPE a gauge",
          "a 1",
          "# TYPE a gauge",
          "# HELP b one",
          "# HELP b two",
          "b 1",
          "a 2",
          "# TYPE c summary",
          'c{quantile="0.5"} 1',
          "# TYPE d flux",
        ]),
      ),
    ).toEqual([
      "3: # TYPE a comes after its samples",
      "3: second # TYPE for a",
      "5: second # HELP for b",
      "7: family a is split into more than one group",
      "7: duplicate series a{}",
      "9: c{}: c_sum is missing",
      "9: c{}: c_count is missing",
      '10: unknown type "flux" for d',
    ]);
  });

  test("rejects bad syntax with the line", () => {
    expect(
      problemsOf(
        text(["1bad 1", 'a{x="1} 1', "b{x=1} 1", "c one", 'd{x="\\q"} 1', "# TYPE e counter", "e -1"]),
      ),
    ).toEqual([
      '1: invalid metric name "1bad"',
      "2: label x's value is not terminated",
      "3: label x's value is not quoted",
      '4: value "one" of c is not a number',
      "5: label x has an invalid escape \\q",
      "7: counter e is negative (-1)",
    ]);
  });

  test("OpenMetrics: # EOF required, no blank lines, exact NaN, counters end in _total", () => {
    const om = [
      "# TYPE jobs counter",
      "jobs_total 3",
      "jobs_created 1.7e9",
      "# TYPE t gauge",
      "t NaN",
      "# EOF",
    ];
    expect(problemsOf(text(om), "openmetrics")).toEqual([]);
    expect(problemsOf(text([...om.slice(0, -1), "", "t2 Nan"]), "openmetrics")).toEqual([
      "6: empty line (OpenMetrics allows none)",
      '7: value "Nan" of t2 is not a number',
      "7: missing # EOF at the end",
    ]);
    expect(problemsOf(text(["# TYPE jobs counter", "jobs 3", "# EOF"]), "openmetrics")).toEqual([
      "2: sample jobs does not belong to counter family jobs",
    ]);
  });

  test("each problem is an error finding at its line of the named body, printed as the contract's finding line", () => {
    const parsed = parseExposition(text(["# TYPE e counter", "e -1", "e 2"]), "text", "api-1 /metrics");
    expect(parsed.findings.map(formatFinding)).toEqual([
      "api-1 /metrics:2: error exposition-format counter e is negative (-1)",
      "api-1 /metrics:3: error exposition-format duplicate series e{}",
    ]);
  });

  test("formatOf reads the Content-Type", () => {
    expect(formatOf("application/openmetrics-text; version=1.0.0; charset=utf-8")).toBe("openmetrics");
    expect(formatOf("text/plain; version=0.0.4")).toBe("text");
    expect(formatOf(null)).toBe("text");
  });
});
