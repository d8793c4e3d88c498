import { describe, expect, test } from "bun:test";
import { forEachBounded, LaterWork, mapBeside } from "./pool.ts";

describe("work beside requests in flight", () => {
  test("mapBeside maps every item in order", async () => {
    const items = Array.from({ length: 200 }, (_, i) => i);
    expect(await mapBeside(items, (i) => i * 2, 64)).toEqual(items.map((i) => i * 2));
    expect(await mapBeside([], (i: number) => i)).toEqual([]);
  });

  test("GIVEN an answer waiting in the event loop WHEN mapBeside runs THEN the answer is read between its slices", async () => {
    const seen: string[] = [];
    setImmediate(() => seen.push("answer"));
    await mapBeside([1, 2, 3, 4], (i) => seen.push(`item ${i}`), 2);
    // The first slice waits for a turn, so the answer that was already due comes first.
    expect(seen).toEqual(["answer", "item 1", "item 2", "item 3", "item 4"]);
  });

  test("GIVEN a slice of 2 WHEN 4 items are mapped THEN other work runs between the two slices", async () => {
    const seen: string[] = [];
    const mapping = mapBeside(
      [1, 2, 3, 4],
      (i) => {
        if (i === 1) setImmediate(() => seen.push("answer"));
        seen.push(`item ${i}`);
      },
      2,
    );
    await mapping;
    expect(seen).toEqual(["item 1", "item 2", "answer", "item 3", "item 4"]);
  });

  test("GIVEN an answer already due WHEN work is added for later THEN the answer is read first, and the work runs before done() resolves", async () => {
    const seen: string[] = [];
    const later = new LaterWork();
    setImmediate(() => seen.push("answer"));
    later.add(() => seen.push("work"));
    seen.push("lane goes on");
    await later.done();
    // At a later turn, not as a microtask: the answer due before it comes first.
    expect(seen).toEqual(["lane goes on", "answer", "work"]);
  });

  test("GIVEN a piece of later work that fails THEN done() throws it, and no later piece runs", async () => {
    const seen: number[] = [];
    const later = new LaterWork();
    later.add(() => seen.push(1));
    later.add(() => {
      throw new Error("boom");
    });
    later.add(() => seen.push(3));
    await expect(later.done()).rejects.toThrow("boom");
    expect(seen).toEqual([1]);
  });

  test("forEachBounded keeps at most the limit in flight and stops starting work once told", async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await forEachBounded(
      Array.from({ length: 20 }, (_, i) => i),
      4,
      async (i) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await Bun.sleep(1);
        inFlight--;
        done.push(i);
      },
      () => done.length >= 8,
    );
    expect(most).toBe(4);
    expect(done.length).toBeLessThan(20);
  });
});
