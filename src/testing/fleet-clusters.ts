import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratchRepo } from "./cli.ts";
import { contextsKubeconfig, useContexts } from "./environments.ts";
import type { FakeKube } from "./fake-kube/server.ts";
import { readyCluster } from "./release-story.ts";

/** staging on two clusters, east and west, each a ready fake API server, in a scratch repository. */
export interface TwoClusters {
  readonly east: FakeKube;
  readonly west: FakeKube;
  /** The repository; its `kubeconfig.json` has a context per cluster, named after it. */
  readonly repo: string;
  /** Stops both servers (a stopped one is left as it is) and removes the repository. */
  stop(): Promise<void>;
}

export function twoClusters(): TwoClusters {
  const east = readyCluster();
  const west = readyCluster();
  const repo = scratchRepo();
  useContexts(repo, "staging", ["east", "west"]);
  writeFileSync(
    join(repo, "kubeconfig.json"),
    contextsKubeconfig({
      east: { url: east.url, token: east.adminToken },
      west: { url: west.url, token: west.adminToken },
    }),
  );
  return {
    east,
    west,
    repo,
    async stop() {
      await Promise.all([east.stop(), west.stop()]);
      rmSync(repo, { recursive: true, force: true });
    },
  };
}

/** Another field manager sets the replicas of staging's API, as `kubectl edit` would. */
export function scaleApi(kube: FakeKube, replicas: number, manager = "kubectl-edit"): void {
  const t = kube.cluster.resourceForKind("apps/v1", "Deployment");
  if (!t) throw new Error("no Deployment resource");
  const live = kube.cluster.get(t, "staging", "overflying-api");
  kube.cluster.write(t, { ...live, spec: { ...(live.spec as object), replicas } }, manager);
}
