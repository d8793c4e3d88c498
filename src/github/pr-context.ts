import { readFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../core/errors.ts";

/**
 * Which PR a `workflow_run` belongs to. The PR job writes it into an artifact, so it is
 * untrusted: the trusted job keeps it only when GitHub says that PR's head is the commit the
 * run was for, and takes the base commit from GitHub, not from the artifact.
 */

const sha = z.string().regex(/^[0-9a-f]{40}$/, "must be a 40-hex commit");
const PrContext = z.object({ pullRequest: z.number().int().positive(), head: sha }).strict();

export interface PullRequestHeads {
  /** The PR's head and base commits, and whether it is open. */
  get(number: number): Promise<{ head: string; base: string; open: boolean }>;
}

export interface VerifiedPr {
  readonly number: number;
  readonly base: string;
}

export async function verifyPrContext(
  text: string,
  file: string,
  runHeadSha: string,
  pulls: PullRequestHeads,
): Promise<VerifiedPr> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not JSON: ${(e as Error).message}`, { file, line: 1 });
  }
  const parsed = PrContext.safeParse(data);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new InputError(issue?.message ?? "not a PR context", { file, line: 1 }, issue?.path.join("."));
  }
  const { pullRequest, head } = parsed.data;
  if (head !== runHeadSha) {
    throw new InputError(
      `the artifact names commit ${head}, but the run was for ${runHeadSha}`,
      { file, line: 1 },
      "head",
    );
  }
  const pr = await pulls.get(pullRequest);
  if (!pr.open || pr.head !== runHeadSha) {
    throw new InputError(
      `pull request #${pullRequest} is ${pr.open ? `at ${pr.head}` : "closed"}, not at ${runHeadSha}: this run's results are not its own`,
      { file, line: 1 },
      "pullRequest",
    );
  }
  return { number: pullRequest, base: pr.base };
}

/** Reads the context artifact the PR job uploaded and verifies it as verifyPrContext does. */
export function verifyPrContextFile(
  file: string,
  runHeadSha: string,
  pulls: PullRequestHeads,
): Promise<VerifiedPr> {
  return verifyPrContext(readFileSync(file, "utf8"), file, runHeadSha, pulls);
}
