import { describe, expect, test } from "bun:test";
import { UsageError } from "../core/errors.ts";
import { repoRoot } from "../testing/cli.ts";
import { readSmokeSettings } from "../wiring/smoke-settings.ts";
import { smokeSource } from "./smoke-inputs.ts";

/** The smoke action's settings from its inputs ("" when unset, as @actions/core gives them). */
const settingsOf = (inputs: Record<string, string>) =>
  readSmokeSettings(
    smokeSource((name) => inputs[name] ?? "", repoRoot, {}),
    "smoke",
  );

describe("the smoke action's inputs, read as flyby smoke reads its options", () => {
  test("the inputs become the options: URLs, flags and the expectations they override", () => {
    const settings = settingsOf({
      "prometheus-url": "http://127.0.0.1:9090",
      "grafana-url": "http://127.0.0.1:3000",
      gpus: "2",
      dcgm: "true",
      timeout: "45s",
    });
    const { check, clusters } = settings.request("staging");
    expect(clusters).toEqual([{ cluster: "", access: { kind: "url", url: "http://127.0.0.1:9090" } }]);
    expect(check.grafanaUrl).toBe("http://127.0.0.1:3000");
    expect([check.expectations.gpusPerWorker, check.expectations.dcgm, check.timeout.toString()]).toEqual([
      2,
      true,
      "45s",
    ]);
  });

  test("an empty timeout takes the smoke checks' default", () => {
    expect(settingsOf({ "via-cluster": "true" }).request("staging").check.timeout.toString()).toBe("3m");
  });

  test("gke: env with a prometheus-url is refused as flyby smoke and the releases refuse it", () => {
    expect(() => settingsOf({ "prometheus-url": "http://127.0.0.1:9090", gke: "env" })).toThrow(
      new UsageError(
        "gke env reaches each cluster's Prometheus through that cluster's API server: give via-cluster, not prometheus-url",
      ),
    );
  });

  test.each([
    [
      'gke takes "env" here (every cluster of the environment), not "projects/p"',
      { "via-cluster": "true", gke: "projects/p" },
    ],
    ["gke env does not go with context", { "via-cluster": "true", gke: "env", context: "east" }],
    ['"two" is not a whole number (at gpus)', { "prometheus-url": "http://h", gpus: "two" }],
    [
      'scrape-interval "often" is not a duration',
      { "prometheus-url": "http://h", "scrape-interval": "often" },
    ],
    [
      "ftp: is not http: or https: (at grafana-url)",
      { "prometheus-url": "http://h", "grafana-url": "ftp://g" },
    ],
  ])("the message names the input: %s", (message, inputs: Record<string, string>) => {
    expect(() => settingsOf(inputs)).toThrow(message);
  });
});
