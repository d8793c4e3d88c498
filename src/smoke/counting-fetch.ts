import type { Fetch } from "./sources.ts";

/** Counts requests, for the report and the benchmark. */
export function countingFetch(inner: Fetch): { fetch: Fetch; count(): number } {
  let n = 0;
  return {
    fetch: (url, init) => {
      n++;
      return inner(url, init);
    },
    count: () => n,
  };
}
