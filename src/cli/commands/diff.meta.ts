import { kubeOptions, requestTimeoutOptions } from "../../core/options.ts";
import type { Command } from "../command.ts";
import { fleetOption } from "./fleet.meta.ts";

export const diffCommand: Command = {
  name: "diff",
  summary: "Object-level diff of an environment against a git ref, a folder or the live cluster",
  synopsis:
    "diff --env E --against git:REF|dir:PATH|cluster [--kubeconfig P] [--context C | --gke env] [--request-timeout D] [--format text|markdown|json]",
  details: `
Renders the environment and compares it, object by object (group, kind, namespace, name), with:
  git:REF    the same environment rendered from REF (read with git ls-tree/cat-file, no checkout)
  dir:PATH   hydrated YAML/JSON files under PATH; every object there is inventory, so one no
             longer rendered shows as a removal
  cluster    the live cluster, as \`flyby apply\` would change it: the objects are sent in the
             form apply sends them (ApplySet label, applied hash); the environment's ApplySet
             gives the live state (its parent, one LIST per kind and namespace), and a removal
             is a member of that set no longer rendered. An object whose live state already
             holds what apply would send needs no request; the others are dry-run
             (fieldManager flyby) without force, and a conflict with another field manager is
             shown as a risk naming the manager and the fields, with the diff of what
             --force-conflicts would do. 16 requests in flight. With --gke env, every
             cluster of the environment at once, one diff per cluster; a cluster that
             cannot be read gets one line instead, with the cause and its API server's URL
             ("unreachable" in --format json), and the others are still shown.
Fields the server owns are ignored (the report's footnote lists them). Secret values never
appear: changed keys show with a hash salted per run.
Exit codes: 0 nothing changed, 1 changes found, 2 bad input (e.g. an unreadable ref), 3 the
cluster (with --gke env: any cluster) could not be reached, whatever the others found.`,
  options: {
    env: { type: "string", valueName: "E", description: "the environment (see manifests/environments.yaml)" },
    against: { type: "string", valueName: "git:REF|dir:PATH|cluster", description: "what to compare with" },
    ...kubeOptions,
    ...fleetOption,
    ...requestTimeoutOptions,
    format: {
      type: "string",
      valueName: "F",
      description: "text, markdown or json",
      defaultFrom: "text, or json with --json",
    },
  },
  load: () => import("./diff.ts").then((m) => m.diffImplementation),
};
