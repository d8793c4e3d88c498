import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Claim, type DeliveryStore, MemoryStore } from "./store.ts";
import { SqliteStore } from "./stores/sqlite.ts";

const dir = mkdtempSync(join(tmpdir(), "flyby-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stores: [string, () => DeliveryStore][] = [
  ["memory", () => new MemoryStore()],
  ["sqlite", () => new SqliteStore(join(dir, `${crypto.randomUUID()}.db`))],
];

describe.each(stores)("%s store", (_, make) => {
  test("claims once, then answers busy during the lease and delivered after completion", async () => {
    const s = make();
    expect(await s.claim("k", 0, 1000)).toBe(Claim.Claimed);
    expect(await s.claim("k", 10, 1000)).toBe(Claim.Busy);
    await s.complete("k", 20, 60_000);
    expect(await s.claim("k", 30, 1000)).toBe(Claim.Delivered);
  });

  test("claims made together on one delivery give exactly one caller the claim", async () => {
    const s = make();
    const claims = await Promise.all([
      s.claim("c", 0, 1000),
      s.claim("c", 0, 1000),
      s.claim("other", 0, 1000),
    ]);
    expect(claims).toEqual([Claim.Claimed, Claim.Busy, Claim.Claimed]);
  });

  test("a released claim or an expired lease can be claimed again", async () => {
    const s = make();
    expect(await s.claim("a", 0, 1000)).toBe(Claim.Claimed);
    await s.release("a");
    expect(await s.claim("a", 1, 1000)).toBe(Claim.Claimed);
    expect(await s.claim("a", 1001, 1000)).toBe(Claim.Claimed);
  });

  test("delivered entries and values expire after their TTL", async () => {
    const s = make();
    await s.claim("d", 0, 1000);
    await s.complete("d", 0, 5000);
    expect(await s.claim("d", 4999, 1000)).toBe(Claim.Delivered);
    expect(await s.claim("d", 5000, 1000)).toBe(Claim.Claimed);
    await s.setValue("v", "42", 0, 100);
    expect(await s.getValue("v", 99)).toBe("42");
    expect(await s.getValue("v", 100)).toBeUndefined();
  });
});

test("the sqlite store survives a restart", async () => {
  const path = join(dir, "restart.db");
  const first = new SqliteStore(path);
  await first.claim("k", 0, 1000);
  await first.complete("k", 0, 60_000);
  await first.setValue("issue", "7", 0, 60_000);
  first.close();
  const second = new SqliteStore(path);
  expect(await second.claim("k", 10, 1000)).toBe(Claim.Delivered);
  expect(await second.getValue("issue", 10)).toBe("7");
  second.close();
});
