import type { Octokit } from "@octokit/rest";
import { guarded } from "./octokit.ts";

export const DeploymentState = {
  InProgress: "in_progress",
  Success: "success",
  Failure: "failure",
  Error: "error",
} as const;
export type DeploymentState = (typeof DeploymentState)[keyof typeof DeploymentState];

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

export function octokitDeployments(octokit: Octokit, repo: RepoRef): Deployments {
  return {
    create: (input) =>
      guarded("create a deployment", async () => {
        const res = await octokit.rest.repos.createDeployment({
          ...repo,
          ref: input.ref,
          environment: input.environment,
          description: input.description,
          payload: input.payload,
          auto_merge: false,
          required_contexts: [],
          transient_environment: false,
          production_environment: input.production === true,
        });
        if (res.status !== 201 || !("id" in res.data)) {
          throw new Error(`unexpected answer ${res.status}: ${JSON.stringify(res.data)}`);
        }
        return res.data.id;
      }),
    status: (id, state, description, logUrl) =>
      guarded("record a deployment status", async () => {
        await octokit.rest.repos.createDeploymentStatus({
          ...repo,
          deployment_id: id,
          state,
          description: description.slice(0, 140),
          auto_inactive: true,
          ...(logUrl ? { log_url: logUrl } : {}),
        });
      }),
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
