import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { formatFinding } from "../finding.ts";
import { formatLocation } from "../location.ts";
import { checkDashboard, checkQuery } from "./dashboard-policy.ts";
import { dashboardQueries, readQuery, substituteGrafanaVariables } from "./dashboard-queries.ts";

const dir = join(import.meta.dir, "../../../manifests/dashboards");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();
const texts = new Map(files.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
const textOf = (file: string): string => texts.get(file) ?? "";

interface Dashboard {
  uid: string;
  title: string;
}
const dashboards = new Map(files.map((f) => [f, JSON.parse(textOf(f)) as Dashboard]));

/** A minimal dashboard around the given panel expressions. */
const dashboardWith = (...exprs: string[]): string =>
  JSON.stringify(
    {
      title: "t",
      panels: [
        {
          type: "row",
          title: "r",
          panels: exprs.map((expr, i) => ({ title: `p${i}`, targets: [{ refId: "A", expr }] })),
        },
      ],
    },
    null,
    2,
  );

describe("shipped dashboards", () => {
  test("are the three expected dashboards with exact titles and unique uids", () => {
    const byUid = Object.fromEntries([...dashboards.values()].map((d) => [d.uid, d.title]));
    expect(byUid).toEqual({
      "overflying-api-detailed": "Overflying API - Detailed Metrics",
      "overflying-worker-detailed": "Overflying Worker - Detailed Metrics",
      "overflying-overview": "Overflying Overview",
    });
    expect(Object.keys(byUid)).toHaveLength(files.length);
    expect(files).toEqual(["api-detailed.json", "overview.json", "worker-detailed.json"]);
  });

  for (const file of files) {
    const dashboard = dashboards.get(file) as Dashboard;

    test(`${file}: every query parses and uses only catalog metrics and labels`, () => {
      const queries = dashboardQueries(dashboard);
      expect(queries.filter((q) => q.kind === "panel").length).toBeGreaterThan(3);
      expect(checkDashboard(textOf(file), `manifests/dashboards/${file}`).map(formatFinding)).toEqual([]);
    });

    test(`${file}: every selector filters by the $environment variable`, () => {
      for (const query of dashboardQueries(dashboard).filter((q) => q.kind === "panel")) {
        const selectors = query.expr.match(/\b[a-z_:][a-z0-9_:]*\{[^}]*\}/g) ?? [];
        expect(selectors.length).toBeGreaterThan(0);
        for (const selector of selectors) expect(selector).toContain('environment=~"$environment"');
      }
    });
  }

  test("a collapsed row's panels are checked too", () => {
    const api = dashboards.get("api-detailed.json") as Dashboard;
    const nested = dashboardQueries(api).filter((q) => /^panels\[\d+\]\.panels\[/.test(q.path));
    expect(nested.map((q) => q.expr)).toContain(
      'sum by (environment, pod) (process_resident_memory_bytes{service="api", environment=~"$environment", namespace=~"$namespace", pod=~"$pod"})',
    );
  });

  test("the worker dashboard reads the job histogram under its catalog name", () => {
    const exprs = dashboardQueries(dashboards.get("worker-detailed.json")).map((q) => q.expr);
    expect(exprs.some((e) => e.includes("overflying_worker_job_execution_time_seconds_bucket"))).toBeTrue();
    expect(exprs.some((e) => e.includes("overflying_worker_job_execution_time_bucket"))).toBeFalse();
  });
});

describe("substituteGrafanaVariables", () => {
  test("turns interval variables into durations and others into words or numbers", () => {
    expect(
      substituteGrafanaVariables(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own ${var} syntax
        'topk($n, rate(x{env="$environment", a="${a:regex}", b="[[b]]"}[$__rate_interval])) > ${limit}',
      ),
    ).toBe('topk(1, rate(x{env="grafana", a="grafana", b="grafana"}[5m])) > 1');
    expect(substituteGrafanaVariables("increase(x[$__range]) / $__interval_ms")).toBe("increase(x[5m]) / 1");
  });

  test("leaves escaped quotes inside strings alone", () => {
    expect(substituteGrafanaVariables('x{a="q\\"$v"}')).toBe('x{a="q\\"grafana"}');
  });
});

describe("readQuery", () => {
  test("names the series and labels a query reads, Grafana variables and all, with no judgement", () => {
    const read = readQuery(
      'sum by (pod) (rate(no_such_series{environment="$environment"}[$__rate_interval]))',
    );
    expect(read.syntaxErrorAt).toBeUndefined();
    expect(read.selectors.map((s) => [s.name, s.matcherLabels])).toEqual([
      ["no_such_series", ["environment"]],
    ]);
    expect(read.groupingLabels).toEqual(["pod"]);
  });
});

describe("checkDashboard catches bad queries", () => {
  test("GIVEN the seed's execution-time query WHEN checked THEN the unknown series is named, with the catalog name as a hint", () => {
    const text = dashboardWith(
      'histogram_quantile(0.95, sum by (le) (rate(overflying_worker_job_execution_time_bucket{environment="$environment"}[$__rate_interval])))',
    );
    const findings = checkDashboard(text, "d.json");
    expect(findings).toHaveLength(1);
    expect(findings[0]?.rule).toBe("dashboard-unknown-metric");
    expect(findings[0]?.message).toContain('"overflying_worker_job_execution_time_bucket"');
    expect(findings[0]?.message).toContain("panels[0].panels[0].targets[0].expr");
    expect(findings[0]?.hint).toBe('did you mean "overflying_worker_job_execution_time_seconds_bucket"?');
    expect(findings[0]?.location).toEqual({ file: "d.json", line: 13, column: 23 });
  });

  test("an unknown label in matchers or grouping is an error naming the label", () => {
    const findings = checkDashboard(
      dashboardWith(
        'sum(rate(http_server_requests_total{environment="$environment", handler="/x"}[5m]))',
        'sum by (gpu_id) (rate(http_server_requests_total{environment="$environment"}[5m]))',
        'sum(overflying_jobs_total{environment="$environment", le="1"})',
      ),
      "d.json",
    );
    expect(findings.map((f) => [f.rule, f.location?.line])).toEqual([
      ["dashboard-unknown-label", 13],
      ["dashboard-unknown-label", 22],
      ["dashboard-unknown-label", 31],
    ]);
    expect(findings[0]?.message).toContain('label "handler"');
    expect(findings[1]?.message).toContain('label "gpu_id" in a by/without/on clause');
    expect(findings[2]?.message).toContain('label "le"');
  });

  test("high-cardinality labels are refused, in matchers and in grouping", () => {
    const problems = checkQuery(
      'sum by (user_id) (rate(overflying_jobs_created_total{environment="x", session_id!=""}[5m]))',
      { requireEnvironment: true },
    );
    expect(problems.map((p) => [p.rule, p.message])).toEqual([
      [
        "dashboard-high-cardinality-label",
        'label "session_id" in the matchers of "overflying_jobs_created_total" is high-cardinality and is dropped at scrape time',
      ],
      [
        "dashboard-high-cardinality-label",
        'label "user_id" in a by/without/on clause is high-cardinality and is dropped at scrape time',
      ],
    ]);
  });

  test("a syntax error is reported once, at the query's line", () => {
    const findings = checkDashboard(dashboardWith('sum(rate(up{environment="$environment"}[5m])'), "d.json");
    expect(findings.map((f) => [f.rule, f.location?.line])).toEqual([["dashboard-promql-syntax", 13]]);
  });

  test("a selector without an environment filter is a warning; le needs a bucket series", () => {
    expect(
      checkQuery("sum by (le) (rate(db_query_duration_seconds_count[5m]))", { requireEnvironment: true }),
    ).toMatchInlineSnapshot(`
      [
        {
          "hint": "add environment="$environment" to its matchers",
          "message": ""db_query_duration_seconds_count" is not filtered by environment",
          "rule": "dashboard-environment-filter",
          "severity": "warning",
        },
        {
          "hint": "allowed here: environment, instance, job, namespace, operation, pod, service",
          "message": "label "le" in a by/without/on clause is neither a target label nor a label of the metric",
          "rule": "dashboard-unknown-label",
          "severity": "error",
        },
      ]
    `);
  });

  test("variable queries are checked too, without the environment requirement", () => {
    const text = JSON.stringify({
      templating: {
        list: [
          { type: "query", name: "ok", query: { query: "label_values(up, environment)" } },
          { type: "query", name: "bad", query: "label_values(overflying_jobs_total, route)" },
          { type: "query", name: "top", query: "query_result(topk(3, overflying_worker_gpu_temp))" },
          { type: "custom", name: "skipped", query: "a,b" },
        ],
      },
    });
    const findings = checkDashboard(text, "v.json");
    expect(findings.map((f) => [formatLocation(f.location ?? { file: "" }), f.message])).toEqual([
      [
        `v.json:1:${text.indexOf('"label_values(overflying_jobs_total') + 1}`,
        'variable "bad" (templating.list[1].query): label "route" in a by/without/on clause is neither a target label nor a label of the metric',
      ],
      [
        `v.json:1:${text.indexOf('"query_result(') + 1}`,
        'variable "top" (templating.list[2].query): series "overflying_worker_gpu_temp" is not in the metric catalog',
      ],
    ]);
  });

  test("a file that is not JSON is bad input naming the line and column", () => {
    const cases: [string, string][] = [
      ['{\n  "title": "x",\n  oops\n}', "3:3"],
      ['{\n  "panels": [1, 2,]\n}', "2:19"],
      ['{\n  "title": "unterminated\n}', "2:25"],
      ['{"a": 1}\n{"b": 2}', "2:1"],
      ['{"a": tru}', "1:7"],
    ];
    for (const [text, position] of cases) {
      expect(() => checkDashboard(text, "broken.json")).toThrow(
        new RegExp(`^broken\\.json:${position}: dashboard is not valid JSON`),
      );
    }
    expect(() => checkDashboard("{", "broken.json")).toThrow(InputError);
    expect(() => checkDashboard("[]", "list.json")).toThrow("list.json: a dashboard must be a JSON object");
  });
});
