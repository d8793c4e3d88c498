import { type Bundle, shortHash } from "../bundle/bundle.ts";
import { EnvironmentError } from "../core/errors.ts";
import { isActive, statusText } from "./history.ts";
import {
  type DeployDeps,
  DeploymentKind,
  type DeploymentPayload,
  type DeploymentRecord,
  type DeploymentState,
  DeploymentState as S,
} from "./ports.ts";

export interface DeployOutcome {
  readonly deployment: DeploymentRecord;
  readonly state: DeploymentState;
  readonly reason: string;
}

export interface DeployRequest {
  readonly bundle: Bundle;
  readonly ref: string;
  readonly payload: DeploymentPayload;
  readonly productionEnvironment: boolean;
  /** Added to the failure status, e.g. what happens next ("rolling back to …"). */
  readonly failureNote?: string;
}

/**
 * Refuses to start while another deployment of the environment runs, then records one and
 * checks again: of two that raced, only the older one goes on.
 */
async function claim(deps: DeployDeps, req: DeployRequest): Promise<DeploymentRecord> {
  const environment = req.bundle.content.environment;
  const busy = (await deps.ledger.list(environment)).find((d) => isActive(d, deps.now()));
  if (busy) throw raceError(environment, busy);
  const mine = await deps.ledger.create({
    environment,
    ref: req.ref,
    sha: req.bundle.content.commit,
    payload: deps.actor ? { ...req.payload, actor: deps.actor } : req.payload,
    description: statusText(`${req.payload.kind} ${shortHash(req.bundle.sha256)}`),
    productionEnvironment: req.productionEnvironment,
  });
  const earlier = (await deps.ledger.list(environment)).find(
    (d) => d.id < mine.id && isActive(d, deps.now()),
  );
  if (earlier) {
    await deps.ledger.setStatus(
      mine.id,
      S.Error,
      statusText(`not applied: deployment #${earlier.id} was already running`),
    );
    throw raceError(environment, earlier);
  }
  return mine;
}

function raceError(environment: string, busy: DeploymentRecord): EnvironmentError {
  return new EnvironmentError(
    `${environment} is being deployed by deployment #${busy.id} (${busy.payload.kind} of ${busy.ref}, created ${busy.createdAt} by ${busy.creator}); nothing was applied`,
  );
}

/**
 * Records a Deployment, applies the bundle's objects (prune and wait), runs the smoke checks
 * and leaves the Deployment at success or failure with the reason. Apply and smoke failures
 * come back as the outcome; an error that stops the deploy from being tried at all leaves the
 * Deployment at `error` and is thrown.
 */
export async function deployBundle(deps: DeployDeps, req: DeployRequest): Promise<DeployOutcome> {
  const environment = req.bundle.content.environment;
  // Bad smoke settings are refused before anything is recorded or applied.
  deps.smoke.prepare?.(environment);
  const deployment = await claim(deps, req);
  const finish = async (state: DeploymentState, reason: string): Promise<DeployOutcome> => {
    await deps.ledger.setStatus(deployment.id, state, statusText(reason));
    const text = `${req.payload.kind} ${shortHash(req.bundle.sha256)} (${req.ref}): ${state}: ${reason}`;
    // An annotation is for people reading graphs: failing to write one fails no deploy.
    await deps.annotations?.annotate({ environment, time: deps.now(), text }).catch((e: Error) => {
      deps.progress(`${environment}: no deploy annotation: ${e.message}\n`);
    });
    return { deployment, state, reason };
  };
  // The note goes first: GitHub keeps 140 characters and the note says what happens next.
  const fail = (reason: string) =>
    finish(S.Failure, req.failureNote ? `${req.failureNote}; ${reason}` : reason);
  await deps.ledger.setStatus(
    deployment.id,
    S.InProgress,
    statusText(`applying ${shortHash(req.bundle.sha256)}`),
  );
  deps.progress(`${environment}: deployment #${deployment.id} applies ${shortHash(req.bundle.sha256)}\n`);
  let applied = false;
  try {
    const rollout = await deps.rollout.apply(environment, req.bundle.content.objects);
    if (!rollout.ok) return await fail(`apply failed: ${rollout.summary}`);
    applied = true;
    const smoke = await deps.smoke.check(environment);
    if (!smoke.passed) return await fail(`smoke failed: ${smoke.summary}`);
    return await finish(S.Success, `smoke passed: ${smoke.summary}`);
  } catch (e) {
    // Nothing could be tried (bad options, a refused Secret, an unreachable API), or the
    // bundle was applied and its smoke checks could not run (a cluster out of reach): GitHub's
    // `error` state says which, and the error goes on to the CLI edge for its exit code.
    const message = (e as Error).message;
    const what = applied ? `applied; smoke checks could not run: ${message}` : `not deployed: ${message}`;
    await deps.ledger.setStatus(deployment.id, S.Error, statusText(what));
    throw e;
  }
}

/**
 * Deploys a freshly built bundle (staging on every merge). Success means the bundle passed
 * apply and smoke there: that Deployment is what promotion looks for.
 */
export async function deployAndVerify(deps: DeployDeps, bundle: Bundle, ref: string): Promise<DeployOutcome> {
  deps.smoke.prepare?.(bundle.content.environment);
  await deps.store.put(bundle);
  return deployBundle(deps, {
    bundle,
    ref,
    payload: { kind: DeploymentKind.Deploy, bundle: bundle.sha256, commit: bundle.content.commit },
    productionEnvironment: false,
  });
}
