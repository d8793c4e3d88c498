import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { InputError } from "../core/errors.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { stableResolver, stagingBundleOf } from "../testing/bundles.ts";
import { repoRoot } from "../testing/cli.ts";
import { decodeBundle, encodeBundle } from "./bundle.ts";
import { parseImageReference, registryOf } from "./image-ref.ts";
import { containerImages, pinObjects } from "./pin.ts";

const tree = loadManifestTree(join(repoRoot, "manifests"));
const commit = "0123456789abcdef0123456789abcdef01234567";

const stableRegistry = stableResolver();

const stagingBundle = (resolver = stableRegistry) => stagingBundleOf(tree, commit, "", resolver);

describe("release bundle", () => {
  test("built twice from the same inputs, it has one hash and the same bytes", async () => {
    const a = await stagingBundle();
    const b = await stagingBundle();
    expect(a.sha256).toMatch(/^[a-f0-9]{64}$/);
    expect(b.sha256).toBe(a.sha256);
    expect(encodeBundle(b)).toBe(encodeBundle(a));
  });

  test("every container runs an image pinned by digest, and the image map names each repository once", async () => {
    const bundle = await stagingBundle();
    const images = containerImages(bundle.content.objects);
    expect(images.length).toBeGreaterThan(0);
    for (const { image } of images) expect(image).toMatch(/@sha256:[a-f0-9]{64}$/);
    expect(Object.keys(bundle.content.images)).toEqual([
      "docker.io/grafana/grafana",
      "quay.io/prometheus/alertmanager",
      "quay.io/prometheus/prometheus",
      "us-docker.pkg.dev/overflying/platform/api",
      "us-docker.pkg.dev/overflying/platform/worker",
    ]);
    expect(bundle.content.images["us-docker.pkg.dev/overflying/platform/api"]?.tag).toBe("main");
    expect(bundle.content.commit).toBe(commit);
    expect(bundle.content.environment).toBe("staging");
  });

  test("a different digest for one tag gives a different hash", async () => {
    const a = await stagingBundle();
    const b = await stagingBundle({
      resolve: async (img) =>
        img.repository.endsWith("/api") ? `sha256:${"e".repeat(64)}` : stableRegistry.resolve(img),
    });
    expect(b.sha256).not.toBe(a.sha256);
  });

  test("the file reads back to the same bundle", async () => {
    const a = await stagingBundle();
    const back = decodeBundle(encodeBundle(a), "bundle.json");
    expect(back.sha256).toBe(a.sha256);
    expect(back.content).toEqual(a.content);
    expect(() => JSON.parse(encodeBundle(a))).not.toThrow();
  });

  test("GIVEN one byte changed WHEN the bundle is read THEN it is refused with both hashes", async () => {
    const a = await stagingBundle();
    const text = encodeBundle(a);
    const at = text.indexOf('"replicas": 1') + '"replicas": '.length;
    const tampered = `${text.slice(0, at)}9${text.slice(at + 1)}`;
    expect(tampered.length).toBe(text.length);
    const err = (() => {
      try {
        decodeBundle(tampered, "bundle.json");
        return undefined;
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toContain(`declares sha256 ${a.sha256}`);
    expect(err?.message).toMatch(/hashes to [a-f0-9]{64}/);
    expect(err?.message).toStartWith("bundle.json: ");
  });

  test("a file that is not a bundle, or a bundle whose image lacks a digest, is bad input", async () => {
    expect(() => decodeBundle("{}", "x.json")).toThrow("not a flyby bundle");
    const a = await stagingBundle();
    const stripped = { ...a.content, images: { ...a.content.images, x: { repository: "x" } } };
    const { sealBundle } = await import("./bundle.ts");
    const text = encodeBundle(sealBundle(stripped as never));
    expect(() => decodeBundle(text, "x.json")).toThrow("content.images.x.digest");
  });

  test("pinning refuses an image the bundle does not pin, naming the object", () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "side", namespace: "production" },
      spec: { template: { spec: { containers: [{ name: "c", image: "ghcr.io/other/tool:1" }] } } },
    } as KubeObject;
    expect(() => pinObjects([deployment], {}, "production")).toThrow(
      "production would run ghcr.io/other/tool:1 (in Deployment production/side), which the bundle does not pin",
    );
  });
});

describe("image references", () => {
  test("parse and locate the registry", () => {
    expect(parseImageReference("127.0.0.1:5000/a/b:v1")).toEqual({
      repository: "127.0.0.1:5000/a/b",
      tag: "v1",
    });
    expect(parseImageReference(`a/b@sha256:${"a".repeat(64)}`)).toEqual({
      repository: "a/b",
      digest: `sha256:${"a".repeat(64)}`,
    });
    expect(registryOf("docker.io/grafana/grafana")).toEqual({
      host: "registry-1.docker.io",
      name: "grafana/grafana",
    });
    expect(registryOf("nginx")).toEqual({ host: "registry-1.docker.io", name: "library/nginx" });
    expect(registryOf("us-docker.pkg.dev/p/r/api")).toEqual({ host: "us-docker.pkg.dev", name: "p/r/api" });
    expect(() => parseImageReference("a@sha256:short")).toThrow("is not an image reference");
  });
});
