import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGitTree } from "../adapters/git-tree.ts";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import { renderChecked } from "../core/render/render-checked.ts";
import { emitDocument } from "../core/yaml/emit.ts";
import { diffEnvironment } from "../diff/environment.ts";
import { Redactor } from "../diff/redact.ts";
import { renderMarkdown } from "../diff/report.ts";
import { unifiedDiff } from "../diff/unified.ts";
import { runLive } from "./live-diff.ts";

const objectCount = 1000;

function ms(start: number): number {
  return performance.now() - start;
}

/** A template of `n` literal objects in the environment's namespace; `changed` of them edited. */
function benchTemplate(n: number, changed: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    const edit = i < changed;
    docs.push(
      i % 2 === 0
        ? `apiVersion: v1
kind: ConfigMap
metadata:
  name: bench-config-${i}
  namespace: {{env.namespace}}
data:
  LOG_LEVEL: ${edit ? "debug" : "info"}
  BATCH_SIZE: "${i}"`
        : `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bench-app-${i}
  namespace: {{env.namespace}}
spec:
  replicas: ${edit ? 3 : 2}
  selector:
    matchLabels:
      app: bench-app-${i}
  template:
    metadata:
      labels:
        app: bench-app-${i}
    spec:
      containers:
        - name: app
          image: ghcr.io/overflying/bench:${edit ? "1.1.0" : "1.0.0"}
          ports:
            - containerPort: 8000
          env:
            - name: INDEX
              value: "${i}"`,
    );
  }
  return `${docs.join("\n---\n")}\n`;
}

function git(dir: string, ...args: string[]): void {
  const res = spawnSync("git", args, { cwd: dir });
  if (res.status !== 0) throw new Error(`git ${args.join(" ")}: ${res.stderr}`);
}

async function gitBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "flyby-bench-diff-"));
  try {
    cpSync(join(import.meta.dir, "..", "..", "manifests"), join(dir, "manifests"), { recursive: true });
    // The first environment of the chain, as a pull request's plan shows it first.
    const first = loadEnvironments(loadManifestTree(join(dir, "manifests"))).promotionOrder[0]?.name ?? "";
    const base = renderChecked(loadManifestTree(join(dir, "manifests")), first).objects.length;
    const templated = objectCount - base;
    const template = join(dir, "manifests", "templates", "bench.yaml.hbs");
    writeFileSync(template, benchTemplate(templated, 0));
    git(dir, "init", "-q");
    git(dir, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "add", "-A");
    git(dir, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", "base");
    writeFileSync(template, benchTemplate(templated, 50));

    const start = performance.now();
    const head = renderChecked(loadManifestTree(join(dir, "manifests")), first);
    const baseObjects = renderChecked(readGitTree(dir, "HEAD"), first).objects.map((r) => r.object);
    const env = await diffEnvironment(
      first,
      head.objects,
      { type: "objects", label: "git:HEAD", objects: baseObjects },
      new Redactor("bench"),
    );
    const parts = renderMarkdown(env);
    const flyby = ms(start);
    const changed = env.objects.filter((o) => o.change === "changed").length;

    // Baseline: the same two renders compared as one text (what `git diff` of rendered output gives).
    const startText = performance.now();
    const headText = renderChecked(loadManifestTree(join(dir, "manifests")), first)
      .objects.map((r) => emitDocument(r.object))
      .join("---\n");
    const baseText = renderChecked(readGitTree(dir, "HEAD"), first)
      .objects.map((r) => emitDocument(r.object))
      .join("---\n");
    unifiedDiff(baseText, headText);
    const text = ms(startText);

    console.log(
      `git base: ${env.objects.length} objects, ${changed} changed, ${parts.length} comment part(s)`,
    );
    console.log(
      `  flyby object diff (render both sides, diff, markdown): ${flyby.toFixed(0)} ms (target <= 1500 ms)`,
    );
    console.log(`  baseline, one text diff of both renders:                ${text.toFixed(0)} ms`);
    console.log(`  ratio flyby / text diff: ${(flyby / text).toFixed(2)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const only = args[0];
  if (!only || only === "git") await gitBench();
  if (!only || only === "live") await runLive(args.slice(1));
}
