import { type DeploymentRecord, type DeploymentState, DeploymentState as S } from "./ports.ts";

/** A deployment left in progress longer than this is treated as abandoned (its job died). */
export const abandonedAfterMs = 2 * 60 * 60 * 1000;

export function latestState(d: DeploymentRecord): DeploymentState {
  return d.statuses[0]?.state ?? S.Pending;
}

/** Reached success at some point (GitHub may have marked it inactive since). */
export function succeeded(d: DeploymentRecord): boolean {
  return d.statuses.some((s) => s.state === S.Success);
}

/** Still running: a concurrent deploy must not start. */
export function isActive(d: DeploymentRecord, now: number): boolean {
  const state = latestState(d);
  const running = state === S.Pending || state === S.Queued || state === S.InProgress;
  return running && now - Date.parse(d.createdAt) < abandonedAfterMs;
}

/** What the environment runs now: the newest deployment that succeeded. */
export function currentDeployment(records: readonly DeploymentRecord[]): DeploymentRecord | undefined {
  return records.find(succeeded);
}

/** GitHub limits a status description to 140 characters. */
export function statusText(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length <= 140 ? one : `${one.slice(0, 139)}…`;
}
