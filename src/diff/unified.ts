import { formatPatch, OMIT_HEADERS, structuredPatch } from "diff";

/**
 * The text as whole lines: a last line without its newline is the same line as with it, so a
 * diff never reports "\ No newline at end of file" (every object's YAML ends with one anyway).
 */
function asLines(text: string): string {
  return text === "" || text.endsWith("\n") ? text : `${text}\n`;
}

/** A unified diff (`@@ -a,b +c,d @@` hunks with `context` lines around changes); "" when equal. */
export function unifiedDiff(before: string, after: string, context = 3): string {
  if (before === after) return "";
  const patch = structuredPatch("", "", asLines(before), asLines(after), undefined, undefined, { context });
  return formatPatch(patch, OMIT_HEADERS);
}
