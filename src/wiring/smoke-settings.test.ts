import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../core/errors.ts";
import type { OptionValues } from "../core/options.ts";
import { scratchRepo } from "../testing/cli.ts";
import { useContexts } from "../testing/environments.ts";
import { oneUrlForManyClusters, readSmokeSettings, type SmokeReader } from "./smoke-settings.ts";

/** A scratch repository whose staging runs on two kube contexts, east and west. */
let repo: string;
beforeAll(() => {
  repo = scratchRepo();
  useContexts(repo, "staging", ["east", "west"]);
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const url = "http://127.0.0.1:9090";
const read = (options: OptionValues, reader: SmokeReader = "smoke", spell?: (o: string) => string) =>
  readSmokeSettings({ options, workDir: repo, cwd: repo, env: {}, ...(spell ? { spell } : {}) }, reader);

describe("which clusters a smoke run checks", () => {
  test("without --gke: the one Prometheus given, unnamed", () => {
    const settings = read({ prometheus: url });
    expect(settings.everyCluster).toBe(false);
    expect(settings.request("staging").clusters).toEqual([{ cluster: "", access: { kind: "url", url } }]);
  });

  test("--gke env with --via-cluster: every cluster, each through its own context of the same kubeconfig", () => {
    const settings = read({ "via-cluster": true, kubeconfig: "kc.yaml", gke: ["env"] });
    const kubeconfig = join(repo, "kc.yaml");
    expect(settings.everyCluster).toBe(true);
    expect(settings.request("staging").clusters).toEqual([
      { cluster: "east", access: { kind: "cluster", kubeconfig, context: "east" } },
      { cluster: "west", access: { kind: "cluster", kubeconfig, context: "west" } },
    ]);
  });

  test.each(["smoke", "release"] as const)(
    "%s: --gke env with a Prometheus URL is bad input: one URL cannot stand for several clusters",
    (reader) => {
      expect(() => read({ prometheus: url, gke: ["env"] }, reader)).toThrow(
        new UsageError(oneUrlForManyClusters()),
      );
    },
  );

  test("--gke env does not go with --context: each cluster has its own", () => {
    expect(() => read({ "via-cluster": true, context: "east", gke: "env" })).toThrow(
      new UsageError("--gke env does not go with --context"),
    );
  });

  test("smoke takes only --gke env; a release also applies to GKE clusters by path and smoke-checks the Prometheus given", () => {
    const path = "projects/p/locations/l/clusters/c";
    expect(() => read({ prometheus: url, gke: [path] })).toThrow(
      `--gke takes "env" here (every cluster of the environment), not "${path}"`,
    );
    expect(read({ prometheus: url, gke: [path] }, "release").request("staging").clusters).toEqual([
      { cluster: "", access: { kind: "url", url } },
    ]);
  });
});

describe("what a smoke run expects and for how long", () => {
  test("without a timeout, the smoke checks' default (3m): --timeout for smoke, --smoke-timeout for a release", () => {
    expect(read({ prometheus: url }).request("staging").check.timeout.toString()).toBe("3m");
    expect(read({ prometheus: url }, "release").request("staging").check.timeout.toString()).toBe("3m");
    const given = read({ prometheus: url, timeout: "9m", "smoke-timeout": "20s" }, "release");
    expect(given.request("staging").check.timeout.toString()).toBe("20s");
  });

  test("the expectations come from the environment's manifests, with the options over them", () => {
    const fromValues = read({ prometheus: url }).request("staging").check.expectations;
    expect([fromValues.scrapeInterval.toString(), fromValues.gpusPerWorker, fromValues.dcgm]).toEqual([
      "15s",
      1,
      false,
    ]);
    const given = read({
      prometheus: url,
      "scrape-interval": "1s",
      gpus: "4",
      dcgm: true,
      grafana: "http://grafana:3000",
    }).request("staging");
    expect(given.check.expectations).toEqual({
      ...fromValues,
      scrapeInterval: given.check.expectations.scrapeInterval,
      gpusPerWorker: 4,
      dcgm: true,
    });
    expect(given.check.expectations.scrapeInterval.toString()).toBe("1s");
    expect(given.check.grafanaUrl).toBe("http://grafana:3000");
  });

  test("messages name the option as the edge spells it", () => {
    expect(() => read({ prometheus: url, gpus: "two" })).toThrow('"two" is not a whole number (at --gpus)');
    const asInputs = (option: string) => (option === "grafana" ? "grafana-url" : option);
    expect(() => read({ prometheus: url, gpus: "two" }, "smoke", asInputs)).toThrow(
      '"two" is not a whole number (at gpus)',
    );
    expect(() => read({ prometheus: url, grafana: "ftp://g" }, "smoke", asInputs)).toThrow(
      "ftp: is not http: or https: (at grafana-url)",
    );
    expect(() => read({ prometheus: url, timeout: "0" }, "smoke", asInputs)).toThrow(
      "timeout must be longer than 0s",
    );
  });

  test("an unknown environment is named when its run is asked for", () => {
    expect(() => read({ prometheus: url }).request("qa")).toThrow('unknown environment "qa"');
  });
});
