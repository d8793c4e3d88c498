/** Runs `work` over `items` with at most `limit` in flight; `stop()` returning true starts no more. */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !stop()) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

/** A turn of the event loop: requests already started go out, and answers that came in are read. */
const aTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `items.map(f)`, a slice at a time with a turn of the event loop before each slice. Run beside
 * requests in flight, the work fills the time they are out rather than holding them back.
 */
export async function mapBeside<T, U>(items: readonly T[], f: (item: T) => U, slice = 64): Promise<U[]> {
  const out: U[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i % slice === 0) await aTurn();
    out.push(f(items[i] as T));
  }
  return out;
}

/**
 * Work run at later turns of the event loop, beside requests in flight: each piece runs once
 * the code that added it has gone on (a lane has sent its next request), and its first failure
 * is kept for `done()` rather than left unhandled.
 */
export class LaterWork {
  private readonly pending: Promise<void>[] = [];
  private failure: { readonly error: unknown } | undefined;

  /** Runs `f` at a later turn; after a failure, no further piece runs. */
  add(f: () => void): void {
    this.pending.push(
      aTurn().then(() => {
        if (this.failure) return;
        try {
          f();
        } catch (error) {
          this.failure = { error };
        }
      }),
    );
  }

  /** Waits for every piece added so far; throws the first failure. */
  async done(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure.error;
  }
}
