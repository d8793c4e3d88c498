import { createHash } from "node:crypto";
import type { KubeObject } from "../core/kube/object.ts";

type Obj = Record<string, unknown>;

/** Names of env vars and annotations whose values are treated as secret. */
const sensitiveName = /pass(word|wd)?|secret|token|key|credential|auth/i;

export function isSensitiveName(name: string): boolean {
  return sensitiveName.test(name);
}

/**
 * Replaces secret values with a short hash salted per run: equal values hash equal within one
 * report (so "password changed" shows), but a hash cannot be looked up across runs.
 */
export class Redactor {
  constructor(private readonly salt: string) {}

  mask(value: unknown): string {
    const digest = createHash("sha256")
      .update(this.salt)
      .update("\u0000")
      .update(String(value))
      .digest("hex");
    return `<redacted sha256:${digest.slice(0, 8)}>`;
  }

  /** A copy with every Secret value, sensitive env value and sensitive annotation masked. */
  object(o: KubeObject): KubeObject {
    const copy = structuredClone(o) as Obj;
    if (copy.kind === "Secret") {
      for (const field of ["data", "stringData"]) {
        const values = copy[field];
        if (values && typeof values === "object") {
          copy[field] = Object.fromEntries(Object.entries(values as Obj).map(([k, v]) => [k, this.mask(v)]));
        }
      }
    }
    const meta = copy.metadata as Obj | undefined;
    if (meta?.annotations && typeof meta.annotations === "object") {
      meta.annotations = Object.fromEntries(
        Object.entries(meta.annotations as Obj).map(([k, v]) => [k, isSensitiveName(k) ? this.mask(v) : v]),
      );
    }
    this.walkEnv(copy);
    return copy as KubeObject;
  }

  private walkEnv(v: unknown): void {
    if (Array.isArray(v)) {
      for (const x of v) this.walkEnv(x);
      return;
    }
    if (!v || typeof v !== "object") return;
    const o = v as Obj;
    if (Array.isArray(o.env)) {
      for (const e of o.env as Obj[]) {
        if (e && typeof e.name === "string" && "value" in e && isSensitiveName(e.name))
          e.value = this.mask(e.value);
      }
    }
    for (const [k, child] of Object.entries(o)) if (k !== "env") this.walkEnv(child);
  }
}

/** A salt for one run, from an injected source of randomness. */
export function newSalt(random: () => Uint8Array = () => crypto.getRandomValues(new Uint8Array(16))): string {
  return Buffer.from(random()).toString("hex");
}
