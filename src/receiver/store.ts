import { hex } from "./idempotency.ts";

/**
 * What the receiver remembers between requests: which deliveries are done (so a retried or
 * duplicated notification sends nothing twice) and small values such as the GitHub issue of
 * an alert. Every entry expires; times are passed in so stores stay testable.
 */
export const Claim = { Claimed: "claimed", Delivered: "delivered", Busy: "busy" } as const;
export type Claim = (typeof Claim)[keyof typeof Claim];

export interface DeliveryStore {
  /**
   * Atomically takes a delivery: `claimed` when this caller must send it (nobody has, or an
   * earlier attempt failed or its lease ran out), `delivered` when it was already sent,
   * `busy` while another caller holds an unexpired lease on it.
   */
  claim(id: string, nowMs: number, leaseMs: number): Promise<Claim>;
  /** Marks a claimed delivery as sent, remembered for `ttlMs`. */
  complete(id: string, nowMs: number, ttlMs: number): Promise<void>;
  /** Gives up a claim after a failed attempt so the next retry sends it. */
  release(id: string): Promise<void>;
  getValue(key: string, nowMs: number): Promise<string | undefined>;
  setValue(key: string, value: string, nowMs: number, ttlMs: number): Promise<void>;
}

/**
 * Keys as given, or hashed when long (group keys can be): Workers KV allows 512 bytes and
 * Deno KV 2 KiB per key.
 */
export async function storageKey(id: string): Promise<string> {
  if (id.length <= 256) return id;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(id));
  return `h:${hex(digest)}`;
}

/** How often stores drop expired entries. */
export const sweepEveryMs = 60_000;

/** The shape every store keeps per delivery. */
export interface DeliveryEntry {
  readonly state: "pending" | "delivered";
  readonly expiresAt: number;
}

/** The claim decision shared by every store: given what is stored now, what to answer and write. */
export function decideClaim(
  entry: DeliveryEntry | undefined,
  nowMs: number,
  leaseMs: number,
): { claim: Claim; write?: DeliveryEntry } {
  if (entry && entry.expiresAt > nowMs) {
    return { claim: entry.state === "delivered" ? Claim.Delivered : Claim.Busy };
  }
  return { claim: Claim.Claimed, write: { state: "pending", expiresAt: nowMs + leaseMs } };
}

export class MemoryStore implements DeliveryStore {
  private readonly deliveries = new Map<string, DeliveryEntry>();
  private readonly values = new Map<string, { value: string; expiresAt: number }>();
  private lastSweep = 0;

  async claim(id: string, nowMs: number, leaseMs: number): Promise<Claim> {
    const decision = decideClaim(this.deliveries.get(id), nowMs, leaseMs);
    if (decision.write) this.deliveries.set(id, decision.write);
    return decision.claim;
  }

  async complete(id: string, nowMs: number, ttlMs: number): Promise<void> {
    this.deliveries.set(id, { state: "delivered", expiresAt: nowMs + ttlMs });
    if (nowMs - this.lastSweep >= sweepEveryMs) this.sweep(nowMs);
  }

  async release(id: string): Promise<void> {
    this.deliveries.delete(id);
  }

  async getValue(key: string, nowMs: number): Promise<string | undefined> {
    const entry = this.values.get(key);
    return entry && entry.expiresAt > nowMs ? entry.value : undefined;
  }

  async setValue(key: string, value: string, nowMs: number, ttlMs: number): Promise<void> {
    this.values.set(key, { value, expiresAt: nowMs + ttlMs });
  }

  get size(): number {
    return this.deliveries.size;
  }

  /** Drops expired entries; runs from `complete` once a minute so memory stays bounded by the TTL. */
  sweep(nowMs: number): void {
    this.lastSweep = nowMs;
    for (const [k, v] of this.deliveries) if (v.expiresAt <= nowMs) this.deliveries.delete(k);
    for (const [k, v] of this.values) if (v.expiresAt <= nowMs) this.values.delete(k);
  }
}
