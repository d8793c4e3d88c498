/** A URL without user info, for messages: credentials never reach the output. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "<invalid URL>";
  }
}

/** The error text of a non-2xx answer: Prometheus's `error`, a Kubernetes Status's or Grafana's `message`. */
export function errorText(status: number, body: string): string {
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown; errorType?: unknown };
    const text =
      typeof json.error === "string" ? json.error : typeof json.message === "string" ? json.message : "";
    if (text) return typeof json.errorType === "string" ? `${json.errorType}: ${text}` : text;
  } catch {
    // not JSON: fall through to the raw text
  }
  if (isHtml(body)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.replace(/\s+/g, " ").trim();
    return `HTTP ${status} with an HTML page${title ? ` ("${title}")` : ""}`;
  }
  // One line, so it fits a table cell and a finding.
  const raw = body.replace(/\s+/g, " ").trim();
  if (!raw) return `HTTP ${status}`;
  return `HTTP ${status}: ${raw.length > rawLimit ? `${raw.slice(0, rawLimit)}…` : raw}`;
}

const rawLimit = 160;

/** A page for people (an error page, a login form), not an API's answer. */
export function isHtml(body: string): boolean {
  return /^\s*<(!doctype html|html)[\s>]/i.test(body);
}
