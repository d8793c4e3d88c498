import type { KubeObject } from "../core/kube/object.ts";
import { sha256Hex } from "./sha256.ts";

/**
 * The one redaction module: the diff in every format, the PR comment, the job summary, the
 * logs and the alert receiver all mask through it. A value is secret when its name says so
 * (env vars, annotations, Secret data) or when the value itself looks like a credential.
 * Pure and free of Node built-ins, so the receiver's edge bundles use it as it is.
 */

type Obj = Record<string, unknown>;

/** Names of env vars and annotations whose values are treated as secret. */
const sensitiveName = /pass(word|wd)?|secret|token|key|credential|auth|private/i;

export function isSensitiveName(name: string): boolean {
  return sensitiveName.test(name);
}

/**
 * Credentials recognised by their value, anywhere in a text. Group 1, when present, is the
 * part to mask (the password of a URL); otherwise the whole match is.
 */
const credentialPatterns: readonly RegExp[] = [
  // scheme://user:password@host — the password only.
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:([^\s@/'"]+)@/gi,
  // GitHub tokens: classic and fine-grained.
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  // Slack tokens.
  /\bxox[abprse]-[A-Za-z0-9-]{6,}/g,
  // AWS access key ids, Google API keys, GitLab, OpenAI-style and Stripe keys.
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g,
  /\bsk-[A-Za-z0-9_-]{20,}\b/g,
  // JSON Web Tokens: three base64url parts, the first two JSON objects.
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  // PEM blocks (private keys, certificates): the whole block.
  /-----BEGIN (?:[A-Z0-9]+ )*[A-Z0-9]+-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*[A-Z0-9]+-----|$)/g,
  // Authorization header values: a token on the same line, long and with a digit (not "Basic auth").
  /\b(?:Bearer|Basic)[ \t]+((?=[A-Za-z._~+/=-]*[0-9])[A-Za-z0-9._~+/=-]{16,})/g,
];

/**
 * Every credential pattern in one case-insensitive alternation: it matches wherever any of them
 * does (and sometimes where none does), so a text it does not match has nothing to mask. Most
 * strings in an object are names and numbers; one scan settles them instead of one per pattern.
 */
const mayHoldCredential = new RegExp(credentialPatterns.map((re) => `(?:${re.source})`).join("|"), "i");

/** Whether a text holds something that looks like a credential. */
export function looksLikeCredential(text: string): boolean {
  return credentialPatterns.some((re) => {
    re.lastIndex = 0;
    const found = re.test(text);
    re.lastIndex = 0;
    return found;
  });
}

/**
 * A long, random-looking token: no spaces, letters of both cases and digits, at least
 * 4 bits of entropy per character, and a change of character class at least every third
 * character (words and ids change rarely). Used for env values, where such strings are keys; not
 * for free text, where hashes and ids would be caught too.
 */
export function looksRandom(value: string): boolean {
  if (value.length < 24 || value.length > 4096 || !/^[A-Za-z0-9+/=_.-]+$/.test(value)) return false;
  if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9]/.test(value)) return false;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    entropy -= p * Math.log2(p);
  }
  if (entropy < 4) return false;
  // Words change between lower case, upper case and digits rarely; random tokens all the time.
  const kind = (c: string) => (/[a-z]/.test(c) ? 0 : /[A-Z]/.test(c) ? 1 : /[0-9]/.test(c) ? 2 : 3);
  let switches = 0;
  for (let i = 1; i < value.length; i++)
    if (kind(value[i] as string) !== kind(value[i - 1] as string)) switches++;
  return switches / value.length >= 0.3;
}

/** `list` mapped by `f`; the list itself when `f` returned every item as it was. */
function mapUnlessSame<T>(list: readonly T[], f: (item: T) => T): readonly T[] {
  const mapped = list.map(f);
  return mapped.some((x, i) => x !== list[i]) ? mapped : list;
}

