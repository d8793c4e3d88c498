import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { FakeGithub } from "./fake-github.ts";

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
const github = new FakeGithub("octokit-fixture-org/add-labels-to-issue");
beforeAll(() => github.start());
afterAll(() => github.stop());

function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

test("creating an issue answers like the recorded GitHub exchange, in the fields the receiver reads", async () => {
  const res = await fetch(`${github.url}${created.path}`, {
    method: created.method.toUpperCase(),
    headers: { authorization: `token ${github.token}`, "content-type": "application/json" },
    body: JSON.stringify(created.body),
  });
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
  const res = await fetch(`${github.url}/repos/${github.repo}/issues`, {
    method: "POST",
    headers: { authorization: `token ${github.token}` },
    body: JSON.stringify({ title: "t", body: "x".repeat(70_000) }),
  });
  expect(res.status).toBe(invalid.status);
  const body = (await res.json()) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(expect.arrayContaining(Object.keys(invalid.response)));
  expect(Object.keys((body.errors as object[])[0] as object)).toEqual(
    expect.arrayContaining(Object.keys((invalid.response.errors as object[])[0] as object)),
  );
  const denied = await fetch(`${github.url}/repos/${github.repo}/issues/1`, {
    headers: { authorization: "token nope" },
  });
  expect(denied.status).toBe(401);
  expect(await denied.json()).toMatchObject({ message: "Bad credentials" });
});
