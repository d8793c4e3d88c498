import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { FakeSlack } from "../testing/receiver/fake-slack.ts";
import { ReceiverGitHub } from "../testing/receiver/github.ts";
import { alert, notification, post } from "../testing/receiver/notifications.ts";
import { receiverFromEnv } from "../wiring/web-world.ts";
import { serveWithBun } from "./bun/serve.ts";
import { MemoryStore } from "./store.ts";

const chromiumPath = "/usr/bin/chromium";
const token = "tok-status-page-0123456789";
const viewerToken = "tok-viewer-page-0123456789";
/** Chromium on two shared cores can take seconds per step. */
const browserTestMs = 60_000;
const slack = new FakeSlack();
const github = new ReceiverGitHub();
let server: ReturnType<typeof serveWithBun>;
let browser: Browser | undefined;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      "chromium is not installed: run `bash .ci/setup` or `apt-get install -y --no-install-recommends chromium`",
    );
  }
  slack.start();
  github.start();
  github.addDeployment({
    environment: "production",
    ref: "v1.4.2",
    sha: "9f8e7d6c5b4a39281706",
    created_at: minutesAgo(12),
    statuses: [{ state: "success", created_at: minutesAgo(10) }],
  });
  github.addDeployment({
    environment: "canary",
    ref: "v1.5.0-rc.1",
    sha: "abcdef0123456789",
    created_at: minutesAgo(3),
    statuses: [{ state: "success", created_at: minutesAgo(2) }],
  });
  const receiver = receiverFromEnv(
    {
      FLYBY_RECEIVER_TOKEN: token,
      FLYBY_RECEIVER_VIEWER_TOKEN: viewerToken,
      FLYBY_RECEIVER_CONFIG: JSON.stringify({
        sinks: [{ type: "slack", name: "slack", url: slack.url }],
        deployments: { repo: github.repo, token: github.token, apiUrl: github.url, environments: ["canary"] },
      }),
    },
    { store: () => new MemoryStore() },
  );
  server = serveWithBun(receiver, 0, "127.0.0.1");
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}, browserTestMs);

afterAll(async () => {
  await browser?.close();
  await server?.stop(true);
  await slack.stop();
  await github.stop();
});

test(
  "the status page shows firing alerts by environment, deliveries and the last deployment",
  async () => {
    const url = `http://127.0.0.1:${server.port}`;
    const send = (n: ReturnType<typeof notification>) => fetch(post(`${url}/alertmanager`, n, token));
    const prod = alert({ fingerprint: "p1", startsAt: minutesAgo(6) });
    const staging = alert({
      fingerprint: "s1",
      labels: { alertname: "QueueBacklog", environment: "staging", severity: "warning", team: "worker" },
      annotations: { summary: "jobs waiting over 5 minutes" },
    });
    const gone = alert({
      fingerprint: "g1",
      labels: { alertname: "DiskFull", environment: "production", severity: "critical" },
    });
    expect((await send(notification({ alerts: [prod, gone] }))).status).toBe(200);
    expect((await send(notification({ groupKey: "staging", alerts: [staging] }))).status).toBe(200);
    expect(
      (await send(notification({ groupKey: "disk", alerts: [{ ...gone, status: "resolved" }] }))).status,
    ).toBe(200);

    const page = await (browser as Browser).newPage({
      extraHTTPHeaders: { authorization: `Bearer ${token}` },
    });
    try {
      const response = await page.goto(url);
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe("flyby receiver");
      expect(await page.locator('meta[http-equiv="refresh"]').getAttribute("content")).toBe("10");

      const production = page.locator("#firing-production");
      await expect(production.locator("tbody tr").count()).resolves.toBe(1);
      const row = await production.locator("tbody tr").first().textContent();
      expect(row).toContain("critical");
      expect(row).toContain("HighErrorRate");
      expect(row).toContain("fired 4 min after v1.4.2 reached production");
      expect(await page.locator("#firing-staging").textContent()).toContain("QueueBacklog");
      expect(await page.locator("#firing").textContent()).not.toContain("DiskFull");

      const deliveries = page.locator("#deliveries tbody tr");
      expect(await deliveries.count()).toBe(3);
      expect(await deliveries.first().textContent()).toContain("resolved");
      expect(await page.locator("#deliveries").textContent()).toContain("slack: delivered");

      const deployments = page.locator("#deployments tbody tr");
      expect(await deployments.count()).toBe(2);
      const canary = await deployments.nth(0).textContent();
      expect(canary).toContain("v1.5.0-rc.1");
      expect(canary).toContain("2 min ago");
      const released = await deployments.nth(1).textContent();
      expect(released).toContain("v1.4.2");
      expect(released).toContain("9f8e7d6");
    } finally {
      await page.close();
    }
  },
  browserTestMs,
);

