import { describe, expect, test } from "bun:test";
import { findDuplicateKey } from "./duplicate-keys.ts";

const scan = (text: string) => findDuplicateKey(text.split("\n"));

describe("findDuplicateKey", () => {
  test("finds a key repeated in the same mapping", () => {
    expect(scan("a: 1\nb:\n  c: 1\n  c: 2\n")).toEqual({ key: "c", line: 3, firstLine: 2 });
  });

  test("the same key in sibling mappings or sequence items is fine", () => {
    expect(
      scan("a:\n  name: x\nb:\n  name: y\nlist:\n  - name: a\n    port: 1\n  - name: b\n    port: 2\n"),
    ).toBeUndefined();
  });

  test("finds a repeat inside one sequence item", () => {
    expect(scan("list:\n  - name: a\n    name: b\n")?.key).toBe("name");
  });

  test("quoted keys are compared by value", () => {
    expect(scan('m:\n  "a.b": 1\n  a.b: 2\n')?.key).toBe("a.b");
  });

  test("block scalar content is not read as keys", () => {
    expect(scan("data:\n  f: |\n    x: 1\n    x: 2\n  g: 1\n")).toBeUndefined();
    expect(scan("data:\n  f: |\n    x: 1\n  f: 2\n")?.key).toBe("f");
  });

  test("top-level keys after nested ones are checked", () => {
    expect(scan("a:\n  b: 1\nc: 2\na: 3\n")).toEqual({ key: "a", line: 3, firstLine: 0 });
  });
});
