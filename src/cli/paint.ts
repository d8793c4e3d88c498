const codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
export type Paint = keyof typeof codes;

/** ANSI colour when the edge decided colour is on (a TTY, no NO_COLOR, no --json). */
export function paint(on: boolean, color: Paint, text: string): string {
  return on ? `\u001b[${codes[color]}m${text}\u001b[0m` : text;
}