test(
  "a person signs in with the viewer token, sees a firing alert with its links, and signs out",
  async () => {
    const url = `http://127.0.0.1:${server.port}`;
    const gpu = alert({
      fingerprint: "gpu1",
      labels: { alertname: "GpuOverheating", environment: "staging", severity: "critical" },
      annotations: { summary: "GPU above 90 °C", runbook_url: "https://runbooks.example/gpu-overheating" },
      generatorURL: "http://prometheus.local/graph?g0.expr=gpu_temp%3E90",
    });
    expect(
      (await fetch(post(`${url}/alertmanager`, notification({ groupKey: "gpu", alerts: [gpu] }), token)))
        .status,
    ).toBe(200);
    const context = await (browser as Browser).newContext();
    const page = await context.newPage();
    try {
      // GIVEN no session, the page sends the browser to the sign-in form and shows no alert
      await page.goto(url);
      expect(new URL(page.url()).pathname).toBe("/signin");
      expect(await page.content()).not.toContain("GpuOverheating");

      // A wrong token is refused on the form
      await page.fill("#token", "not-a-token");
      const [refused] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith("/signin") && r.request().method() === "POST"),
        page.click('#signin button[type="submit"]'),
      ]);
      expect(refused.status()).toBe(401);
      expect(await page.locator("#signin-error").textContent()).toContain("does not open the status page");

      // WHEN the viewer token is entered
      await page.fill("#token", viewerToken);
      await Promise.all([page.waitForURL(`${url}/`), page.click('#signin button[type="submit"]')]);

      // THEN the status page shows the firing alert with its runbook and generator links
      const row = page.locator("#firing-staging tbody tr").first();
      expect(await row.textContent()).toContain("GpuOverheating");
      expect(await row.locator("a.runbook").getAttribute("href")).toBe(
        "https://runbooks.example/gpu-overheating",
      );
      expect(await row.locator("a.generator").getAttribute("href")).toBe(
        "http://prometheus.local/graph?g0.expr=gpu_temp%3E90",
      );
      const [cookie] = await context.cookies();
      expect(cookie?.name).toBe("flyby_session");
      expect(cookie?.httpOnly).toBe(true);
      expect(cookie?.sameSite).toBe("Strict");
      expect(cookie?.expires).toBeGreaterThan(Date.now() / 1000);
      expect(cookie?.value).not.toContain(viewerToken);
      expect(cookie?.value).not.toContain(token);
      // Scripts cannot read an HttpOnly cookie.
      expect(await page.evaluate(() => document.cookie)).toBe("");

      // WHEN signing out THEN the form is back and the page is closed again
      await Promise.all([page.waitForURL(`${url}/signin`), page.click('#signout button[type="submit"]')]);
      expect(await context.cookies()).toEqual([]);
      await page.goto(url);
      expect(new URL(page.url()).pathname).toBe("/signin");
    } finally {
      await context.close();
    }
  },
  browserTestMs,
);

test(
  "a sign-in posted from another site is refused and sets no cookie",
  async () => {
    // localhost and 127.0.0.1 are different sites to the browser.
    const target = `http://127.0.0.1:${server.port}/signin`;
    const attacker = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () =>
        new Response(
          `<!doctype html><form id="f" method="post" action="${target}"><input name="token" value="${viewerToken}"></form>` +
            `<script>document.getElementById("f").submit()</script>`,
          { headers: { "content-type": "text/html" } },
        ),
    });
    const context = await (browser as Browser).newContext();
    const page = await context.newPage();
    try {
      const answer = page.waitForResponse((r) => r.url() === target);
      await page.goto(`http://localhost:${attacker.port}/`);
      const response = await answer;
      expect(response.status()).toBe(403);
      expect(await context.cookies()).toEqual([]);
    } finally {
      await context.close();
      await attacker.stop(true);
    }
  },
  browserTestMs,
);

test("without the token a program is refused", async () => {
  const res = await fetch(`http://127.0.0.1:${server.port}/`);
  expect(res.status).toBe(401);
});
