import { hex } from "./idempotency.ts";

const encoder = new TextEncoder();

/**
 * Compares two secrets in time that depends on neither their content nor their length:
 * both are hashed first, so the loop always runs over 32 bytes.
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  const x = new Uint8Array(ha);
  const y = new Uint8Array(hb);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] as number) ^ (y[i] as number);
  return diff === 0;
}

export async function bearerMatches(header: string | null, tokens: readonly string[]): Promise<boolean> {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  const presented = match?.[1];
  if (!presented) return false;
  let ok = false;
  // Check every token so the time taken does not reveal which one matched.
  for (const token of tokens) ok = (await constantTimeEqual(presented, token)) || ok;
  return ok;
}

export const SignatureHeader = "x-flyby-signature";
export const TimestampHeader = "x-flyby-timestamp";

/** `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>"). */
export async function sign(secret: string, timestamp: string, body: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const prefix = encoder.encode(`${timestamp}.`);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix);
  message.set(body, prefix.length);
  return `sha256=${hex(await crypto.subtle.sign("HMAC", key, message))}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export async function verifySignature(
  headers: Headers,
  body: Uint8Array,
  secret: string,
  windowMs: number,
  nowMs: number,
): Promise<SignatureCheck> {
  const timestamp = headers.get(TimestampHeader);
  const signature = headers.get(SignatureHeader);
  if (!timestamp || !signature) return { ok: false, reason: "signature or timestamp header missing" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "timestamp is not unix seconds" };
  if (Math.abs(nowMs - Number(timestamp) * 1000) > windowMs) {
    return { ok: false, reason: "timestamp outside the replay window" };
  }
  const expected = await sign(secret, timestamp, body);
  return (await constantTimeEqual(signature, expected))
    ? { ok: true }
    : { ok: false, reason: "bad signature" };
}
