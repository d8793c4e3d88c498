import { describe, expect, test } from "bun:test";
import { colorWanted, paint } from "./color.ts";

describe("colorWanted", () => {
  const cases: [env: Record<string, string>, tty: boolean, wanted: boolean][] = [
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: "1" }, true, false],
    [{ NO_COLOR: "" }, true, true],
    [{ NO_COLOR: "" }, false, false],
    [{ FORCE_COLOR: "1" }, false, true],
    [{ FORCE_COLOR: "true" }, false, true],
    [{ FORCE_COLOR: "3" }, false, true],
    [{ FORCE_COLOR: "" }, false, false],
    [{ FORCE_COLOR: "" }, true, true],
    [{ FORCE_COLOR: "0" }, true, false],
    [{ FORCE_COLOR: "false" }, true, false],
    [{ NO_COLOR: "1", FORCE_COLOR: "1" }, true, false],
    [{ NO_COLOR: "1", FORCE_COLOR: "1" }, false, false],
    [{ NO_COLOR: "", FORCE_COLOR: "1" }, false, true],
  ];
  for (const [env, tty, wanted] of cases) {
    test(`${JSON.stringify(env)} on ${tty ? "a TTY" : "a pipe"}: colour ${wanted ? "on" : "off"}`, () => {
      expect(colorWanted(env, tty)).toBe(wanted);
    });
  }
});

describe("paint", () => {
  test("wraps the text in the colour's code and a reset when on, and leaves it alone when off", () => {
    expect(paint(true, "green", "ok")).toBe("\u001b[32mok\u001b[0m");
    expect(paint(true, "cyan", "@@")).toBe("\u001b[36m@@\u001b[0m");
    expect(paint(true, "dim", "hint")).toBe("\u001b[2mhint\u001b[0m");
    expect(paint(false, "red", "bad")).toBe("bad");
  });
});
