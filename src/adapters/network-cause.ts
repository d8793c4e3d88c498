/** What a socket error code means, in words. */
const causes: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ConnectionRefused: "connection refused",
  ECONNRESET: "connection reset",
  ConnectionClosed: "connection closed",
  EPIPE: "connection closed",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

const codeOf = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && code !== "" ? code : undefined;
};

/** `connection refused (ECONNREFUSED)`, or the error's own words when its code is not a socket one. */
export function describeCause(e: unknown): string {
  const code = codeOf(e);
  if (code && causes[code]) return `${causes[code]} (${code})`;
  const message = e instanceof Error ? e.message : String(e);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
