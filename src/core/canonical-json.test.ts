import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { compactCanonicalJson, sortKeys } from "./canonical-json.ts";

// sortKeys' copy loses an own `__proto__` key (the assignment sets the prototype); the direct
// text keeps it. No Kubernetes object has one, so the property leaves that key out.
const withoutProtoKey = (v: unknown) => !JSON.stringify(v).includes('"__proto__"');

describe("canonical JSON", () => {
  test("GIVEN any JSON value THEN the direct text equals JSON.stringify of the sorted copy", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        fc.pre(withoutProtoKey(v));
        expect(compactCanonicalJson(v)).toBe(JSON.stringify(sortKeys(v)));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.object({ values: [fc.constant(undefined), fc.integer(), fc.string(), fc.constant(null)] }),
        (v) => {
          fc.pre(withoutProtoKey(v));
          expect(compactCanonicalJson(v)).toBe(JSON.stringify(sortKeys(v)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("GIVEN undefined and functions inside THEN they are left out of objects and null in arrays, as JSON.stringify does", () => {
    const v = { b: undefined, a: [undefined, () => 1, 1], c: { toJSON: () => ({ z: 1, y: 2 }) }, d: -0 };
    expect(compactCanonicalJson(v)).toBe(JSON.stringify(sortKeys(v)));
    expect(compactCanonicalJson(v)).toBe('{"a":[null,null,1],"c":{"z":1,"y":2},"d":0}');
  });

  test("GIVEN index-like keys THEN they come first in numeric order, as in any JavaScript object", () => {
    const v = { b: 1, "10": 2, "": 3, "2": 4, "01": 5 };
    expect(compactCanonicalJson(v)).toBe('{"2":4,"10":2,"":3,"01":5,"b":1}');
    expect(compactCanonicalJson(v)).toBe(JSON.stringify(sortKeys(v)));
  });

  test("GIVEN keys that differ only in order THEN the texts are equal", () => {
    expect(compactCanonicalJson({ b: 1, a: { d: 2, c: [3] } })).toBe(
      compactCanonicalJson({ a: { c: [3], d: 2 }, b: 1 }),
    );
  });
});
