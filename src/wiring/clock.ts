/**
 * The real clock: wall time and timers, as every runtime offers them (Bun, Deno, Workers).
 * Smoke polls with it and the receiver's web world waits with it; it imports nothing.
 */
export const systemClock = {
  now: (): number => Date.now(),
  sleep: (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)),
};
