import { loadConfig } from "./config.ts";
import { GithubDeployments } from "./deployments.ts";
import { createReceiver, type Receiver } from "./handler.ts";
import type { Sha256 } from "./idempotency.ts";
import type { DeliveryStore } from "./store.ts";

/** The settings every runtime reads, from its environment or its bindings. */
export const ReceiverEnvNames = [
  "FLYBY_RECEIVER_TOKEN",
  /** The receiver config as JSON. */
  "FLYBY_RECEIVER_CONFIG",
  /** "1" serves without authentication. */
  "FLYBY_RECEIVER_INSECURE_NO_AUTH",
  /** A token that opens the status page only, for people. */
  "FLYBY_RECEIVER_VIEWER_TOKEN",
  /** Signs browser sessions (at least 32 characters); derived from the status tokens when unset. */
  "FLYBY_RECEIVER_SESSION_SECRET",
  /** How long an environment may go without a Watchdog before it is announced silent (5m). */
  "FLYBY_RECEIVER_WATCHDOG_SILENCE",
] as const;
export type ReceiverEnv = { readonly [K in (typeof ReceiverEnvNames)[number]]?: string | undefined };

/** The receiver's settings out of a runtime's environment (process.env, Deno.env, bindings). */
export function receiverEnv(read: (name: string) => string | undefined): ReceiverEnv {
  return Object.fromEntries(ReceiverEnvNames.map((name) => [name, read(name)]));
}

export interface RuntimeOptions {
  /** Called once the config is valid, so a bad config leaves no store file behind. */
  readonly store: () => DeliveryStore;
  /** Overrides FLYBY_RECEIVER_CONFIG, e.g. with a file's content. */
  readonly configJson?: string | undefined;
  readonly configOrigin?: string;
  readonly insecureNoAuth?: boolean;
  readonly log?: (line: string) => void;
  readonly sha256?: Sha256;
}

/** The outside world a receiver talks to: the network, the clock and timers. */
export interface ReceiverWorld {
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Builds a receiver from a runtime's settings, talking to `world`: the config is checked first,
 * then the store is opened, and JSON log lines are stamped with the world's clock.
 */
export function receiverFromSettings(env: ReceiverEnv, o: RuntimeOptions, world: ReceiverWorld): Receiver {
  const config = loadConfig({
    json: o.configJson ?? env.FLYBY_RECEIVER_CONFIG,
    defaultToken: env.FLYBY_RECEIVER_TOKEN,
    viewerToken: env.FLYBY_RECEIVER_VIEWER_TOKEN,
    sessionSecret: env.FLYBY_RECEIVER_SESSION_SECRET,
    watchdogSilence: env.FLYBY_RECEIVER_WATCHDOG_SILENCE,
    insecureNoAuth: o.insecureNoAuth === true || env.FLYBY_RECEIVER_INSECURE_NO_AUTH === "1",
    origin: o.configOrigin ?? (o.configJson === undefined ? "FLYBY_RECEIVER_CONFIG" : "receiver config"),
  });
  const { fetch, now, sleep } = world;
  const log = o.log;
  return createReceiver({
    config,
    store: o.store(),
    ...(o.sha256 ? { sha256: o.sha256 } : {}),
    fetch,
    now,
    sleep,
    ...(log
      ? { log: (event) => log(JSON.stringify({ time: new Date(now()).toISOString(), ...event })) }
      : {}),
    ...(config.deployments
      ? {
          deployments: new GithubDeployments({
            repo: config.deployments.repo,
            token: config.deployments.token,
            apiUrl: config.deployments.apiUrl ?? "https://api.github.com",
            fetch,
            now,
          }),
        }
      : {}),
  });
}
