import { type Claim, type DeliveryEntry, type DeliveryStore, decideClaim, storageKey } from "../store.ts";

/** The part of Deno KV this store uses (Deno.Kv), declared here so the core builds without Deno's types. */
export interface DenoKvLike {
  get<T>(key: readonly string[]): Promise<{ value: T | null; versionstamp: string | null }>;
  set(key: readonly string[], value: unknown, options?: { expireIn?: number }): Promise<unknown>;
  delete(key: readonly string[]): Promise<void>;
  atomic(): {
    check(
      ...checks: { key: readonly string[]; versionstamp: string | null }[]
    ): ReturnType<DenoKvLike["atomic"]>;
    set(
      key: readonly string[],
      value: unknown,
      options?: { expireIn?: number },
    ): ReturnType<DenoKvLike["atomic"]>;
    commit(): Promise<{ ok: boolean }>;
  };
}

/** Deno KV: claims are atomic (checked versionstamps), entries expire with expireIn. */
export class DenoKvStore implements DeliveryStore {
  constructor(private readonly kv: DenoKvLike) {}

  private async key(prefix: string, id: string): Promise<string[]> {
    return ["flyby-receiver", prefix, await storageKey(id)];
  }

  async claim(id: string, nowMs: number, leaseMs: number): Promise<Claim> {
    const key = await this.key("d", id);
    for (;;) {
      const current = await this.kv.get<DeliveryEntry>(key);
      const decision = decideClaim(current.value ?? undefined, nowMs, leaseMs);
      if (!decision.write) return decision.claim;
      const committed = await this.kv
        .atomic()
        .check({ key, versionstamp: current.versionstamp })
        .set(key, decision.write, { expireIn: leaseMs })
        .commit();
      if (committed.ok) return decision.claim;
    }
  }

  async complete(id: string, nowMs: number, ttlMs: number): Promise<void> {
    const entry: DeliveryEntry = { state: "delivered", expiresAt: nowMs + ttlMs };
    await this.kv.set(await this.key("d", id), entry, { expireIn: ttlMs });
  }

  async release(id: string): Promise<void> {
    await this.kv.delete(await this.key("d", id));
  }

  async getValue(key: string, nowMs: number): Promise<string | undefined> {
    const { value } = await this.kv.get<{ value: string; expiresAt: number }>(await this.key("v", key));
    return value && value.expiresAt > nowMs ? value.value : undefined;
  }

  async setValue(key: string, value: string, nowMs: number, ttlMs: number): Promise<void> {
    await this.kv.set(await this.key("v", key), { value, expiresAt: nowMs + ttlMs }, { expireIn: ttlMs });
  }
}
