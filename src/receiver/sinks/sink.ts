import { isRetryableStatus, retryAfterMs } from "../../core/retry.ts";
import type { Deployment } from "../deployments.ts";
import type { Alert, Notification } from "../webhook.ts";

/** A notification on its way out, after redaction and routing, with its deploy context per alert. */
export interface Outgoing {
  readonly key: string;
  readonly notification: Notification;
  /** "fired 4 min after v1.4.2 reached production", by alert fingerprint. */
  readonly deployContext: ReadonlyMap<string, string>;
  /** The latest deployment of each firing alert's environment, by fingerprint. */
  readonly deployments: ReadonlyMap<string, Deployment>;
}

export type Attempt =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly retryable: boolean;
      readonly reason: string;
      readonly retryAfterMs?: number;
    };

/** fetch with the attempt's timeout already applied. */
export type Http = (url: string, init: RequestInit) => Promise<Response>;

/** Small values a sink keeps between notifications (GitHub issue numbers). */
export interface SinkMemory {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/** One unit that is sent, remembered and retried on its own. */
export interface Delivery {
  /** Unique within the sink for one notification, stable across retries. */
  readonly id: string;
  send(http: Http, memory: SinkMemory): Promise<Attempt>;
}

export interface Sink {
  readonly name: string;
  /** The deliveries for the alerts routed to this sink, in the order they must go out. */
  deliveries(out: Outgoing): Delivery[];
}

export const Ok: Attempt = { ok: true };

/** Slack and GitHub say "try again" with 429 and 5xx; Alertmanager only retries on our 5xx. */
export async function attemptFromResponse(res: Response, what: string): Promise<Attempt> {
  if (res.ok) return Ok;
  const detail = (await res.text().catch(() => "")).slice(0, 200).replace(/\s+/g, " ").trim();
  const reason = `${what} answered ${res.status}${detail ? ` ${detail}` : ""}`;
  if (isRetryableStatus(res.status)) {
    const wait = retryAfterMs(res.headers.get("retry-after"));
    return wait === undefined
      ? { ok: false, retryable: true, reason }
      : { ok: false, retryable: true, reason, retryAfterMs: wait };
  }
  return { ok: false, retryable: false, reason };
}

export function attemptFromError(e: unknown, what: string): Attempt {
  const name = (e as Error)?.name;
  const reason =
    name === "TimeoutError" || name === "AbortError" ? `${what} timed out` : `${what} unreachable`;
  return { ok: false, retryable: true, reason };
}

/** Sends one HTTP request and classifies the outcome; returns the Response on success. */
export async function call(
  http: Http,
  url: string,
  init: RequestInit,
  what: string,
): Promise<{ ok: true; res: Response } | { ok: false; attempt: Attempt }> {
  let res: Response;
  try {
    res = await http(url, init);
  } catch (e) {
    return { ok: false, attempt: attemptFromError(e, what) };
  }
  if (res.ok) return { ok: true, res };
  return { ok: false, attempt: await attemptFromResponse(res, what) };
}

export function alertName(a: Alert): string {
  return a.labels.alertname ?? "alert";
}

export function byFingerprint(a: Alert, b: Alert): number {
  return a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
