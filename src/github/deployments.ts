import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Octokit } from "@octokit/rest";
import { type Bundle, decodeBundle, encodeBundle } from "../bundle/bundle.ts";
import { EnvironmentError } from "../core/errors.ts";
import type {
  BundleStore,
  DeploymentKind,
  DeploymentLedger,
  DeploymentPayload,
  DeploymentRecord,
  DeploymentState,
} from "../promote/ports.ts";
import { createDeployment, createDeploymentStatus, type RepoRef } from "./deployment.ts";
import { guarded } from "./octokit.ts";

export type { RepoRef };

import { readZip } from "./zip.ts";

const kinds: readonly DeploymentKind[] = ["deploy", "promote", "rollback"];

/** Deployments whose payload flyby wrote; others (made by other tools) are not part of its history. */
function payloadOf(raw: unknown): DeploymentPayload | undefined {
  const p = (typeof raw === "string" ? JSON.parse(raw || "{}") : raw) as Partial<DeploymentPayload> | null;
  if (
    !p ||
    !kinds.includes(p.kind as DeploymentKind) ||
    typeof p.bundle !== "string" ||
    typeof p.commit !== "string"
  ) {
    return undefined;
  }
  return p as DeploymentPayload;
}

/** GitHub Deployments as the promotion ledger. */
export function githubLedger(
  octokit: Octokit,
  repo: RepoRef,
  options: { logUrl?: string } = {},
): DeploymentLedger {
  return {
    list: (environment) =>
      guarded(`list the ${environment} deployments`, async () => {
        // The whole history, every page: promoting or rolling back to an older commit needs it.
        const all = await octokit.paginate(octokit.rest.repos.listDeployments, {
          ...repo,
          environment,
          task: "deploy",
          per_page: 100,
        });
        const records: DeploymentRecord[] = [];
        for (const d of all) {
          const payload = payloadOf(d.payload);
          if (!payload) continue;
          const statuses = await octokit.paginate(octokit.rest.repos.listDeploymentStatuses, {
            ...repo,
            deployment_id: d.id,
            per_page: 100,
          });
          records.push({
            id: d.id,
            environment: d.environment,
            ref: d.ref,
            sha: d.sha,
            creator: d.creator?.login ?? "unknown",
            createdAt: d.created_at,
            payload,
            statuses: statuses.map((s) => ({
              state: s.state as DeploymentState,
              description: s.description ?? "",
              createdAt: s.created_at,
            })),
          });
        }
        return records;
      }),
    create: (d) =>
      guarded(`create a ${d.environment} deployment`, async () => {
        const created = await createDeployment(octokit, repo, {
          ref: d.ref,
          environment: d.environment,
          description: d.description,
          payload: { ...d.payload },
          production: d.productionEnvironment,
        });
        return {
          id: created.id,
          environment: created.environment,
          ref: created.ref,
          sha: created.sha,
          creator: created.creator?.login ?? "unknown",
          createdAt: created.created_at,
          payload: d.payload,
          statuses: [],
        };
      }),
    setStatus: (id, state, description) =>
      guarded(`set deployment #${id} to ${state}`, () =>
        createDeploymentStatus(octokit, repo, id, { state, description, logUrl: options.logUrl }),
      ),
  };
}

/** The artifact name a bundle is uploaded under (actions/upload-artifact in the workflows). */
export function bundleArtifactName(sha256: string): string {
  return `flyby-bundle-${sha256}`;
}

/**
 * Bundles by hash: a local folder first (what this job wrote; the workflow uploads it as an
 * artifact named by bundleArtifactName), then the repository's artifacts.
 */
export function artifactBundleStore(
  octokit: Octokit | undefined,
  repo: RepoRef | undefined,
  dir: string,
): BundleStore {
  const local = (sha256: string) => join(dir, `${sha256}.json`);
  return {
    async put(bundle: Bundle) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(local(bundle.sha256), encodeBundle(bundle));
    },
    async get(sha256: string) {
      try {
        return decodeBundle(readFileSync(local(sha256), "utf8"), local(sha256));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
      if (!octokit || !repo) return undefined;
      const name = bundleArtifactName(sha256);
      const zip = await guarded(`download the artifact ${name}`, async () => {
        const artifacts = await octokit.paginate(octokit.rest.actions.listArtifactsForRepo, {
          ...repo,
          name,
          per_page: 100,
        });
        const artifact = artifacts.find((a) => !a.expired);
        if (!artifact) return undefined;
        const res = await octokit.rest.actions.downloadArtifact({
          ...repo,
          artifact_id: artifact.id,
          archive_format: "zip",
        });
        return new Uint8Array(res.data as ArrayBuffer);
      });
      if (!zip) return undefined;
      const [file, bytes] = [...readZip(zip)].find(([n]) => n.endsWith(".json")) ?? [];
      if (!file || !bytes) throw new EnvironmentError(`the artifact ${name} holds no bundle`);
      const bundle = decodeBundle(new TextDecoder().decode(bytes), `${name}/${file}`);
      if (bundle.sha256 !== sha256)
        throw new EnvironmentError(`the artifact ${name} holds bundle ${bundle.sha256}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(local(sha256), encodeBundle(bundle));
      return bundle;
    },
  };
}
