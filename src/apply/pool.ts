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

/** `f` at the event loop's next turn: work handed on this way holds no request back. */
export function atNextTurn<T>(f: () => T): Promise<T> {
  return new Promise((resolve, reject) =>
    setImmediate(() => {
      try {
        resolve(f());
      } catch (e) {
        reject(e);
      }
    }),
  );
}
