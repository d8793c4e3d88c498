import { type Claim, type DeliveryEntry, type DeliveryStore, decideClaim } from "../store.ts";

/** The part of a Durable Object's transactional storage the store uses. */
export interface DurableStorageLike {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
  list<T>(options: { prefix: string }): Promise<Map<string, T>>;
}

type Operation =
  | { op: "claim"; id: string; nowMs: number; leaseMs: number }
  | { op: "complete"; id: string; nowMs: number; ttlMs: number }
  | { op: "release"; id: string }
  | { op: "getValue"; key: string; nowMs: number }
  | { op: "setValue"; key: string; value: string; nowMs: number; ttlMs: number };

const sweepEvery = 1000;

/**
 * The Durable Object behind DurableObjectStore. A Durable Object handles one request at a
 * time between storage calls, so reading and writing a claim here cannot interleave with
 * another claim: two Alertmanagers racing on one notification get one `claimed`.
 */
export class ReceiverStoreObject {
  private readonly storage: DurableStorageLike;
  private writes = 0;

  constructor(state: { storage: DurableStorageLike }) {
    this.storage = state.storage;
  }

  async fetch(request: Request): Promise<Response> {
    const o = (await request.json()) as Operation;
    return Response.json({ result: (await this.apply(o)) ?? null });
  }

  private async apply(o: Operation): Promise<unknown> {
    switch (o.op) {
      case "claim": {
        const decision = decideClaim(await this.storage.get<DeliveryEntry>(`d:${o.id}`), o.nowMs, o.leaseMs);
        if (decision.write) await this.storage.put(`d:${o.id}`, decision.write);
        return decision.claim;
      }
      case "complete":
        await this.storage.put(`d:${o.id}`, { state: "delivered", expiresAt: o.nowMs + o.ttlMs });
        if (++this.writes % sweepEvery === 0) await this.sweep(o.nowMs);
        return;
      case "release":
        await this.storage.delete(`d:${o.id}`);
        return;
      case "getValue": {
        const entry = await this.storage.get<{ value: string; expiresAt: number }>(`v:${o.key}`);
        return entry && entry.expiresAt > o.nowMs ? entry.value : undefined;
      }
      case "setValue":
        await this.storage.put(`v:${o.key}`, { value: o.value, expiresAt: o.nowMs + o.ttlMs });
        return;
    }
  }

  private async sweep(nowMs: number): Promise<void> {
    for (const prefix of ["d:", "v:"]) {
      const entries = await this.storage.list<{ expiresAt: number }>({ prefix });
      for (const [key, entry] of entries) if (entry.expiresAt <= nowMs) await this.storage.delete(key);
    }
  }
}

/** The part of a Durable Object namespace binding the store uses. */
export interface DurableNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(url: string, init: RequestInit): Promise<Response> };
}

/** A store kept in one Durable Object: atomic claims on Cloudflare Workers. */
export class DurableObjectStore implements DeliveryStore {
  constructor(
    private readonly namespace: DurableNamespaceLike,
    private readonly name = "flyby-receiver",
  ) {}

  private async call<T>(o: Operation): Promise<T> {
    // A stub is tied to the request that made it, so each call takes a fresh one.
    const stub = this.namespace.get(this.namespace.idFromName(this.name));
    const res = await stub.fetch("https://store.internal/", { method: "POST", body: JSON.stringify(o) });
    if (!res.ok) throw new Error(`receiver store answered ${res.status}`);
    return ((await res.json()) as { result: T }).result;
  }

  claim(id: string, nowMs: number, leaseMs: number): Promise<Claim> {
    return this.call({ op: "claim", id, nowMs, leaseMs });
  }

  complete(id: string, nowMs: number, ttlMs: number): Promise<void> {
    return this.call({ op: "complete", id, nowMs, ttlMs });
  }

  release(id: string): Promise<void> {
    return this.call({ op: "release", id });
  }

  async getValue(key: string, nowMs: number): Promise<string | undefined> {
    return (await this.call<string | null>({ op: "getValue", key, nowMs })) ?? undefined;
  }

  setValue(key: string, value: string, nowMs: number, ttlMs: number): Promise<void> {
    return this.call({ op: "setValue", key, value, nowMs, ttlMs });
  }
}
