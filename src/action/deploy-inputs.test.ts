import { describe, expect, test } from "bun:test";
import { deployOptionsFromInputs } from "./deploy-inputs.ts";

describe("the deploy action's inputs", () => {
  test("map onto the command's options", () => {
    const inputs: Record<string, string> = {
      environment: "staging",
      target: "cluster",
      gke: "env",
      prune: "true",
      wait: "true",
      timeout: "10m",
      "dry-run": "false",
      "force-conflicts": "false",
      "allow-destructive": "Namespace/old\nPersistentVolumeClaim/staging/data",
    };
    const core = {
      getInput: (n: string) => inputs[n] ?? "",
      getBooleanInput: (n: string) => inputs[n] === "true",
      getMultilineInput: (n: string) => (inputs[n] ?? "").split("\n").filter(Boolean),
    };
    const options = deployOptionsFromInputs(core, "/work/repo");
    expect(options).toMatchObject({
      env: "staging",
      target: "cluster",
      gke: ["env"],
      prune: true,
      wait: true,
      dryRun: false,
      concurrency: 32,
      allowDestructive: ["Namespace/old", "PersistentVolumeClaim/staging/data"],
    });
    expect(options.timeout.toString()).toBe("10m");
  });
});
