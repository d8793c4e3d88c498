import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { resolveUserPath } from "../../adapters/user-path.ts";
import { EnvironmentError, InputError, UsageError } from "../../core/errors.ts";
import { ExitCode } from "../../core/exit-code.ts";
import { bunSha256, serveWithBun } from "../../receiver/bun/serve.ts";
import { receiverEnv, receiverFromEnv } from "../../receiver/runtime.ts";
import { type DeliveryStore, MemoryStore } from "../../receiver/store.ts";
import { SqliteStore } from "../../receiver/stores/sqlite.ts";
import type { Command, CommandContext } from "../command.ts";
import { flag, parseTarget, stringOption, userPath } from "../options.ts";

function port(ctx: CommandContext): number {
  const text = stringOption(ctx, "port") ?? ctx.env.PORT ?? "9095";
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port "${text}" is not a port number`);
  return n;
}

function store(ctx: CommandContext): { store: DeliveryStore; label: string } {
  const { scheme, rest } = parseTarget(stringOption(ctx, "store") ?? "sqlite:.flyby/receiver.db", "store", [
    "sqlite",
    "memory",
  ]);
  if (scheme === "memory") return { store: new MemoryStore(), label: "memory" };
  const path = rest ? userPath(ctx, rest) : resolveUserPath(ctx.cwd, ".flyby/receiver.db");
  mkdirSync(dirname(path), { recursive: true });
  return { store: new SqliteStore(path), label: `sqlite ${path}` };
}

function configJson(ctx: CommandContext): { json?: string; origin?: string } {
  const file = stringOption(ctx, "config");
  if (!file) return {};
  try {
    return { json: readFileSync(userPath(ctx, file), "utf8"), origin: file };
  } catch (e) {
    throw new InputError(`cannot read the receiver config: ${(e as Error).message}`, { file });
  }
}

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
      description: "port to listen on (default 9095, or $PORT; 0 picks one)",
    },
    host: { type: "string", valueName: "H", description: "address to bind (default 0.0.0.0)" },
    config: { type: "string", valueName: "FILE", description: "receiver config (JSON)" },
    store: {
      type: "string",
      valueName: "S",
      description: "idempotency store: sqlite:PATH (default sqlite:.flyby/receiver.db) or memory",
    },
    "insecure-no-auth": {
      type: "boolean",
      description: "serve routes that have no token without authentication",
    },
  },
  async run(ctx) {
    const listenPort = port(ctx);
    const { json, origin } = configJson(ctx);
    let storeLabel = "";
    const receiver = receiverFromEnv(
      // --insecure-no-auth, not the environment, opens routes here.
      { ...receiverEnv((name) => ctx.env[name]), FLYBY_RECEIVER_INSECURE_NO_AUTH: undefined },
      {
        store: () => {
          const chosen = store(ctx);
          storeLabel = chosen.label;
          return chosen.store;
        },
        configJson: json,
        ...(origin ? { configOrigin: origin } : {}),
        insecureNoAuth: flag(ctx, "insecure-no-auth"),
        sha256: bunSha256,
        log: (line) => ctx.out.stderr(`${line}\n`),
      },
    );
    const host = stringOption(ctx, "host") ?? "0.0.0.0";
    let server: ReturnType<typeof serveWithBun>;
    try {
      server = serveWithBun(receiver, listenPort, host);
    } catch (e) {
      throw new EnvironmentError(`cannot listen on ${host}:${listenPort}: ${(e as Error).message}`);
    }
    const url = `http://${host}:${server.port}`;
    ctx.out.stdout(
      ctx.out.json
        ? `${JSON.stringify({ listening: url, store: storeLabel })}\n`
        : `flyby receiver listening on ${url} (store: ${storeLabel})\n`,
    );
    await new Promise<void>((done) => {
      process.once("SIGINT", done);
      process.once("SIGTERM", done);
    });
    await server.stop();
    return ExitCode.Ok;
  },
};
