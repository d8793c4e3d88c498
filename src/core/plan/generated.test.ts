import { describe, expect, test } from "bun:test";
import { formatFinding } from "../finding.ts";
import { staleGeneratedFiles } from "./generated.ts";

const file = {
  path: "manifests/templates/observability/alerting.generated.yaml",
  regenerate: "bun run flyby alerts build",
  sources: "alerts/ and manifests/values/",
};

describe("staleGeneratedFiles", () => {
  test("GIVEN the committed file is what the generator writes THEN no finding", () => {
    expect(staleGeneratedFiles([{ ...file, expected: "a\nb\n", actual: "a\nb\n" }])).toEqual([]);
  });

  test("GIVEN a committed file that differs THEN an error naming the file and the first different line", () => {
    const [f] = staleGeneratedFiles([{ ...file, expected: "a\nb: 90\nc\n", actual: "a\nb: 85\nc\n" }]);
    expect(f && formatFinding(f)).toBe(
      "manifests/templates/observability/alerting.generated.yaml:2: error generated-stale manifests/templates/observability/alerting.generated.yaml differs from what alerts/ and manifests/values/ generate today",
    );
    expect(f?.hint).toBe("run `bun run flyby alerts build` and commit the result");
  });

  test("GIVEN the file is missing THEN an error says so", () => {
    const [f] = staleGeneratedFiles([{ ...file, expected: "a\n", actual: undefined }]);
    expect(f?.message).toContain("alerting.generated.yaml is missing");
  });
});
