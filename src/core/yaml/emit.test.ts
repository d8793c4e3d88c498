import { describe, expect, test } from "bun:test";
import { parse as yamlParse } from "yaml";
import { emitConfigFile, emitDocument, emitDocuments } from "./emit.ts";

const tricky = [
  "",
  " lead",
  "trail ",
  "yes",
  "No",
  "on",
  "null",
  "~",
  "true",
  "1e3",
  "0x1F",
  "0o17",
  "012",
  "1_000",
  ".5",
  ".inf",
  "-1",
  "+1",
  "1.0",
  "2026-11-24",
  "12:30",
  "a: b",
  "a:",
  "a #b",
  "#c",
  "- x",
  "[x]",
  "{x}",
  "*ref",
  "&anchor",
  "!tag",
  "%dir",
  "@at",
  "`tick",
  '"quoted"',
  "'single'",
  "x'y",
  "tab\there",
  "cr\rhere",
  "multi\nline\n",
  "multi\nno-newline",
  "many\n\n\n",
  "\n\nleading newlines",
  "  indented first\nsecond\n",
  "unicode ✅ é",
  "100m",
  "128Mi",
  "15d",
  "1h30m",
  "10GB",
  "8000",
  "ghcr.io/org/app:1.2.3",
  "repo@sha256:abc",
  "http://x:9090/metrics",
  "=x",
  "?q",
  "|pipe",
  ">gt",
  "<<",
];

describe("emitDocument", () => {
  test("puts apiVersion, kind and metadata first, then sorts every key", () => {
    const text = emitDocument({
      spec: { z: 1, a: 2 },
      metadata: { name: "x" },
      kind: "K",
      apiVersion: "v1",
      data: {},
    });
    expect(text).toBe("apiVersion: v1\nkind: K\nmetadata:\n  name: x\ndata: {}\nspec:\n  a: 2\n  z: 1\n");
  });

  test("every tricky string reads back as itself with Bun.YAML and the yaml package", () => {
    for (const s of tricky) {
      const doc = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "x" },
        data: { k: s, [s || "empty"]: "key" },
      };
      const text = emitDocument(doc);
      expect({ s, back: Bun.YAML.parse(text) }).toEqual({ s, back: doc });
      expect({ s, back: yamlParse(text) }).toEqual({ s, back: doc });
    }
  });

  test("nested sequences, empty collections and scalars round-trip", () => {
    const doc = {
      apiVersion: "v1",
      kind: "List",
      metadata: { name: "n" },
      items: [[1, [2, []]], {}, { a: [{ b: null, c: true, d: 1.5 }] }, "s", null, -3],
      empty: [],
    };
    const text = emitDocument(doc);
    expect(Bun.YAML.parse(text)).toEqual(doc);
    expect(yamlParse(text)).toEqual(doc);
  });

  test("multi-line strings become literal blocks", () => {
    const text = emitDocument({ data: { "prometheus.yml": "global:\n  scrape_interval: 15s\n" } });
    expect(text).toBe("data:\n  prometheus.yml: |\n    global:\n      scrape_interval: 15s\n");
  });

  test("documents are separated by ---", () => {
    expect(emitDocuments([{ a: 1 }, { b: 2 }])).toBe("a: 1\n---\nb: 2\n");
  });
});

const trickyConfig = {
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

describe("emitConfigFile", () => {
  test("round-trips through a YAML 1.2 reader and a YAML 1.1 reader (Go's yaml.v2 dialect)", () => {
    const text = emitConfigFile(trickyConfig);
    expect(Bun.YAML.parse(text)).toEqual(trickyConfig);
    expect(yamlParse(text, { version: "1.1" })).toEqual(trickyConfig);
    expect(yamlParse(text)).toEqual(trickyConfig);
  });

  test("multi-line text becomes a literal block", () => {
    expect(emitConfigFile({ data: { "a.yaml": "groups:\n  - name: x\n" } })).toBe(
      "data:\n  a.yaml: |\n    groups:\n      - name: x\n",
    );
  });

  test("keeps the keys in the order written and leaves out missing values; documents sort them", () => {
    const value = { kind: "K", b: 1, a: { d: undefined, c: 2 } };
    expect(emitConfigFile(value)).toBe("kind: K\nb: 1\na:\n  c: 2\n");
    expect(emitDocument({ b: 1, kind: "K", a: { c: 2 } })).toBe("kind: K\na:\n  c: 2\nb: 1\n");
  });

  test("leaves plain only names, URLs and durations, where documents also leave words plain", () => {
    expect(emitConfigFile({ s: "API is down", r: "env:slo:ratio", d: "0s" })).toBe(
      's: "API is down"\nr: "env:slo:ratio"\nd: 0s\n',
    );
    expect(emitDocument({ s: "API is down", r: "env:slo:ratio", d: "0s" })).toBe(
      'd: "0s"\nr: env:slo:ratio\ns: API is down\n',
    );
  });
});
