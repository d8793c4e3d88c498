import type { DeliveryStore } from "./store.ts";
import { afterAction, type EnvironmentWatch, type WatchdogAction } from "./watchdog.ts";

/** How long the dead man's switch remembers an environment that stopped reporting. */
const rememberMs = 90 * 86_400_000;
const indexKey = "watchdog:environments";
const startedKey = "watchdog:started";
const seenKey = (env: string) => `watchdog:seen:${env}`;
const silentKey = (env: string) => `watchdog:silent:${env}`;

function number(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The dead man's switch's memory, kept in the receiver's store (memory, bun:sqlite, Deno KV,
 * Workers KV or the Durable Object), so it survives restarts and is shared by every instance.
 * Heartbeats and announcements write separate keys, so a request and a scheduled check never
 * overwrite each other's facts.
 */
export class WatchdogState {
  constructor(private readonly store: DeliveryStore) {}

  /** Records a Watchdog from `environment`, adding it to the watched list when new. */
  async heartbeat(environment: string, at: number): Promise<void> {
    await this.store.setValue(seenKey(environment), String(at), at, rememberMs);
    const known = await this.environments(at);
    // Two new environments racing may lose one here; its next Watchdog adds it again.
    if (!known.includes(environment)) {
      await this.store.setValue(indexKey, JSON.stringify([...known, environment].sort()), at, rememberMs);
    }
  }

  private async environments(now: number): Promise<string[]> {
    const text = await this.store.getValue(indexKey, now);
    try {
      const list: unknown = text ? JSON.parse(text) : [];
      return Array.isArray(list) ? list.filter((e): e is string => typeof e === "string") : [];
    } catch {
      return [];
    }
  }

  /** When watching started: the first check ever made on this store. */
  async watchingSince(now: number): Promise<number> {
    const known = number(await this.store.getValue(startedKey, now));
    if (known !== undefined) return known;
    await this.store.setValue(startedKey, String(now), now, rememberMs);
    return now;
  }

  /** Every watched environment: the listed ones and every one that ever sent a Watchdog. */
  async read(listed: readonly string[], now: number): Promise<EnvironmentWatch[]> {
    const names = [...new Set([...listed, ...(await this.environments(now))])].sort();
    return Promise.all(
      names.map(async (environment) => ({
        environment,
        lastSeen: number(await this.store.getValue(seenKey(environment), now)),
        silentSince: number(await this.store.getValue(silentKey(environment), now)),
      })),
    );
  }

  /** Remembers that an action has been announced. */
  async announced(a: WatchdogAction, now: number): Promise<void> {
    const { silentSince } = afterAction(a);
    await this.store.setValue(
      silentKey(a.environment),
      silentSince === undefined ? "" : String(silentSince),
      now,
      rememberMs,
    );
  }
}
