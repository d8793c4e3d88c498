import { describe, expect, test } from "bun:test";
import { type ProgressRow, progressBoard, type Tint } from "./progress.ts";
import { Readiness } from "./wait.ts";

const row = (name: string, live: string, state: Readiness = Readiness.Progressing): ProgressRow => ({
  name,
  state,
  live,
});

/** A board on a clock the test moves, writing into `out`. */
function board(tty: boolean, tint?: (c: Tint, t: string) => string) {
  let now = 0;
  const out: string[] = [];
  const b = progressBoard({ tty, now: () => now, write: (t) => out.push(t), ...(tint ? { tint } : {}) });
  return { b, out, at: (ms: number) => (now = ms) };
}

describe("live rollout lines in a terminal", () => {
  test("one line per workload, redrawn in place: the cursor goes back over the last drawing", () => {
    const { b, out } = board(true);
    b.show("t", [row("api", "0/3 updated · 3 unavailable"), row("web", "1/1 updated · 1 unavailable")]);
    b.show("t", [row("api", "2/3 updated · 1 unavailable"), row("web", "1/1 ready", Readiness.Ready)]);
    expect(out).toEqual([
      "api 0/3 updated · 3 unavailable\nweb 1/1 updated · 1 unavailable\n",
      "\u001b[2F\u001b[Japi 2/3 updated · 1 unavailable\nweb 1/1 ready\n",
    ]);
  });

  test("nothing is written when nothing changed", () => {
    const { b, out } = board(true);
    b.show("t", [row("api", "0/3 updated")]);
    b.show("t", [row("api", "0/3 updated")]);
    b.end();
    expect(out).toHaveLength(1);
  });

  test("ready lines are green and failed ones red when the caller's colour is on", () => {
    const { b, out } = board(true, (c, t) => `<${c}>${t}`);
    b.show("t", [
      row("api", "3/3 ready", Readiness.Ready),
      row("db", "failed", Readiness.Failed),
      row("x", "…"),
    ]);
    expect(out[0]).toBe("<green>api 3/3 ready\n<red>db failed\nx …\n");
  });

  test("two targets on one board: each line names its target", () => {
    const { b, out } = board(true);
    b.show("gke:a", [row("api", "1/3 updated")]);
    b.show("gke:b", [row("api", "0/3 updated")]);
    expect(out.at(-1)).toBe("\u001b[1F\u001b[Jgke:a: api 1/3 updated\ngke:b: api 0/3 updated\n");
  });
});

describe("live rollout lines in a CI log", () => {
  test("appended only when a line changed, and at most every 2 s: changes in between are written together", () => {
    const { b, out, at } = board(false);
    b.show("t", [row("api", "0/3 updated"), row("web", "0/1 updated")]);
    at(500);
    b.show("t", [row("api", "1/3 updated"), row("web", "0/1 updated")]);
    at(1500);
    b.show("t", [row("api", "2/3 updated"), row("web", "0/1 updated")]);
    expect(out).toEqual(["api 0/3 updated\n", "web 0/1 updated\n"]);
    at(2000);
    b.show("t", [row("api", "2/3 updated"), row("web", "0/1 updated")]);
    expect(out.slice(2)).toEqual(["api 2/3 updated\n"]);
  });

  test("after 30 s of quiet the unfinished lines are written again, so the log shows the wait is alive", () => {
    const { b, out, at } = board(false);
    const rows = [row("api", "0/3 updated"), row("web", "1/1 ready", Readiness.Ready)];
    b.show("t", rows);
    at(29_000);
    b.show("t", rows);
    expect(out).toHaveLength(2);
    at(30_000);
    b.show("t", rows);
    expect(out.slice(2)).toEqual(["api 0/3 updated\n"]);
  });

  test("the end writes the last change even inside the gap", () => {
    const { b, out, at } = board(false);
    b.show("t", [row("api", "2/3 updated")]);
    at(100);
    b.show("t", [row("api", "3/3 ready", Readiness.Ready)]);
    b.end();
    expect(out).toEqual(["api 2/3 updated\n", "api 3/3 ready\n"]);
  });

  test("no cursor movement in a log", () => {
    const { b, out, at } = board(false);
    b.show("t", [row("api", "0/3 updated")]);
    at(5000);
    b.show("t", [row("api", "1/3 updated")]);
    expect(out.join("")).not.toContain("\u001b");
  });
});
