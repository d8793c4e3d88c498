import type { Octokit } from "@octokit/rest";
import { DeploymentState } from "../promote/ports.ts";
import { guarded } from "./octokit.ts";

/** The GitHub Deployments calls a deploy makes. */
export interface Deployments {
  create(input: {
    ref: string;
    environment: string;
    description: string;
    payload: Record<string, string>;
    /** The environment's `production` flag in manifests/environments.yaml. */
    production?: boolean;
  }): Promise<number>;
  status(id: number, state: DeploymentState, description: string, logUrl?: string): Promise<void>;
}

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

/** What a new GitHub Deployment says: the same fields for a deploy action run and a release. */
export interface NewDeployment {
  readonly ref: string;
  readonly environment: string;
  readonly description: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly production: boolean;
}

/** The one call that creates a GitHub Deployment (never merging, never waiting for checks). */
export async function createDeployment(octokit: Octokit, repo: RepoRef, input: NewDeployment) {
  const res = await octokit.rest.repos.createDeployment({
    ...repo,
    ref: input.ref,
    environment: input.environment,
    task: "deploy",
    description: input.description,
    payload: { ...input.payload },
    auto_merge: false,
    required_contexts: [],
    transient_environment: false,
    production_environment: input.production,
  });
  if (res.status !== 201 || !("id" in res.data)) {
    throw new Error(`no deployment was created (${res.status}): ${JSON.stringify(res.data)}`);
  }
  return res.data;
}

/** The one call that records a Deployment's status (GitHub refuses a description over 140 characters). */
export async function createDeploymentStatus(
  octokit: Octokit,
  repo: RepoRef,
  id: number,
  status: { state: DeploymentState; description: string; logUrl?: string | undefined },
): Promise<void> {
  await octokit.rest.repos.createDeploymentStatus({
    ...repo,
    deployment_id: id,
    state: status.state,
    description: status.description,
    ...(status.logUrl ? { log_url: status.logUrl } : {}),
  });
}

export function octokitDeployments(octokit: Octokit, repo: RepoRef): Deployments {
  return {
    create: (input) =>
      guarded("create a deployment", async () => {
        const created = await createDeployment(octokit, repo, {
          ...input,
          production: input.production === true,
        });
        return created.id;
      }),
    status: (id, state, description, logUrl) =>
      guarded("record a deployment status", () =>
        createDeploymentStatus(octokit, repo, id, { state, description: description.slice(0, 140), logUrl }),
      ),
  };
}

/**
 * Runs `deploy` inside a GitHub Deployment: created before (payload and description carry the
 * rendered content's sha256), in_progress while it runs, then success or failure.
 */
export async function withDeployment<T extends { ok: boolean; headline: string }>(
  api: Deployments,
  input: { ref: string; environment: string; production?: boolean; sha256: string; logUrl?: string },
  deploy: () => Promise<T>,
): Promise<T> {
  const short = input.sha256.slice(0, 12);
  const id = await api.create({
    ref: input.ref,
    environment: input.environment,
    ...(input.production ? { production: true } : {}),
    description: `flyby apply, rendered sha256 ${short}`,
    payload: { sha256: input.sha256 },
  });
  await api.status(id, DeploymentState.InProgress, `applying sha256 ${short}`, input.logUrl);
  let result: T;
  try {
    result = await deploy();
  } catch (e) {
    await api.status(id, DeploymentState.Error, `sha256 ${short}: ${(e as Error).message}`, input.logUrl);
    throw e;
  }
  const state = result.ok ? DeploymentState.Success : DeploymentState.Failure;
  await api.status(id, state, `sha256 ${short}: ${result.headline}`, input.logUrl);
  return result;
}
