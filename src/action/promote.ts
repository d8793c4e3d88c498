import { failureOfError } from "../app/exit-policy.ts";
import { promoteRelease, type ReleaseResult } from "../app/release.ts";
import { deploymentStatus } from "../app/status.ts";
import { type Environment, loadEnvironments } from "../core/manifests/environments.ts";
import { type OptionValues, requiredString } from "../core/options.ts";
import { deploymentTimeline, formatStatus } from "../promote/status.ts";
import { bundleFile, deployDeps, githubParts, type ReleaseSettings, releaseTag } from "../wiring/release.ts";
import { repositoryManifests } from "../wiring/repository.ts";
import type { ActionStep, StepResult } from "./run.ts";
import { givenInputs, inputSpelling, smokeInputOptions } from "./smoke-inputs.ts";

/** The promote action's text inputs passed on as the options of the same name, and the smoke inputs. */
const promoteInputs: Readonly<Record<string, string>> = {
  to: "to",
  tag: "tag",
  bundle: "bundle",
  target: "target",
  timeout: "timeout",
  "smoke-timeout": "smoke-timeout",
  ...smokeInputOptions,
};

/** The job a step runs in: the checkout and the step's environment. */
interface Job {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The release settings from the promote action's inputs, read by the rules `flyby promote` uses. */
function promoteSettings(step: Pick<ActionStep, "input" | "core">, job: Job): ReleaseSettings {
  const options: OptionValues = {
    ...givenInputs(step.input, promoteInputs),
    gke: step.core.getMultilineInput("gke"),
    "via-cluster": step.core.getBooleanInput("via-cluster"),
  };
  return {
    options,
    workDir: job.cwd,
    ...job,
    progress: (line) => step.core.info(line.trimEnd()),
    // Messages name the action's inputs: `prometheus-url`, not `--prometheus`.
    spell: inputSpelling(promoteInputs),
  };
}

/**
 * The promote action: promote the tag's verified bundle (rolling back when its smoke checks
 * fail), set the `bundle` and `state` outputs, and write the deployment timeline to the job
 * summary whatever happened.
 */
export async function promoteStep(
  step: ActionStep,
  job: Job = { cwd: process.cwd(), env: process.env },
): Promise<StepResult> {
  const settings = promoteSettings(step, job);
  const tree = repositoryManifests(settings.cwd);
  const tag = step.input("tag");
  let result: ReleaseResult | undefined;
  let failure: unknown;
  try {
    const release = releaseTag(settings);
    const file = step.input("bundle");
    const given = file ? { bundle: bundleFile(settings, file), file } : undefined;
    result = await promoteRelease(
      { to: requiredString(settings, "to", "E"), ...release, ...(given ? { given } : {}) },
      { manifests: tree, deps: () => deployDeps(settings) },
    );
  } catch (e) {
    failure = e;
    step.core.info(e instanceof Error ? e.message : String(e));
  }
  step.core.setOutput("bundle", result?.promoted.sha256 ?? "");
  step.core.setOutput("state", result ? (result.deploy?.state ?? "unchanged") : "refused");
  await step.core.summary
    .addHeading(`flyby promote ${tag}`, 2)
    .addRaw(await releaseTimeline(settings, loadEnvironments(tree).promotionOrder, tag, step))
    .write();
  const rollback = result?.rollback ? `; rolled back to the last good bundle (${result.rollback.state})` : "";
  return {
    outcome: result?.outcome ?? { failures: [failureOfError(failure)] },
    failure: (code) => `flyby promote ${tag} exited ${code}${rollback}`,
  };
}

/**
 * The deployment timeline for the job summary. It reads GitHub once more; when that fails, the
 * summary says so and the step keeps the promotion's own result.
 */
async function releaseTimeline(
  settings: ReleaseSettings,
  environments: readonly Environment[],
  tag: string,
  step: Pick<ActionStep, "core">,
): Promise<string> {
  try {
    const status = await deploymentStatus({ environments }, { ledger: githubParts(settings).ledger });
    const timeline = deploymentTimeline(`Release ${tag}`, status.records);
    return `\`\`\`text\n${formatStatus(status.rows)}\`\`\`\n\n${timeline}`;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    step.core.warning(`the deployment timeline could not be read: ${why}`);
    return `_The deployment timeline could not be read: ${why}_\n`;
  }
}
