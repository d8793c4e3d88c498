import { describe, expect, test } from "bun:test";
import { alert, max, metric, sum, up } from "../alerts/dsl.ts";
import {
  type AlertThreshold,
  alertThresholds,
  shapeOf,
  thresholdSteps,
  thresholdsShownBy,
} from "./thresholds.ts";

const text = { summary: "", description: "", runbook: "x", tests: [] } as const;
const hot = alert({
  name: "Hot",
  expr: max(metric("overflying_worker_gpu_temperature_celsius"), { by: ["environment", "pod"] }).gt(90),
  ...{ severity: "critical", team: "ml", ...text },
});
const down = alert({
  name: "Down",
  expr: sum(up(), { by: ["environment"] })
    .lt(1)
    .or(sum(up(), { by: ["environment"] }).eq(0)),
  ...{ severity: "warning", team: "platform", ...text },
});

describe("alertThresholds", () => {
  test("reads each ordered comparison with a non-zero number, with the rule's severity", () => {
    expect(alertThresholds([hot, down])).toEqual([
      {
        alert: "Hot",
        severity: "critical",
        op: ">",
        value: 90,
        subject: "max by (environment, pod) (overflying_worker_gpu_temperature_celsius)",
      },
      { alert: "Down", severity: "warning", op: "<", value: 1, subject: "sum by (environment) (up)" },
    ]);
  });
});

describe("thresholdsShownBy", () => {
  const [temperature] = alertThresholds([hot]) as [AlertThreshold];

  test("a panel shows the compared expression whatever its variables, windows and grouping", () => {
    expect(
      shapeOf('max by (pod) (t{environment=~"$environment", a="b", pod=~"$pod"}[$__rate_interval])'),
    ).toBe('max (t{a="b"}[])');
    const panel =
      'max by (environment, pod, gpu_id) (overflying_worker_gpu_temperature_celsius{pod=~"$pod"})';
    expect(thresholdsShownBy(panel, [temperature])).toEqual([temperature]);
    expect(thresholdsShownBy(`(${panel}) or (${panel})`, [temperature])).toEqual([temperature]);
  });

  test("a panel that computes further with it shows something else", () => {
    const panel = "max by (pod) (overflying_worker_gpu_temperature_celsius) / 100";
    expect(thresholdsShownBy(panel, [temperature])).toEqual([]);
    expect(thresholdsShownBy("avg(overflying_worker_gpu_temperature_celsius)", [temperature])).toEqual([]);
  });
});

describe("thresholdSteps", () => {
  test("green below an upper limit, the severity's colour from it; red below a lower limit", () => {
    expect(thresholdSteps(alertThresholds([hot]))).toEqual([
      { value: null, color: "green" },
      { value: 90, color: "red" },
    ]);
    expect(thresholdSteps(alertThresholds([down]))).toEqual([
      { value: null, color: "orange" },
      { value: 1, color: "green" },
    ]);
  });
});
