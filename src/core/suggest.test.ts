import { describe, expect, test } from "bun:test";
import { closestMatch, didYouMean } from "./suggest.ts";

describe("did you mean", () => {
  test("a typo finds the word it meant; a far word finds nothing", () => {
    const commands = ["render", "validate", "diff", "plan", "apply", "promote"];
    expect(closestMatch("rendr", commands)).toBe("render");
    expect(closestMatch("promot", commands)).toBe("promote");
    expect(closestMatch("dif", commands)).toBe("diff");
    expect(closestMatch("kubectl", commands)).toBeUndefined();
    expect(didYouMean("stagign", ["staging", "production"])).toBe(' (did you mean "staging"?)');
    expect(didYouMean("qa", ["staging", "production"])).toBe("");
  });

  test("a unique prefix counts as meant", () => {
    expect(closestMatch("prod", ["staging", "production"])).toBe("production");
    expect(closestMatch("p", ["plan", "promote"])).toBeUndefined();
  });
});
