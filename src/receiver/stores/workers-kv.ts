import { type Claim, type DeliveryEntry, type DeliveryStore, decideClaim, storageKey } from "../store.ts";

/** The part of a Workers KV namespace binding this store uses. */
export interface WorkersKvLike {
  get(key: string, type: "json"): Promise<unknown>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Workers KV refuses expirations shorter than 60 seconds. */
function ttlSeconds(ms: number): number {
  return Math.max(60, Math.ceil(ms / 1000));
}

/**
 * Cloudflare Workers KV. KV has no compare-and-set, so two requests racing on the same
 * delivery within KV's propagation delay can both claim it; retries of one Alertmanager
 * (seconds apart) are deduplicated. The stored expiry is checked on read because KV's own
 * expiry is at least 60 seconds.
 */
export class WorkersKvStore implements DeliveryStore {
  constructor(private readonly kv: WorkersKvLike) {}

  async claim(id: string, nowMs: number, leaseMs: number): Promise<Claim> {
    const key = `d:${await storageKey(id)}`;
    const current = (await this.kv.get(key, "json")) as DeliveryEntry | null;
    const decision = decideClaim(current ?? undefined, nowMs, leaseMs);
    if (decision.write) {
      await this.kv.put(key, JSON.stringify(decision.write), { expirationTtl: ttlSeconds(leaseMs) });
    }
    return decision.claim;
  }

  async complete(id: string, nowMs: number, ttlMs: number): Promise<void> {
    const entry: DeliveryEntry = { state: "delivered", expiresAt: nowMs + ttlMs };
    await this.kv.put(`d:${await storageKey(id)}`, JSON.stringify(entry), {
      expirationTtl: ttlSeconds(ttlMs),
    });
  }

  async release(id: string): Promise<void> {
    await this.kv.delete(`d:${await storageKey(id)}`);
  }

  async getValue(key: string, nowMs: number): Promise<string | undefined> {
    const entry = (await this.kv.get(`v:${await storageKey(key)}`, "json")) as {
      value: string;
      expiresAt: number;
    } | null;
    return entry && entry.expiresAt > nowMs ? entry.value : undefined;
  }

  async setValue(key: string, value: string, nowMs: number, ttlMs: number): Promise<void> {
    await this.kv.put(`v:${await storageKey(key)}`, JSON.stringify({ value, expiresAt: nowMs + ttlMs }), {
      expirationTtl: ttlSeconds(ttlMs),
    });
  }
}
