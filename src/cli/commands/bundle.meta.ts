import type { Command } from "../command.ts";

export const bundleCommand: Command = {
  name: "bundle",
  summary: "Write a release bundle: rendered objects, images pinned by digest, sha256",
  synopsis: "bundle --env E --out FILE [--commit SHA]",
  details: `
Renders the environment, resolves every image tag to its digest through the OCI
distribution API (HEAD on the manifest, Docker-Content-Digest; bearer tokens as Artifact
Registry asks for them) and writes one JSON file whose content hashes to the sha256 it
declares. The same commit, values and registry state give the same bytes. Bundle the
environment that others promote from (promotesFrom in manifests/environments.yaml): its
successful Deployment of the bundle is what lets promote take it further along the chain.
Registry credentials: FLYBY_REGISTRY_PASSWORD (an access token), FLYBY_REGISTRY_USERNAME
(default oauth2accesstoken). Exit 2 for a tag the registry does not have, 3 when the
registry cannot be reached after retries. An existing FILE is replaced only when it is a flyby
bundle; flyby refuses to overwrite any other file, and never writes into manifests/ or alerts/.`,
  options: {
    env: {
      type: "string",
      valueName: "E",
      description: "the environment to bundle (one that others promote from)",
    },
    out: { type: "string", valueName: "FILE", description: "where to write the bundle" },
    commit: {
      type: "string",
      valueName: "SHA",
      description: "the source commit",
      defaultFrom: "GITHUB_SHA, then HEAD",
    },
  },
  load: () => import("./bundle.ts").then((m) => m.bundleImplementation),
};
