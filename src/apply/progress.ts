import type { Color } from "../core/color.ts";
import { Readiness } from "./wait.ts";

/** One workload's live line: `api 2/3 updated · 1 unavailable`. */
export interface ProgressRow {
  readonly name: string;
  readonly state: Readiness;
  readonly live: string;
}

/** Where live rollout progress goes. One board may serve several targets, each its own scope. */
export interface ProgressBoard {
  show(scope: string, rows: readonly ProgressRow[]): void;
  /** Writes what has not been written yet; the last lines stay as they are. */
  end(): void;
}

export type Tint = Extract<Color, "green" | "red">;

export interface BoardOptions {
  /** Redraw the lines in place (a terminal) rather than append them (a CI log). */
  readonly tty: boolean;
  write(text: string): void;
  now(): number;
  /** Colours a line; the caller decides whether colour is on (NO_COLOR, FORCE_COLOR, a TTY). */
  tint?(colour: Tint, text: string): string;
  /** In a log, the least time between two writes; changes in between are written together. */
  readonly minGapMs?: number;
  /** In a log, how long without a change before the unfinished lines are written again. */
  readonly everyMs?: number;
}

/** A CI log gets a line per change at most every 2 s, and a reminder after 30 s of quiet. */
export const defaultMinGapMs = 2000;
export const defaultEveryMs = 30_000;

interface Line {
  readonly key: string;
  readonly text: string;
  readonly state: Readiness;
}

const eraseLines = (n: number) => (n > 0 ? `\u001b[${n}F\u001b[J` : "");

/**
 * Live progress, one line per workload: redrawn in place in a terminal on every change; in a
 * log, appended when a line changed (at most every `minGapMs`) and repeated every `everyMs`
 * while something is still rolling out, so a quiet log still shows the wait is alive.
 */
export function progressBoard(options: BoardOptions): ProgressBoard {
  const minGapMs = options.minGapMs ?? defaultMinGapMs;
  const everyMs = options.everyMs ?? defaultEveryMs;
  const tint = options.tint ?? ((_: Tint, text: string) => text);
  const scopes = new Map<string, readonly ProgressRow[]>();
  const written = new Map<string, string>();
  let drawn: readonly string[] = [];
  let lastWrite = Number.NEGATIVE_INFINITY;

  const lines = (): Line[] =>
    [...scopes].flatMap(([scope, rows]) =>
      rows.map((r) => ({
        key: `${scope}\n${r.name}`,
        text: `${scopes.size > 1 ? `${scope}: ` : ""}${r.name} ${r.live}`,
        state: r.state,
      })),
    );
  const tinted = (l: Line) =>
    l.state === Readiness.Ready
      ? tint("green", l.text)
      : l.state === Readiness.Failed
        ? tint("red", l.text)
        : l.text;

  const redraw = () => {
    const next = lines().map(tinted);
    if (next.length === drawn.length && next.every((l, i) => l === drawn[i])) return;
    options.write(`${eraseLines(drawn.length)}${next.map((l) => `${l}\n`).join("")}`);
    drawn = next;
  };

  const append = (flush: boolean) => {
    const now = options.now();
    if (!flush && now - lastWrite < minGapMs) return;
    const all = lines();
    let due = all.filter((l) => written.get(l.key) !== l.text);
    if (due.length === 0 && !flush && now - lastWrite >= everyMs)
      due = all.filter((l) => l.state === Readiness.Progressing);
    if (due.length === 0) return;
    for (const l of due) {
      options.write(`${tinted(l)}\n`);
      written.set(l.key, l.text);
    }
    lastWrite = now;
  };

  return {
    show(scope, rows) {
      scopes.set(scope, rows);
      if (options.tty) redraw();
      else append(false);
    },
    end() {
      if (!options.tty) append(true);
    },
  };
}
