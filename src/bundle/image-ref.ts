import { InputError } from "../core/errors.ts";

/** An image as a container spec names it: `repository[:tag][@digest]`. */
export interface ImageRef {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const digestShape = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: string): boolean {
  return digestShape.test(s);
}

export function parseImageReference(text: string): ImageRef {
  const at = text.indexOf("@");
  const named = at < 0 ? text : text.slice(0, at);
  const digest = at < 0 ? undefined : text.slice(at + 1);
  const slash = named.lastIndexOf("/");
  const colon = named.lastIndexOf(":");
  const hasTag = colon > slash;
  const repository = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : undefined;
  if (repository === "" || (digest !== undefined && !isDigest(digest))) {
    throw new InputError(`"${text}" is not an image reference (repository[:tag][@sha256:…])`);
  }
  return { repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `repository@digest` when pinned, else `repository:tag`. */
export function formatImageReference(img: ImageRef): string {
  return img.digest ? `${img.repository}@${img.digest}` : `${img.repository}:${img.tag ?? "latest"}`;
}

/** Where a repository lives: the registry host and the name inside it (Docker Hub's defaults applied). */
export function registryOf(repository: string): { host: string; name: string } {
  const slash = repository.indexOf("/");
  const first = slash < 0 ? "" : repository.slice(0, slash);
  const isHost = first.includes(".") || first.includes(":") || first === "localhost";
  if (!isHost) {
    return { host: "registry-1.docker.io", name: slash < 0 ? `library/${repository}` : repository };
  }
  const host = first === "docker.io" ? "registry-1.docker.io" : first;
  const name = repository.slice(slash + 1);
  return { host, name: host === "registry-1.docker.io" && !name.includes("/") ? `library/${name}` : name };
}
