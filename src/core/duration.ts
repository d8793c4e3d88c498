import { InputError } from "./errors.ts";

/** A length of time as a value, parsed from Prometheus/Go-style text such as `90s`, `3m` or `1h30m`. */
export class Duration {
  private constructor(readonly milliseconds: number) {}

  static ofMilliseconds(ms: number): Duration {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`a duration must be a finite, non-negative number: ${ms}`);
    return new Duration(ms);
  }

  static ofSeconds(s: number): Duration {
    return Duration.ofMilliseconds(s * 1000);
  }

  static parse(text: string, what = "duration"): Duration {
    const units: Record<string, number> = {
      ms: 1,
      s: 1000,
      m: 60_000,
      h: 3_600_000,
      d: 86_400_000,
      w: 604_800_000,
    };
    const re = /(\d+)(ms|s|m|h|d|w)/y;
    let total = 0;
    let pos = 0;
    while (pos < text.length) {
      re.lastIndex = pos;
      const m = re.exec(text);
      if (!m) break;
      total += Number(m[1]) * (units[m[2] as string] as number);
      pos = re.lastIndex;
    }
    if (text.length === 0 || pos !== text.length) {
      throw new InputError(`${what} "${text}" is not a duration; write it like 90s, 3m or 1h30m`);
    }
    return new Duration(total);
  }

  get seconds(): number {
    return this.milliseconds / 1000;
  }

  /** Canonical text: the largest units first, e.g. `1h30m`, `15s`, `250ms`. */
  toString(): string {
    let rest = this.milliseconds;
    if (rest === 0) return "0s";
    let out = "";
    for (const [unit, size] of [
      ["w", 604_800_000],
      ["d", 86_400_000],
      ["h", 3_600_000],
      ["m", 60_000],
      ["s", 1000],
      ["ms", 1],
    ] as const) {
      const n = Math.floor(rest / size);
      if (n > 0) {
        out += `${n}${unit}`;
        rest -= n * size;
      }
    }
    return out;
  }
}
