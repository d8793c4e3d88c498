import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { FakeDispatches } from "./dispatches.ts";
import { FakeIssues } from "./issues.ts";
import { FakeGitHub } from "./server.ts";

interface Exchange {
  method: string;
  path: string;
  body?: unknown;
  status: number;
  response: Record<string, unknown>;
  headers: Record<string, string>;
}

function recording(scenario: string): Exchange[] {
  const file = new URL(
    `../../../node_modules/@octokit/fixtures/scenarios/api.github.com/${scenario}/normalized-fixture.json`,
    import.meta.url,
  );
  return JSON.parse(readFileSync(file, "utf8")) as Exchange[];
}

const created = recording("add-labels-to-issue")[0] as Exchange;
const invalid = recording("errors")[0] as Exchange;
const repo = "octokit-fixture-org/add-labels-to-issue";
const dispatches = new FakeDispatches();
const github = new FakeGitHub().use(new FakeIssues()).use(dispatches);
const token = "ghs-test-token";
beforeAll(() => github.start());
afterAll(() => github.stop());

function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

function post(path: string, body: unknown, auth = `token ${token}`): Promise<Response> {
  return fetch(`${github.url}${path}`, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

test("creating an issue answers like the recorded GitHub exchange, in the fields the receiver reads", async () => {
  expect(created.method.toUpperCase()).toBe("POST");
  const res = await post(created.path, created.body);
  expect(res.status).toBe(created.status);
  expect(res.headers.get("content-type")).toBe(created.headers["content-type"] as string);
  const body = (await res.json()) as Record<string, unknown>;
  for (const field of ["number", "title", "state", "state_reason", "labels", "html_url", "url", "comments"]) {
    expect(field in created.response).toBe(true);
    expect([field, typeOf(body[field])]).toEqual([field, typeOf(created.response[field])]);
  }
  expect(body.title).toBe(created.response.title as string);
});

test("errors carry GitHub's shape: message and documentation_url, errors[] on 422", async () => {
  for (const res of [
    await post(`/repos/${repo}/issues`, { title: "t", body: "x".repeat(70_000) }),
    await post(`/repos/${repo}/issues/1/comments`, { body: "x".repeat(70_000) }),
  ]) {
    expect(res.status).toBe(invalid.status);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(expect.arrayContaining(Object.keys(invalid.response)));
    expect(Object.keys((body.errors as object[])[0] as object)).toEqual(
      expect.arrayContaining(Object.keys((invalid.response.errors as object[])[0] as object)),
    );
  }
  const denied = await fetch(`${github.url}/repos/${repo}/issues/1`, {
    headers: { authorization: "token nope" },
  });
  expect(denied.status).toBe(401);
  expect(await denied.json()).toMatchObject({ message: "Bad credentials" });
});

test("a repository dispatch is 204 with no body; a missing event_type is 422", async () => {
  const before = dispatches.dispatches.length;
  const ok = await post(`/repos/${repo}/dispatches`, {
    event_type: "flyby-rollback",
    client_payload: { a: 1 },
  });
  expect([ok.status, await ok.text()]).toEqual([204, ""]);
  const refused = await post(`/repos/${repo}/dispatches`, { client_payload: {} });
  expect(refused.status).toBe(422);
  expect(await refused.json()).toMatchObject({ documentation_url: expect.stringContaining("dispatch") });
  expect(dispatches.dispatches.slice(before)).toEqual([
    {
      owner: "octokit-fixture-org",
      repo: "add-labels-to-issue",
      event_type: "flyby-rollback",
      client_payload: { a: 1 },
    },
  ]);
});

test("failNext makes the next requests fail as an outage would, then the API answers again", async () => {
  github.failNext(2, 503);
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    statuses.push(
      (await fetch(`${github.url}/repos/${repo}/issues`, { headers: { authorization: `token ${token}` } }))
        .status,
    );
  }
  expect(statuses).toEqual([503, 503, 200]);
});
