import { describe, expect, test } from "bun:test";
import { deployment } from "../testing/apply/objects.ts";
import { containedIn, isUnchanged, quantityValue, withAppliedHash } from "./compare.ts";

describe("compare before write", () => {
  test("fields the server adds do not count; fields flyby sets do", () => {
    const want = { spec: { ports: [{ port: 80 }], replicas: 2 } };
    expect(
      containedIn(want, { spec: { ports: [{ port: 80, protocol: "TCP" }], replicas: 2, extra: 1 } }),
    ).toBe(true);
    expect(containedIn(want, { spec: { ports: [{ port: 80 }], replicas: 3 } })).toBe(false);
    expect(containedIn(want, { spec: { ports: [{ port: 80 }, { port: 81 }], replicas: 2 } })).toBe(false);
  });

  test("quantities compare by value, as the server canonicalizes them", () => {
    expect(quantityValue("500m")).toBe(0.5);
    expect(quantityValue("1Gi")).toBe(1073741824);
    expect(quantityValue("1e3")).toBe(1000);
    expect(quantityValue("nginx")).toBeUndefined();
    expect(containedIn({ cpu: "1000m", memory: "1024Mi" }, { cpu: "1", memory: "1Gi" })).toBe(true);
    expect(containedIn({ cpu: "1500m" }, { cpu: "1" })).toBe(false);
  });

  test("a field removed from the templates is a change, though the live object still contains the rest", () => {
    const before = withAppliedHash(deployment("staging", "api", 2));
    const live = { ...before, status: { replicas: 2 } };
    expect(isUnchanged(before, live)).toBe(true);
    const { replicas: _dropped, ...spec } = before.spec as Record<string, unknown>;
    const after = withAppliedHash({ ...deployment("staging", "api"), spec });
    expect(containedIn(after, live)).toBe(false);
    expect(isUnchanged(after, live)).toBe(false);
    expect(isUnchanged(before, undefined)).toBe(false);
  });
});
