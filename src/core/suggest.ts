import { distance } from "fastest-levenshtein";

/**
 * The candidate a mistyped word most likely meant: the nearest by edit distance, if it is
 * near enough to be a typo (two edits, a swap of two letters counting as two, or a third of
 * the word's length when that is more, and fewer edits than the word has letters), or the one
 * candidate the word is a prefix of.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const near = Math.min(Math.max(2, Math.floor(word.length / 3)), word.length - 1);
  if (best !== undefined && bestDistance <= near) return best;
  const prefixed = candidates.filter((c) => word.length > 0 && c.startsWith(word));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** ` (did you mean "render"?)`, or "" when nothing is close. */
export function didYouMean(
  word: string,
  candidates: readonly string[],
  quote = (s: string) => `"${s}"`,
): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? "" : ` (did you mean ${quote(match)}?)`;
}
