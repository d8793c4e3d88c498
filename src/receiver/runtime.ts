import { loadConfig } from "./config.ts";
import { GithubDeployments } from "./deployments.ts";
import { createReceiver, type Receiver } from "./handler.ts";
import type { Sha256 } from "./idempotency.ts";
import type { DeliveryStore } from "./store.ts";

/** The settings every runtime reads, from its environment or its bindings. */
export interface ReceiverEnv {
  readonly FLYBY_RECEIVER_TOKEN?: string | undefined;
  /** The receiver config as JSON. */
  readonly FLYBY_RECEIVER_CONFIG?: string | undefined;
  /** "1" serves without authentication. */
  readonly FLYBY_RECEIVER_INSECURE_NO_AUTH?: string | undefined;
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Wires the core to the real world: global fetch, the wall clock, JSON log lines. */
export function receiverFromEnv(env: ReceiverEnv, o: RuntimeOptions): Receiver {
  const config = loadConfig({
    json: o.configJson ?? env.FLYBY_RECEIVER_CONFIG,
    defaultToken: env.FLYBY_RECEIVER_TOKEN,
    insecureNoAuth: o.insecureNoAuth === true || env.FLYBY_RECEIVER_INSECURE_NO_AUTH === "1",
    origin: o.configOrigin ?? (o.configJson === undefined ? "FLYBY_RECEIVER_CONFIG" : "receiver config"),
  });
  const http = (url: string, init: RequestInit) => fetch(url, init);
  const log = o.log;
  return createReceiver({
    config,
    store: o.store(),
    ...(o.sha256 ? { sha256: o.sha256 } : {}),
    fetch: http,
    now: Date.now,
    sleep,
    ...(log ? { log: (event) => log(JSON.stringify({ time: new Date().toISOString(), ...event })) } : {}),
    ...(config.deployments
      ? {
          deployments: new GithubDeployments({
            repo: config.deployments.repo,
            token: config.deployments.token,
            apiUrl: config.deployments.apiUrl ?? "https://api.github.com",
            fetch: http,
            now: Date.now,
          }),
        }
      : {}),
  });
}
