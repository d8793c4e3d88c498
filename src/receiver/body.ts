export type BodyRead = { ok: true; bytes: Uint8Array } | { ok: false; tooLarge: true };

/** Reads at most `limit` bytes, stopping as soon as the body is known to be larger. */
export async function readLimited(request: Request, limit: number): Promise<BodyRead> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return { ok: false, tooLarge: true };
  if (!request.body) return { ok: true, bytes: new Uint8Array() };
  // The server holds a request to its declared length, so it can be read in one go.
  if (declared !== null) return { ok: true, bytes: new Uint8Array(await request.arrayBuffer()) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return { ok: false, tooLarge: true };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return { ok: true, bytes };
}

export type JsonBody =
  | { kind: "json"; value: unknown; bytes?: Uint8Array }
  | { kind: "not-json"; bytes?: Uint8Array }
  | { kind: "too-large" };

/**
 * Reads and parses a JSON body of at most `limit` bytes. The raw bytes come back only when
 * asked for (to check a signature); otherwise a body of declared length is parsed natively.
 */
export async function readJsonBody(request: Request, limit: number, keepBytes: boolean): Promise<JsonBody> {
  const declared = request.headers.get("content-length");
  if (!keepBytes && declared !== null) {
    if (Number(declared) > limit) return { kind: "too-large" };
    try {
      return { kind: "json", value: await request.json() };
    } catch {
      return { kind: "not-json" };
    }
  }
  const read = await readLimited(request, limit);
  if (!read.ok) return { kind: "too-large" };
  try {
    return { kind: "json", value: JSON.parse(new TextDecoder().decode(read.bytes)), bytes: read.bytes };
  } catch {
    return { kind: "not-json", bytes: read.bytes };
  }
}

export function isJson(contentType: string | null): boolean {
  const media = contentType?.split(";")[0]?.trim().toLowerCase();
  return media === "application/json";
}
