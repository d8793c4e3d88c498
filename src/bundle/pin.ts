import { InputError } from "../core/errors.ts";
import { describeRef, type KubeObject, refOf } from "../core/kube/object.ts";
import { type Bundle, type BundleContent, BundleFormat, type PinnedImage, sealBundle } from "./bundle.ts";
import { formatImageReference, type ImageRef, parseImageReference } from "./image-ref.ts";

/** Turns an image tag into the digest it points at now (the OCI registry adapter). */
export interface DigestResolver {
  resolve(image: ImageRef): Promise<string>;
}

const containerLists = ["containers", "initContainers", "ephemeralContainers"] as const;

/** Every container image an object would run, with the object it belongs to. */
export function containerImages(objects: readonly KubeObject[]): { image: string; owner: string }[] {
  const found: { image: string; owner: string }[] = [];
  for (const o of objects) {
    const owner = describeRef(refOf(o));
    mapImages(o, (image) => {
      found.push({ image, owner });
      return image;
    });
  }
  return found;
}

/** A copy of the object with every container image passed through `f`. */
export function mapImages<T>(value: T, f: (image: string) => string): T {
  if (Array.isArray(value)) return value.map((v) => mapImages(v, f)) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if ((containerLists as readonly string[]).includes(k) && Array.isArray(v)) {
      out[k] = v.map((c) =>
        c && typeof c === "object" && typeof c.image === "string"
          ? { ...mapImages(c, f), image: f(c.image) }
          : mapImages(c, f),
      );
    } else {
      out[k] = mapImages(v, f);
    }
  }
  return out as T;
}

/** The `image` values ({repository, tag|digest}) anywhere in an environment's values. */
export function imagesOfValues(values: unknown): ImageRef[] {
  const found: ImageRef[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        const img = child as Partial<ImageRef> | null;
        if (k === "image" && img && typeof img === "object" && typeof img.repository === "string") {
          found.push({
            repository: img.repository,
            ...(img.tag ? { tag: img.tag } : {}),
            ...(img.digest ? { digest: img.digest } : {}),
          });
        } else visit(child);
      }
    }
  };
  visit(values);
  return found;
}

/**
 * The images a release carries, one per repository: those the values name (so the shared
 * stack production runs is pinned by the same release), those the objects run, and those
 * only other environments run (an image written into a shared-stack template), so that promotion never
 * meets an image the release does not pin.
 */
export function releaseImages(
  values: unknown,
  objects: readonly KubeObject[],
  otherEnvironments: readonly KubeObject[] = [],
): ImageRef[] {
  const byRepo = new Map<string, ImageRef>();
  const add = (img: ImageRef, where: string) => {
    const seen = byRepo.get(img.repository);
    if (seen && formatImageReference(seen) !== formatImageReference(img)) {
      throw new InputError(
        `${img.repository} is named twice with different versions (${formatImageReference(seen)} and ${formatImageReference(img)}, in ${where}); a release pins one digest per repository`,
      );
    }
    byRepo.set(img.repository, img);
  };
  for (const img of imagesOfValues(values)) add(img, "the values");
  for (const { image, owner } of containerImages(objects)) add(parseImageReference(image), owner);
  for (const { image } of containerImages(otherEnvironments)) {
    const img = parseImageReference(image);
    if (!byRepo.has(img.repository)) byRepo.set(img.repository, img);
  }
  return [...byRepo.values()].sort((a, b) => a.repository.localeCompare(b.repository));
}

/**
 * Pins every container image to the release's digest. Refuses an image the release does
 * not pin: that object would run something nobody verified.
 */
export function pinObjects(
  objects: readonly KubeObject[],
  images: Readonly<Record<string, PinnedImage>>,
  environment: string,
): KubeObject[] {
  return objects.map((o) =>
    mapImages(o, (image) => {
      const ref = parseImageReference(image);
      const pin = images[ref.repository];
      if (!pin) {
        throw new InputError(
          `${environment} would run ${image} (in ${describeRef(refOf(o))}), which the bundle does not pin; pinned repositories: ${Object.keys(images).join(", ") || "none"}`,
        );
      }
      return formatImageReference({ repository: ref.repository, digest: pin.digest });
    }),
  );
}

/** Resolves every tag of the release to its digest and seals the bundle. */
export async function buildBundle(input: {
  readonly environment: string;
  readonly commit: string;
  readonly values: unknown;
  readonly objects: readonly KubeObject[];
  /** The objects the other environments render: images only they run are pinned too. */
  readonly otherEnvironments?: readonly KubeObject[];
  readonly resolver: DigestResolver;
}): Promise<Bundle> {
  const images: Record<string, PinnedImage> = {};
  for (const img of releaseImages(input.values, input.objects, input.otherEnvironments)) {
    const digest = img.digest ?? (await input.resolver.resolve(img));
    images[img.repository] = { repository: img.repository, ...(img.tag ? { tag: img.tag } : {}), digest };
  }
  const content: BundleContent = {
    format: BundleFormat,
    environment: input.environment,
    commit: input.commit,
    images,
    objects: pinObjects(input.objects, images, input.environment),
  };
  return sealBundle(content);
}
