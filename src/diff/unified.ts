import { formatPatch, OMIT_HEADERS, structuredPatch } from "diff";

/**
 * The text as whole lines: a last line without its newline is the same line as with it, so a
 * diff never reports "\ No newline at end of file" (every object's YAML ends with one anyway).
 */
function asLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Lines `a` and `b` share at the start, and then at the end of what is left. */
function sharedEnds(a: readonly string[], b: readonly string[]): { head: number; tail: number } {
  const most = Math.min(a.length, b.length);
  let head = 0;
  while (head < most && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < most - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { head, tail };
}

const text = (lines: readonly string[]) => (lines.length ? `${lines.join("\n")}\n` : "");

/**
 * A unified diff (`@@ -a,b +c,d @@` hunks with `context` lines around changes); "" when equal.
 * An object's change is usually a line or two in the middle of its YAML: the lines both sides
 * share at the ends are cut before diffing, all but the `context` nearest the change, and the
 * hunks are moved back to where those lines start.
 */
export function unifiedDiff(before: string, after: string, context = 3): string {
  if (before === after) return "";
  const a = asLines(before);
  const b = asLines(after);
  const { head, tail } = sharedEnds(a, b);
  const skip = Math.max(0, head - context);
  const drop = Math.max(0, tail - context);
  const patch = structuredPatch(
    "",
    "",
    text(a.slice(skip, a.length - drop)),
    text(b.slice(skip, b.length - drop)),
    undefined,
    undefined,
    { context },
  );
  if (patch.hunks.length === 0) return "";
  for (const hunk of patch.hunks) {
    hunk.oldStart += skip;
    hunk.newStart += skip;
  }
  return formatPatch(patch, OMIT_HEADERS);
}
