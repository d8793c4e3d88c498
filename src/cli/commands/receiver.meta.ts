import type { Command } from "../command.ts";

export const receiverServe: Command = {
  name: "receiver serve",
  summary: "Serve the alert receiver under Bun.serve",
  synopsis:
    "receiver serve [--port P] [--host H] [--config FILE] [--store sqlite:PATH|memory] [--insecure-no-auth]",
  details: `Receives Alertmanager webhooks on POST /alertmanager and delivers them to the sinks of the
config (Slack, GitHub issues, webhooks) exactly once. GET /healthz, GET /metrics, GET / (status).
The token comes from FLYBY_RECEIVER_TOKEN (or tokens.<route> in the config); with none the
receiver refuses to start unless --insecure-no-auth is given. The config is JSON, from --config
or FLYBY_RECEIVER_CONFIG. Runs until SIGINT or SIGTERM.
Example: FLYBY_RECEIVER_TOKEN=... flyby receiver serve --config receiver.json --port 9095`,
  options: {
    port: {
      type: "string",
      valueName: "P",
      description: "port to listen on (0 picks one)",
      defaultFrom: "$PORT, else 9095",
    },
    host: { type: "string", valueName: "H", description: "address to bind", default: "0.0.0.0" },
    config: { type: "string", valueName: "FILE", description: "receiver config (JSON)" },
    store: {
      type: "string",
      valueName: "S",
      description: "idempotency store: sqlite:PATH or memory",
      default: "sqlite:.flyby/receiver.db",
    },
    "insecure-no-auth": {
      type: "boolean",
      description: "serve routes that have no token without authentication",
    },
  },
  load: () => import("./receiver.ts").then((m) => m.receiverServeImplementation),
};
