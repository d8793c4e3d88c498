import { describe, expect, test } from "bun:test";
import { mermaidTimeline, type TimelineEntry, timelineDepth, Verdict } from "./deployment-timeline.ts";

const entry = (id: number, overrides: Partial<TimelineEntry> = {}): TimelineEntry => ({
  id,
  at: `2026-11-${String(10 + id).padStart(2, "0")}T09:0${id % 10}:00Z`,
  kind: "deploy",
  version: "0123456",
  bundle: `${id}`.repeat(64).slice(0, 64),
  verdict: Verdict.Success,
  ...overrides,
});

describe("the deployment timeline", () => {
  test("GIVEN deployments of two environments THEN one section each, oldest first, verdict first", () => {
    const text = mermaidTimeline(
      "Release v1.1.0",
      new Map([
        ["staging", [entry(2, { verdict: Verdict.Failure }), entry(1)]],
        [
          "production",
          [
            entry(5, { kind: "rollback", version: "v1.0.0" }),
            entry(4, { kind: "promote", version: "v1.1.0", verdict: Verdict.RolledBack }),
            entry(3, { kind: "promote", version: "v1.0.0", verdict: Verdict.InProgress }),
          ],
        ],
      ]),
    );
    expect(text).toBe(
      [
        "```mermaid",
        "timeline",
        "  title Release v1.1.0",
        "  section staging",
        "    11-11 09h01 : ✅ success : deploy 0123456 : deployment 1 · bundle 111111111111",
        "    11-12 09h02 : ❌ failure : deploy 0123456 : deployment 2 · bundle 222222222222",
        "  section production",
        "    11-13 09h03 : ⏳ in progress : promote v1.0.0 : deployment 3 · bundle 333333333333",
        "    11-14 09h04 : ↩️ rolled back : promote v1.1.0 : deployment 4 · bundle 444444444444",
        "    11-15 09h05 : ✅ success : rollback v1.0.0 : deployment 5 · bundle 555555555555",
        "```",
        "",
      ].join("\n"),
    );
  });

  test("only the newest deployments of an environment are shown", () => {
    const many = Array.from({ length: timelineDepth + 3 }, (_, i) => entry(timelineDepth + 3 - i));
    const lines = mermaidTimeline("t", new Map([["staging", many]])).split("\n");
    const shown = lines.filter((l) => l.startsWith("    ")).map((l) => l.match(/deployment (\d+)/)?.[1]);
    expect(shown).toEqual(["4", "5", "6", "7", "8", "9"]);
  });

  test("text that Mermaid would read as syntax (':', '#', ';') is neutralised", () => {
    const text = mermaidTimeline(
      "Release: #1; now",
      new Map([["staging", [entry(1, { version: "v1: #2;x" })]]]),
    );
    expect(text).toContain("  title Release 1 now\n");
    expect(text).toContain(": deploy v1 2 x :");
  });

  test("no deployments at all reads as a sentence, not an empty diagram", () => {
    expect(mermaidTimeline("t", new Map([["staging", []]]))).toBe("_No deployments yet._\n");
  });
});
