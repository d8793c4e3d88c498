import { describe, expect, test } from "bun:test";
import { scopeQuery, withRange } from "./scope.ts";

describe("scopeQuery", () => {
  test("filters every selector by the variables whose label its series carries", () => {
    expect(
      scopeQuery(
        'max by (environment) (overflying_worker_gpu_temperature_celsius) / sum(rate(http_server_requests_total{status=~"5.."}[5m]))',
        ["environment", "gpu_id"],
      ),
    ).toBe(
      'max by (environment) (overflying_worker_gpu_temperature_celsius{environment=~"$environment", gpu_id=~"$gpu_id"}) / sum(rate(http_server_requests_total{status=~"5..", environment=~"$environment"}[5m]))',
    );
  });

  test("reads Grafana's interval variables as windows", () => {
    expect(scopeQuery("rate(up[$__rate_interval])", ["pod"])).toBe('rate(up{pod=~"$pod"}[$__rate_interval])');
  });

  test("keeps a pinned label and adds the variable beside it; empty braces stay valid", () => {
    expect(scopeQuery('up{environment="staging"} + up{}', ["environment"])).toBe(
      'up{environment="staging", environment=~"$environment"} + up{environment=~"$environment"}',
    );
  });

  test("a query that does not parse is refused with the query in the message", () => {
    expect(() => scopeQuery("sum(up", ["pod"])).toThrow("panel query does not parse near offset");
  });
});

describe("withRange", () => {
  test("replaces every range window", () => {
    expect(withRange("sum(rate(a[3d])) / sum(rate(b[3d]))", "30d")).toBe(
      "sum(rate(a[30d])) / sum(rate(b[30d]))",
    );
  });
});
