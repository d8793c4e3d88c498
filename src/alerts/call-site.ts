import type { SourceLocation } from "../core/location.ts";

const frame = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/;
const dslDir = import.meta.dir;

/**
 * The file:line:column of the first stack frame outside the DSL's own modules: where a
 * definition called the DSL. Used so that errors found later still name the rule's source.
 */
export function callSite(): SourceLocation | undefined {
  const stack = new Error().stack ?? "";
  for (const line of stack.split("\n").slice(1)) {
    const m = frame.exec(line);
    if (!m) continue;
    const file = (m[1] as string).replace(/^file:\/\//, "");
    const inDsl = file.startsWith(`${dslDir}/`) && !/\.(type)?test\.ts$/.test(file);
    if (!inDsl) return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}
