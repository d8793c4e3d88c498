import { constantTimeEqual } from "./auth.ts";

/**
 * Browser sessions for the status page. Signing in with a status (or viewer) token sets a
 * cookie that holds no token: `v1.<expiry>.<id>.<HMAC>`, signed with `session.secret` or,
 * without one, with a key derived from the status tokens (so rotating a token ends every
 * session). The cookie is HttpOnly, SameSite=Strict, Secure over HTTPS, and expires.
 */
export const SessionCookie = "flyby_session";

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function hmacKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** The signing key: the configured secret, else one derived from the tokens that open the page. */
export async function sessionKey(secret: string | undefined, tokens: readonly string[]): Promise<CryptoKey> {
  if (secret) return hmacKey(encoder.encode(secret));
  const derive = await hmacKey(encoder.encode(["flyby-receiver", ...[...tokens].sort()].join("\n")));
  const raw = await crypto.subtle.sign("HMAC", derive, encoder.encode("flyby-receiver session key v1"));
  return hmacKey(new Uint8Array(raw));
}

async function signature(key: CryptoKey, payload: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(payload))));
}

export interface Session {
  readonly id: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export function newSessionId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/** The cookie value of a new session. */
export async function issueSession(key: CryptoKey, session: Session): Promise<string> {
  const payload = `v1.${Math.floor(session.expiresAt / 1000)}.${session.id}`;
  return `${payload}.${await signature(key, payload)}`;
}

/** The session a cookie value stands for, when its signature holds and it has not expired. */
export async function verifySession(
  key: CryptoKey,
  value: string | undefined,
  nowMs: number,
): Promise<Session | undefined> {
  const parts = value?.split(".");
  if (parts?.length !== 4 || parts[0] !== "v1") return undefined;
  const [, expiry, id, mac] = parts as [string, string, string, string];
  if (!/^\d{1,12}$/.test(expiry) || !/^[\w-]{16,64}$/.test(id)) return undefined;
  if (!constantTimeEqual(mac, await signature(key, `v1.${expiry}.${id}`))) return undefined;
  const expiresAt = Number(expiry) * 1000;
  return expiresAt > nowMs ? { id, expiresAt } : undefined;
}

export function readCookie(header: string | null, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SessionCookie}=${value}`,
    "Path=/",
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    "HttpOnly",
    "SameSite=Strict",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

/** True when the browser reached the receiver over HTTPS (directly, through a proxy, or as configured). */
export function servedOverHttps(request: Request, publicUrl: string | undefined): boolean {
  return (
    new URL(request.url).protocol === "https:" ||
    request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ||
    publicUrl?.startsWith("https:") === true
  );
}

/**
 * Whether a state-changing browser request (sign-in, sign-out) comes from the receiver's own
 * pages. Browsers send Origin on every form POST and a cross-site page cannot forge it; the
 * origins accepted are the request's own, the one a proxy reports, and `publicUrl`.
 */
export function sameOrigin(request: Request, publicUrl: string | undefined): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) return request.headers.get("sec-fetch-site") === "same-origin";
  const own = new Set([new URL(request.url).origin]);
  if (publicUrl) own.add(new URL(publicUrl).origin);
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (proto && host) own.add(`${proto}://${host}`);
  return own.has(origin);
}
