import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode } from "../../core/exit-code.ts";
import { loadKubeConfig } from "./kubeconfig.ts";

const dir = mkdtempSync(join(tmpdir(), "flyby-kubeconfig-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, `apiVersion: v1\nkind: Config\n${text}`);
  return path;
}

const failure = (load: () => unknown) => {
  try {
    load();
  } catch (e) {
    return { exitCode: (e as { exitCode?: number }).exitCode, message: (e as Error).message };
  }
  throw new Error("the kubeconfig loaded");
};

describe("loadKubeConfig: a kubeconfig that names no usable server is bad input naming the file", () => {
  test.each([
    [
      "empty.yaml",
      "",
      "has no contexts; write one with `kubectl config set-context` or pass another --kubeconfig",
    ],
    [
      "unset.yaml",
      "contexts: [{name: a, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://k'}}]\n",
      "has no current-context; pass --context C (it has: a) or run `kubectl config use-context C`",
    ],
    [
      "dangling.yaml",
      "contexts: [{name: a, context: {cluster: gone, user: u}}]\ncurrent-context: a\n",
      'context "a" names cluster "gone", which the kubeconfig does not define',
    ],
    [
      "serverless.yaml",
      "clusters: [{name: c, cluster: {certificate-authority-data: eA==}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]\ncurrent-context: a\n",
      "cannot read kubeconfig: clusters[0].cluster.server is missing",
    ],
  ])("%s", (name, text, reason) => {
    const path = kubeconfig(name, text);
    const e = failure(() => loadKubeConfig({ kubeconfig: path, env: {} }));
    expect(e).toEqual({ exitCode: ExitCode.BadInput, message: `${path}: ${reason}` });
  });
});
