import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { repoRoot } from "../../testing/cli.ts";
import { InputError } from "../errors.ts";
import { parseSize, stackFacts } from "./stack.ts";

const repo = loadManifestTree(join(repoRoot, "manifests"));

describe("stackFacts", () => {
  test("GIVEN the repository's values THEN each environment's receiver and GPU, and the shared Prometheus", () => {
    const stack = stackFacts(repo);
    expect(stack.environments.map((e) => e.name).sort()).toEqual(["production", "staging"]);
    for (const env of stack.environments) {
      expect(env.receiverUrl).toMatch(/^https:\/\/.+\/alertmanager$/);
      expect(env.receiverUrl).not.toContain(".svc");
      // common.yaml deploys H100 80GB GPUs.
      expect(env.gpu.memoryBytes).toBe(80 * 2 ** 30);
    }
    expect(stack.observability).toMatchObject({
      environment: "production",
      namespace: "observability",
      retentionSizeBytes: 10 * 2 ** 30,
    });
    expect(stack.observability.scrapeInterval.toString()).toBe("15s");
  });

  test("GIVEN an environment without alerting.receiverUrl THEN bad input naming its values file and the field", () => {
    const files = new Map(repo.files);
    files.set(
      "values/staging.yaml",
      (files.get("values/staging.yaml") as string).replace(/^alerting:\n.*\n/m, ""),
    );
    let error: unknown;
    try {
      stackFacts({ ...repo, files });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      'manifests/values/staging.yaml: environment "staging" sets no alerting.receiverUrl: its alerts would go nowhere (set it to the edge receiver\'s /alertmanager URL) (at alerting.receiverUrl)',
    );
  });

  test("sizes read as Prometheus reads them", () => {
    expect(parseSize("10GB")).toBe(10 * 2 ** 30);
    expect(parseSize("512MB")).toBe(512 * 2 ** 20);
    expect(() => parseSize("10G")).toThrow(/not a size/);
  });
});
