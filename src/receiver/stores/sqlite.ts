import { Database } from "bun:sqlite";
import { Claim, type DeliveryStore, sweepEveryMs } from "../store.ts";

/** The embedded default under Bun: one SQLite file that survives restarts. */
export class SqliteStore implements DeliveryStore {
  private readonly db: Database;
  private lastSweep = 0;
  private readonly q;
  private queue: { run: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  private readonly runBatch: (batch: SqliteStore["queue"]) => { ok: boolean; value: unknown }[];

  constructor(path: string) {
    this.db = new Database(path, { create: true, strict: true });
    this.db.run("PRAGMA journal_mode = WAL");
    this.db.run("PRAGMA synchronous = NORMAL");
    this.db.run("PRAGMA busy_timeout = 5000");
    this.db.run(
      "CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, state TEXT NOT NULL, expires_at INTEGER NOT NULL)",
    );
    this.db.run(
      "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL)",
    );
    this.q = {
      // One statement, so atomic even between processes sharing the file: it inserts a new
      // lease or takes over an expired entry, and returns nothing when a live entry exists.
      take: this.db.query<{ state: string }, [string, number, number]>(
        `INSERT INTO deliveries (id, state, expires_at) VALUES (?1, 'pending', ?2)
         ON CONFLICT(id) DO UPDATE SET state = 'pending', expires_at = excluded.expires_at
         WHERE deliveries.expires_at <= ?3
         RETURNING state`,
      ),
      state: this.db.query<{ state: string }, [string]>("SELECT state FROM deliveries WHERE id = ?"),
      deliver: this.db.query<unknown, [string, number]>(
        "INSERT INTO deliveries (id, state, expires_at) VALUES (?, 'delivered', ?) ON CONFLICT(id) DO UPDATE SET state = 'delivered', expires_at = excluded.expires_at",
      ),
      del: this.db.query<unknown, [string]>("DELETE FROM deliveries WHERE id = ?"),
      getValue: this.db.query<{ value: string }, [string, number]>(
        "SELECT value FROM kv WHERE key = ? AND expires_at > ?",
      ),
      setValue: this.db.query<unknown, [string, string, number]>(
        "INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
      ),
      sweepDeliveries: this.db.query<unknown, [number]>("DELETE FROM deliveries WHERE expires_at <= ?"),
      sweepValues: this.db.query<unknown, [number]>("DELETE FROM kv WHERE expires_at <= ?"),
    };
    // IMMEDIATE takes the write lock first, so processes sharing the file take turns.
    this.runBatch = this.db.transaction((batch: SqliteStore["queue"]) =>
      batch.map((op) => {
        try {
          return { ok: true, value: op.run() };
        } catch (e) {
          return { ok: false, value: e };
        }
      }),
    ).immediate;
  }

  /**
   * Writes from requests handled in the same turn of the event loop share one transaction:
   * one commit instead of one per statement.
   */
  private batched<T>(run: () => T): Promise<T> {
    return new Promise((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    let results: { ok: boolean; value: unknown }[];
    try {
      results = this.runBatch(batch);
    } catch (e) {
      for (const op of batch) op.reject(e);
      return;
    }
    for (const [i, r] of results.entries()) {
      if (r.ok) batch[i]?.resolve(r.value);
      else batch[i]?.reject(r.value);
    }
  }

  claim(id: string, nowMs: number, leaseMs: number): Promise<Claim> {
    return this.batched(() => {
      if (this.q.take.get(id, nowMs + leaseMs, nowMs)) return Claim.Claimed;
      return this.q.state.get(id)?.state === "delivered" ? Claim.Delivered : Claim.Busy;
    });
  }

  async complete(id: string, nowMs: number, ttlMs: number): Promise<void> {
    await this.batched(() => this.q.deliver.run(id, nowMs + ttlMs));
    if (nowMs - this.lastSweep >= sweepEveryMs) this.sweep(nowMs);
  }

  async release(id: string): Promise<void> {
    this.q.del.run(id);
  }

  async getValue(key: string, nowMs: number): Promise<string | undefined> {
    return this.q.getValue.get(key, nowMs)?.value;
  }

  async setValue(key: string, value: string, nowMs: number, ttlMs: number): Promise<void> {
    this.q.setValue.run(key, value, nowMs + ttlMs);
  }

  /** A full scan once a minute: cheaper than keeping an index on expiry up to date on every write. */
  sweep(nowMs: number): void {
    this.lastSweep = nowMs;
    this.q.sweepDeliveries.run(nowMs);
    this.q.sweepValues.run(nowMs);
  }

  close(): void {
    this.db.close();
  }
}
