/** The ANSI palette every coloured output uses. */
const codes = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
export type Color = keyof typeof codes;

/** `text` in `color` when colour is on; the edge decides that once, with `colorWanted`. */
export function paint(on: boolean, color: Color, text: string): string {
  return on ? `\u001b[${codes[color]}m${text}\u001b[0m` : text;
}

/** The environment variables the colour decision reads. */
export interface ColorEnv {
  readonly NO_COLOR?: string | undefined;
  readonly FORCE_COLOR?: string | undefined;
}

/**
 * Whether a terminal stream gets colour: `NO_COLOR` set and non-empty turns it off
 * (no-color.org); otherwise `FORCE_COLOR` turns it on even without a TTY (CI logs), and
 * `FORCE_COLOR=0` or `false` turns it off; otherwise colour follows the TTY.
 */
export function colorWanted(env: ColorEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  return isTTY;
}
