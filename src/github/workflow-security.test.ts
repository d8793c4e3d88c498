import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { repoRoot } from "../testing/cli.ts";

/**
 * What a security review checks in the workflows: every third-party action pinned by a full
 * commit SHA (with its version in a comment), and no job that runs on a pull request (the PR's
 * own code) holding cloud credentials, directly or through a local action.
 */

type Files = ReadonlyMap<string, string>;

const workflowsDir = join(repoRoot, ".github", "workflows");
const actionsDir = join(repoRoot, "actions");

function shipped(): Files {
  const files = new Map<string, string>();
  for (const f of readdirSync(workflowsDir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort())
    files.set(`.github/workflows/${f}`, readFileSync(join(workflowsDir, f), "utf8"));
  for (const a of readdirSync(actionsDir).sort()) {
    const file = join(actionsDir, a, "action.yml");
    if (existsSync(file)) files.set(`actions/${a}/action.yml`, readFileSync(file, "utf8"));
  }
  return files;
}

const pinned = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;

/** `file:line: …` for every `uses:` that is neither a local action nor pinned by SHA with `# vX.Y.Z`. */
export function unpinned(files: Files): string[] {
  const problems: string[] = [];
  for (const [file, text] of files) {
    for (const [i, line] of text.split("\n").entries()) {
      const m = /^\s*(?:-\s*)?uses:\s*["']?([^\s"'#]+)["']?\s*(#.*)?$/.exec(line);
      if (!m) continue;
      const [, ref = "", comment = ""] = m;
      if (ref.startsWith("./")) continue;
      if (!pinned.test(ref))
        problems.push(`${file}:${i + 1}: ${ref} is not pinned by a 40-character commit SHA`);
      else if (!/^#\s*v\d+(\.\d+)*\b/.test(comment))
        problems.push(`${file}:${i + 1}: ${ref} has no "# vX.Y.Z" comment naming its version`);
    }
  }
  return problems;
}

type Doc = Record<string, unknown>;
const asDoc = (v: unknown): Doc => (typeof v === "object" && v !== null ? (v as Doc) : {});

function triggers(on: unknown): string[] {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  return Object.keys(asDoc(on));
}

const cloudActions =
  /^(google-github-actions\/(auth|get-gke-credentials|setup-gcloud)|aws-actions\/configure-aws-credentials|azure\/login)@/;

function mintsIdToken(permissions: unknown): boolean {
  return permissions === "write-all" || asDoc(permissions)["id-token"] === "write";
}

/** Why a list of steps holds cloud credentials, following local actions; undefined when it does not. */
function credentialIn(steps: unknown, files: Files, seen: Set<string>): string | undefined {
  for (const step of Array.isArray(steps) ? steps : []) {
    const uses = String(asDoc(step).uses ?? "");
    if (cloudActions.test(uses)) return `uses ${uses.split("@")[0]}`;
    if (uses.startsWith("./actions/")) {
      const file = `${uses.slice(2).replace(/\/$/, "")}/action.yml`;
      if (seen.has(file)) continue;
      seen.add(file);
      const inner = credentialIn(asDoc(asDoc(parse(files.get(file) ?? "")).runs).steps, files, seen);
      if (inner) return `${inner} (through ${uses})`;
    }
  }
  return undefined;
}

/** The workflows among the files, parsed. */
function workflows(files: Files): [string, Doc][] {
  return [...files]
    .filter(([file]) => file.startsWith(".github/"))
    .map(([file, text]) => [file, asDoc(parse(text))]);
}

/** Jobs that run on a pull request and hold cloud credentials: an id-token, a cloud login, a secret. */
export function credentialsOnPullRequests(files: Files): string[] {
  const problems: string[] = [];
  for (const [file, doc] of workflows(files)) {
    if (!triggers(doc.on).some((t) => t === "pull_request" || t === "pull_request_target")) continue;
    for (const [name, raw] of Object.entries(asDoc(doc.jobs))) {
      const job = asDoc(raw);
      const permissions = "permissions" in job ? job.permissions : doc.permissions;
      const why = mintsIdToken(permissions)
        ? "may mint an id-token"
        : /\$\{\{\s*secrets\.(?!GITHUB_TOKEN\b)/.test(JSON.stringify(job))
          ? "reads a secret"
          : credentialIn(job.steps, files, new Set());
      if (why) problems.push(`${file}: job ${name} runs on pull requests and ${why}`);
    }
  }
  return problems;
}

/** Jobs without their own `permissions:`, and workflows without a default. */
export function missingPermissions(files: Files): string[] {
  const problems: string[] = [];
  for (const [file, doc] of workflows(files)) {
    if (!("permissions" in doc)) problems.push(`${file}: no workflow-level permissions`);
    for (const [name, job] of Object.entries(asDoc(doc.jobs)))
      if (!("permissions" in asDoc(job))) problems.push(`${file}: job ${name} has no permissions of its own`);
  }
  return problems;
}

describe("the workflows a security review would sign", () => {
  const files = shipped();

  test("every third-party action is pinned by a 40-character SHA with its version in a comment", () => {
    expect(unpinned(files)).toEqual([]);
  });

  test("no job that runs on a pull request holds cloud credentials", () => {
    expect(credentialsOnPullRequests(files)).toEqual([]);
  });

  test("every job states its own least permissions", () => {
    expect(missingPermissions(files)).toEqual([]);
  });

  test("the dry runs against the clusters do happen, in a workflow_run job", () => {
    const live = asDoc(parse(files.get(".github/workflows/pr-live.yml") ?? ""));
    expect(triggers(live.on)).toEqual(["workflow_run"]);
    expect(credentialIn(asDoc(asDoc(live.jobs).live).steps, files, new Set())).toBe(
      "uses google-github-actions/auth",
    );
  });
});

describe("the checks themselves", () => {
  const sha = "11bd71901bbe5b1630ceea73d27597364c9af683";
  const action = `name: a
description: d
runs:
  using: composite
  steps:
    - uses: google-github-actions/get-gke-credentials@${"6".repeat(40)} # v2.2.1
`;
  const workflow = `on: [pull_request, push]
permissions: {}
jobs:
  tagged:
    permissions: {}
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/checkout@${sha}
      - uses: "actions/setup-node@${sha}" # v4.4.0
      - uses: ./actions/sneaky
  token:
    permissions:
      id-token: write
    runs-on: ubuntu-24.04
    steps: []
  secret:
    runs-on: ubuntu-24.04
    steps:
      - run: echo "\${{ secrets.GKE_SA_KEY }}"
`;
  const files: Files = new Map([
    [".github/workflows/w.yml", workflow],
    ["actions/sneaky/action.yml", action],
  ]);

  test("a tag, a SHA without its version, and the good form are told apart", () => {
    expect(unpinned(files)).toEqual([
      ".github/workflows/w.yml:8: actions/checkout@v4 is not pinned by a 40-character commit SHA",
      `.github/workflows/w.yml:9: actions/checkout@${sha} has no "# vX.Y.Z" comment naming its version`,
    ]);
  });

  test("credentials on a pull request are found directly, through a local action, and as a secret", () => {
    expect(credentialsOnPullRequests(files)).toEqual([
      ".github/workflows/w.yml: job tagged runs on pull requests and uses google-github-actions/get-gke-credentials (through ./actions/sneaky)",
      ".github/workflows/w.yml: job token runs on pull requests and may mint an id-token",
      ".github/workflows/w.yml: job secret runs on pull requests and reads a secret",
    ]);
    expect(missingPermissions(files)).toEqual([
      ".github/workflows/w.yml: job secret has no permissions of its own",
    ]);
  });
});
