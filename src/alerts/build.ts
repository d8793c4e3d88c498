/** `alerts build` without the disk: the generated files and the lint findings. */
import { InputError } from "../core/errors.ts";
import type { Finding } from "../core/finding.ts";
import { sortFindings } from "../core/finding.ts";
import type { SourceLocation } from "../core/location.ts";
import type { AlertsDefinition } from "./definition.ts";
import { generate } from "./generate.ts";
import { lint } from "./lint.ts";

export interface AlertsBuild {
  readonly files: ReadonlyMap<string, string>;
  readonly findings: readonly Finding[];
}

/** Paths under `root` are shown relative to it, the way people open them. */
export function relativeLocation(loc: SourceLocation, root: string): SourceLocation {
  const prefix = `${root.replace(/\/+$/, "")}/`;
  return loc.file.startsWith(prefix) ? { ...loc, file: loc.file.slice(prefix.length) } : loc;
}

/** Lints first: raw PromQL that does not parse throws InputError (exit 2) before anything is generated. */
export function buildAlerts(def: AlertsDefinition, root: string): AlertsBuild {
  let linted: Finding[];
  try {
    linted = lint(def);
  } catch (e) {
    if (e instanceof InputError && e.location) {
      throw new InputError(e.reason, relativeLocation(e.location, root), e.fieldPath);
    }
    throw e;
  }
  const findings = linted.map((f) =>
    f.location ? { ...f, location: relativeLocation(f.location, root) } : f,
  );
  return { files: generate(def), findings: sortFindings(findings) };
}
