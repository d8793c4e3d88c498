import { z } from "zod";
import { InputError } from "../core/errors.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { canonicalJson, sha256Hex } from "./canonical.ts";

export const BundleFormat = "flyby.bundle/v1" as const;

const commitShape = /^[0-9a-f]{40}$/;
const digestShape = /^sha256:[a-f0-9]{64}$/;

const PinnedImage = z
  .object({
    repository: z.string().min(1),
    /** The tag it was resolved from, kept for people reading the bundle. */
    tag: z.string().optional(),
    digest: z.string().regex(digestShape, "must be sha256: followed by 64 hex digits"),
  })
  .strict();

const KubeObjectShape = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z.object({ name: z.string().min(1), namespace: z.string().optional() }).passthrough(),
  })
  .passthrough();

export const BundleContent = z
  .object({
    format: z.literal(BundleFormat),
    environment: z.string().min(1),
    commit: z.string().regex(commitShape, "must be a full 40-hex commit id"),
    /** repository → the digest every object of the bundle runs. */
    images: z.record(z.string(), PinnedImage),
    /** Objects in apply order, images pinned by digest. */
    objects: z.array(KubeObjectShape),
    /** For a bundle built by promotion: the sha256 of the staging bundle it came from. */
    promotedFrom: z
      .string()
      .regex(/^[a-f0-9]{64}$/)
      .optional(),
  })
  .strict();

export type PinnedImage = z.infer<typeof PinnedImage>;
export type BundleContent = Omit<z.infer<typeof BundleContent>, "objects"> & {
  readonly objects: readonly KubeObject[];
};

/** A release bundle: immutable content and the sha256 of its canonical JSON. */
export interface Bundle {
  readonly content: BundleContent;
  readonly sha256: string;
}

export function isCommit(s: string): boolean {
  return commitShape.test(s);
}

export function sealBundle(content: BundleContent): Bundle {
  return { content, sha256: sha256Hex(canonicalJson(content)) };
}

// The file is JSON whose content bytes are exactly the canonical JSON that was hashed,
// so a changed byte is caught before anything is parsed.
const head = '{"sha256":"';
const middle = '","content":';
const tail = "}\n";

export function encodeBundle(bundle: Bundle): string {
  return `${head}${bundle.sha256}${middle}${canonicalJson(bundle.content)}${tail}`;
}

/** Whether a file's text has the shape flyby writes bundles in (whatever its content). */
export function isBundleText(text: string): boolean {
  const declaredEnd = head.length + 64;
  return (
    text.startsWith(head) &&
    /^[0-9a-f]{64}$/.test(text.slice(head.length, declaredEnd)) &&
    text.slice(declaredEnd, declaredEnd + middle.length) === middle
  );
}

/** Reads a bundle file and refuses it unless its content hashes to the sha256 it declares. */
export function decodeBundle(text: string, file: string): Bundle {
  const declaredEnd = head.length + 64;
  if (!text.startsWith(head) || text.slice(declaredEnd, declaredEnd + middle.length) !== middle) {
    throw new InputError("this is not a flyby bundle (it does not start with its sha256)", { file });
  }
  if (!text.endsWith(tail)) throw new InputError("the bundle is truncated", { file });
  const declared = text.slice(head.length, declaredEnd);
  const body = text.slice(declaredEnd + middle.length, -tail.length);
  const actual = sha256Hex(body);
  if (declared !== actual) {
    throw new InputError(
      `the bundle was changed after it was built: it declares sha256 ${declared} but its content hashes to ${actual}`,
      { file },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (e) {
    throw new InputError(`the bundle's content is not JSON: ${(e as Error).message}`, { file });
  }
  const parsed = BundleContent.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `the bundle's content is not valid: ${issue?.message}`,
      { file },
      `content.${issue?.path.join(".")}`,
    );
  }
  return { content: parsed.data as BundleContent, sha256: actual };
}

/** `sha256:abcdef012345` for people. */
export function shortHash(sha256: string): string {
  return `sha256:${sha256.slice(0, 12)}`;
}
