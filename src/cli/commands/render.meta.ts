import { outputMarker } from "../../wiring/repository.ts";
import type { Command } from "../command.ts";

export const renderCommand: Command = {
  name: "render",
  summary: "Render an environment's objects as deterministic YAML",
  synopsis: "render --env E [--out DIR]",
  details: `
Renders manifests/templates/** with the environment's values (Handlebars, strict mode) and
keeps the objects the environment owns. Output is byte-identical for the same inputs: keys in
kubectl's order (apiVersion, kind, metadata, then sorted), objects in apply order.
With --out, writes one file per object (<namespace>/<kind>-<name>.yaml, cluster-scoped objects
under _cluster/) into DIR, replacing it whole; a failure leaves DIR as it was. DIR must be new,
empty, or a folder flyby wrote before (it holds a ${outputMarker} file that lists its files);
flyby refuses anything else, and never writes to the repository or into manifests/ or alerts/.`,
  options: {
    env: { type: "string", valueName: "E", description: "the environment (see manifests/environments.yaml)" },
    out: {
      type: "string",
      valueName: "DIR",
      description: "write one file per object into DIR instead of stdout",
    },
  },
  load: () => import("./render.ts").then((m) => m.renderImplementation),
};
