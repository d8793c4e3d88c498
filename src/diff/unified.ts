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

/** How many lines `a` and `b` share at the start. */
function sharedHead(a: readonly string[], b: readonly string[]): number {
  const most = Math.min(a.length, b.length);
  let head = 0;
  while (head < most && a[head] === b[head]) head++;
  return head;
}

const text = (lines: readonly string[]) => (lines.length ? `${lines.join("\n")}\n` : "");

/**
 * A unified diff (`@@ -a,b +c,d @@` hunks with `context` lines around changes); "" when equal.
 * An object's change is usually a line or two in its YAML: the lines both sides share at the
 * start are cut before diffing, all but the `context` nearest the change, and the hunks are
 * moved back to where those lines start. The diff itself takes the same shared start first, so
 * the hunks are the same. The shared end is not cut: where lines repeat, the diff lines the
 * changes up against it, and cutting it would change which lines it pairs.
 */
export function unifiedDiff(before: string, after: string, context = 3): string {
  if (before === after) return "";
  const a = asLines(before);
  const b = asLines(after);
  const skip = Math.max(0, sharedHead(a, b) - context);
  const patch = structuredPatch("", "", text(a.slice(skip)), text(b.slice(skip)), undefined, undefined, {
    context,
  });
  if (patch.hunks.length === 0) return "";
  for (const hunk of patch.hunks) {
    hunk.oldStart += skip;
    hunk.newStart += skip;
  }
  return formatPatch(patch, OMIT_HEADERS);
}
