import { describe, expect, test } from "bun:test";
import { FakeClock } from "../testing/receiver/doubles.ts";
import { notification, post } from "../testing/receiver/notifications.ts";
import { loadConfig } from "./config.ts";
import { createReceiver } from "./handler.ts";
import { issueSession, SessionCookie, sessionKey, verifySession } from "./session.ts";
import { MemoryStore } from "./store.ts";

const token = "tok-session-0123456789abcdef";
const viewer = "tok-viewer-0123456789abcdef";
const secret = "a-session-secret-of-at-least-32-chars!";
const origin = "http://receiver.local";

function setup(json: object = {}) {
  const clock = new FakeClock();
  const events: string[] = [];
  const receiver = createReceiver({
    config: loadConfig({ json: JSON.stringify(json), defaultToken: token, viewerToken: viewer }),
    store: new MemoryStore(),
    fetch: () => Promise.reject(new Error("no network in unit tests")),
    now: clock.now,
    sleep: clock.sleep,
    sinks: [],
    log: (e) => events.push(JSON.stringify(e)),
  });
  const signIn = (
    presented: string,
    headers: Record<string, string> = { origin },
    url = `${origin}/signin`,
  ) =>
    receiver.handle(
      new Request(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ token: presented }).toString(),
      }),
    );
  const page = (cookie?: string, headers: Record<string, string> = {}) =>
    receiver.handle(
      new Request(`${origin}/`, {
        headers: { accept: "text/html", ...(cookie ? { cookie } : {}), ...headers },
      }),
    );
  return { receiver, clock, events, signIn, page };
}

/** `name=value` of a Set-Cookie header, as a browser would send it back. */
function cookieOf(res: Response): string {
  return (res.headers.get("set-cookie") ?? "").split(";")[0] as string;
}

describe("signing in to the status page", () => {
  test("a browser without a session is sent to the sign-in form; a program still gets 401", async () => {
    const { receiver, page } = setup();
    const res = await page();
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/signin");
    const form = await receiver.handle(new Request(`${origin}/signin`));
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('<form id="signin" method="post" action="/signin">');
    expect(html).toContain('type="password"');
    expect(form.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect((await receiver.handle(new Request(`${origin}/`))).status).toBe(401);
  });

  test("the token buys a signed, expiring, HttpOnly SameSite=Strict cookie that is not the token", async () => {
    const { signIn, page, clock } = setup({ session: { ttl: "1h" } });
    const res = await signIn(token);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const header = res.headers.get("set-cookie") ?? "";
    expect(header).toStartWith(`${SessionCookie}=v1.`);
    expect(header).toContain("HttpOnly");
    expect(header).toContain("SameSite=Strict");
    expect(header).toContain("Max-Age=3600");
    expect(header).toContain("Path=/");
    expect(header).not.toContain("Secure");
    expect(header).not.toContain(token);
    const cookie = cookieOf(res);
    const signedIn = await page(cookie);
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).toContain(
      '<form class="signout" id="signout" method="post" action="/signout">',
    );
    // A forged or altered cookie opens nothing; an expired one neither.
    expect((await page(`${cookie.slice(0, -2)}xx`)).status).toBe(303);
    expect((await page(`${SessionCookie}=v1.9999999999.AAAAAAAAAAAAAAAAAAAAAA.sig`)).status).toBe(303);
    clock.t += 3600_000;
    expect((await page(cookie)).status).toBe(303);
  });

  test("served over HTTPS (directly or behind a proxy) the cookie is Secure", async () => {
    const { signIn } = setup();
    const direct = await signIn(
      token,
      { origin: "https://receiver.example" },
      "https://receiver.example/signin",
    );
    expect(direct.headers.get("set-cookie")).toContain("; Secure");
    const proxied = await signIn(token, {
      origin: "https://receiver.example",
      host: "receiver.example",
      "x-forwarded-proto": "https",
    });
    expect(proxied.status).toBe(303);
    expect(proxied.headers.get("set-cookie")).toContain("; Secure");
  });

  test("CSRF: a sign-in posted from another site, or with no origin at all, is refused", async () => {
    const { signIn } = setup();
    const crossSite = await signIn(token, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get("set-cookie")).toBeNull();
    expect((await signIn(token, {})).status).toBe(403);
    expect((await signIn(token, { origin: "null" })).status).toBe(403);
    expect((await signIn(token, { "sec-fetch-site": "same-origin" })).status).toBe(303);
    expect((await signIn(token, { "sec-fetch-site": "cross-site" })).status).toBe(403);
  });

  test("a wrong token is refused, and no token or cookie ever reaches the log", async () => {
    const { signIn, events } = setup({ session: { secret } });
    const wrong = await signIn("not-the-token");
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("That token does not open the status page.");
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const ok = await signIn(token);
    const log = events.join("\n");
    expect(log).toContain('"result":"refused"');
    expect(log).toContain('"result":"ok"');
    for (const s of [token, "not-the-token", secret, cookieOf(ok).split("=")[1] as string]) {
      expect(log).not.toContain(s);
    }
  });

  test("sign-out clears the cookie and ends the session on the server too", async () => {
    const { signIn, page, receiver } = setup();
    const cookie = cookieOf(await signIn(token));
    const crossSite = await receiver.handle(
      new Request(`${origin}/signout`, {
        method: "POST",
        headers: { origin: "https://evil.example", cookie },
      }),
    );
    expect(crossSite.status).toBe(403);
    expect((await page(cookie)).status).toBe(200);
    const out = await receiver.handle(
      new Request(`${origin}/signout`, { method: "POST", headers: { origin, cookie } }),
    );
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/signin");
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    // A copy of the old cookie no longer opens the page.
    expect((await page(cookie)).status).toBe(303);
  });

  test("the viewer token opens the status page only; the bearer header keeps working for machines", async () => {
    const { receiver, signIn } = setup();
    const bearer = (t: string, path: string, method = "GET") =>
      receiver.handle(new Request(`${origin}${path}`, { method, headers: { authorization: `Bearer ${t}` } }));
    expect((await bearer(viewer, "/")).status).toBe(200);
    expect((await bearer(token, "/")).status).toBe(200);
    expect((await bearer(viewer, "/metrics")).status).toBe(401);
    expect((await receiver.handle(post(`${origin}/alertmanager`, notification(), viewer))).status).toBe(401);
    expect((await signIn(viewer)).status).toBe(303);
  });

  test("rotating the tokens ends sessions signed with a key derived from them", async () => {
    const now = Date.parse("2026-11-30T02:00:00Z");
    const value = await issueSession(await sessionKey(undefined, ["old"]), {
      id: "A".repeat(22),
      expiresAt: now + 1000,
    });
    expect(await verifySession(await sessionKey(undefined, ["old"]), value, now)).toBeDefined();
    expect(await verifySession(await sessionKey(undefined, ["new"]), value, now)).toBeUndefined();
    expect(await verifySession(await sessionKey(secret, ["old"]), value, now)).toBeUndefined();
  });

  test("a session secret shorter than 32 characters is refused", () => {
    expect(() => loadConfig({ defaultToken: token, json: '{"session":{"secret":"short"}}' })).toThrow(
      /at least 32 characters.*at session\.secret/,
    );
    expect(() => loadConfig({ defaultToken: token, sessionSecret: "short" })).toThrow(
      /FLYBY_RECEIVER_SESSION_SECRET/,
    );
  });
});