/**
 * Replaces secret values with a short hash salted per run: equal values hash equal within one
 * report (so "password changed" shows), but a hash cannot be looked up across runs.
 */
export class Redactor {
  constructor(private readonly salt: string) {}

  mask(value: unknown): string {
    return `<redacted sha256:${sha256Hex(`${this.salt}\u0000${String(value)}`).slice(0, 8)}>`;
  }

  /** A text with every credential found in it masked, the rest kept. */
  text(value: string): string {
    if (!mayHoldCredential.test(value)) return value;
    let out = value;
    for (const re of credentialPatterns) {
      re.lastIndex = 0;
      out = out.replace(re, (match: string, secret?: unknown) =>
        typeof secret === "string" && secret !== ""
          ? match.replace(secret, this.mask(secret))
          : this.mask(match),
      );
    }
    return out;
  }

  /** A value that is secret by its name, masked whole; any other value with credentials masked in it. */
  named(name: string, value: unknown): unknown {
    if (isSensitiveName(name)) return this.mask(value);
    return this.deep(value);
  }

  /** A copy of any JSON-like value with every credential in its strings masked. */
  deep(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.deep(v));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value as Obj).map(([k, v]) => [k, this.deep(v)]));
    }
    return value;
  }

  /**
   * The object with every Secret value masked, env values and annotations that are secret by
   * name or look random masked whole, and credentials in any other string masked where they
   * appear. Parts with nothing to mask are the input's own (shared, not copied); the input is
   * never changed.
   */
  object(o: KubeObject): KubeObject {
    const source = o as unknown as Obj;
    const copy = { ...(this.walk(source) as Obj) };
    if (copy.kind === "Secret") {
      for (const field of ["data", "stringData"]) {
        const values = source[field];
        if (values && typeof values === "object") {
          copy[field] = Object.fromEntries(Object.entries(values as Obj).map(([k, v]) => [k, this.mask(v)]));
        }
      }
    }
    const meta = source.metadata as Obj | undefined;
    if (meta?.annotations && typeof meta.annotations === "object") {
      copy.metadata = {
        ...(copy.metadata as Obj),
        annotations: Object.fromEntries(
          Object.entries(meta.annotations as Obj).map(([k, v]) => [k, this.named(k, v)]),
        ),
      };
    }
    return copy as unknown as KubeObject;
  }

  /** `v` with credentials masked; the very same value when nothing in it was masked. */
  private walk(v: unknown): unknown {
    if (typeof v === "string") return this.text(v);
    if (Array.isArray(v)) return mapUnlessSame(v, (x) => this.walk(x));
    if (!v || typeof v !== "object") return v;
    // The copy starts at the first masked value: a map with nothing to mask is not copied.
    let out: Obj | undefined;
    for (const k of Object.keys(v)) {
      const child = (v as Obj)[k];
      const next = k === "env" && Array.isArray(child) ? this.envVars(child) : this.walk(child);
      if (next !== child) out ??= { ...(v as Obj) };
      if (out) out[k] = next;
    }
    return out ?? v;
  }

  private envVars(list: readonly unknown[]): readonly unknown[] {
    return mapUnlessSame(list, (e) => this.envVar(e));
  }

  private envVar(e: unknown): unknown {
    if (!e || typeof e !== "object") return this.walk(e);
    const { name, value } = e as Obj;
    const walked = this.walk(e) as Obj;
    if (typeof name === "string" && "value" in (e as Obj)) {
      const secret = isSensitiveName(name) || (typeof value === "string" && looksRandom(value));
      if (secret) return { ...walked, value: this.mask(value) };
    }
    return walked;
  }
}

/** A salt for one run, from an injected source of randomness. */
export function newSalt(random: () => Uint8Array = () => crypto.getRandomValues(new Uint8Array(16))): string {
  return [...random()].map((b) => b.toString(16).padStart(2, "0")).join("");
}
