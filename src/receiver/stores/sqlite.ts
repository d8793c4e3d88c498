import { Database } from "bun:sqlite";
import { type Claim, type DeliveryEntry, type DeliveryStore, decideClaim } from "../store.ts";

/** The embedded default under Bun: one SQLite file that survives restarts. */
export class SqliteStore implements DeliveryStore {
  private readonly db: Database;
  private writes = 0;
  private readonly claimTx: (id: string, nowMs: number, leaseMs: number) => Claim;
  private readonly q;

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
      get: this.db.query<{ state: DeliveryEntry["state"]; expiresAt: number }, [string]>(
        "SELECT state, expires_at AS expiresAt FROM deliveries WHERE id = ?",
      ),
      put: this.db.query<unknown, [string, string, number]>(
        "INSERT INTO deliveries (id, state, expires_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at",
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
    // IMMEDIATE takes the write lock first, so two processes on one file cannot both claim.
    this.claimTx = this.db.transaction((id: string, nowMs: number, leaseMs: number) => {
      const decision = decideClaim(this.q.get.get(id) ?? undefined, nowMs, leaseMs);
      if (decision.write) this.q.put.run(id, decision.write.state, decision.write.expiresAt);
      return decision.claim;
    }).immediate;
  }

  async claim(id: string, nowMs: number, leaseMs: number): Promise<Claim> {
    return this.claimTx(id, nowMs, leaseMs);
  }

  async complete(id: string, nowMs: number, ttlMs: number): Promise<void> {
    this.q.put.run(id, "delivered", nowMs + ttlMs);
    if (++this.writes % 1024 === 0) this.sweep(nowMs);
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

  sweep(nowMs: number): void {
    this.q.sweepDeliveries.run(nowMs);
    this.q.sweepValues.run(nowMs);
  }

  close(): void {
    this.db.close();
  }
}
