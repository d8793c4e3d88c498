import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { toYaml } from "./yaml.ts";

const tricky = {
  plain: "GpuOverheating",
  words: ["yes", "no", "on", "off", "y", "n", "true", "null", "Yes"],
  numbers: ["1", "0.5", "1e5", "0x10", "09:00", "+Inf", "-1"],
  durations: ["5m", "1h30m", "250ms"],
  punctuation: [
    "/etc/x",
    "/",
    "a: b",
    "#x",
    "x #y",
    "- item",
    "{{ $value }}",
    "[a]",
    "&anchor",
    "*alias",
    "!tag",
    "%p",
    "@at",
    "`tick`",
  ],
  space: [" lead", "trail ", "", " "],
  text: [
    "line1\nline2\n",
    "line1\nline2",
    "a\n\nb\n",
    "ends\n\n",
    "\nstarts",
    "  indented\nx\n",
    "tab\there",
  ],
  unicode: "95 °C — ok",
  url: "https://github.com/overflying/runbooks/blob/main/gpu/overheating",
  "app.kubernetes.io/name": "x",
  "key with space": 1,
  nested: [[1, 2], [], {}, { a: [{ b: "c" }] }],
  values: [0, 1.5, -2, true, false, null],
};

describe("toYaml", () => {
  test("round-trips through a YAML 1.2 reader and a YAML 1.1 reader (Go's yaml.v2 dialect)", () => {
    const text = toYaml(tricky);
    expect(Bun.YAML.parse(text)).toEqual(tricky);
    expect(parse(text, { version: "1.1" })).toEqual(tricky);
    expect(parse(text)).toEqual(tricky);
  });

  test("multi-line text becomes a literal block", () => {
    expect(toYaml({ data: { "a.yaml": "groups:\n  - name: x\n" } })).toBe(
      "data:\n  a.yaml: |\n    groups:\n      - name: x\n",
    );
  });
});
