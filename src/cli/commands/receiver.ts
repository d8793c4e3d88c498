import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { resolveUserPath } from "../../adapters/user-path.ts";
import { EnvironmentError, InputError, UsageError } from "../../core/errors.ts";
import { bunSha256, serveWithBun } from "../../receiver/bun/serve.ts";
import { receiverEnv, receiverFromEnv } from "../../receiver/runtime.ts";
import { type DeliveryStore, MemoryStore } from "../../receiver/store.ts";
import { SqliteStore } from "../../receiver/stores/sqlite.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";
import { flag, parseTarget, requiredString, stringOption, userPath } from "../options.ts";

function port(ctx: CommandContext): number {
  const text = stringOption(ctx, "port") ?? ctx.env.PORT ?? "9095";
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port "${text}" is not a port number`);
  return n;
}

function store(ctx: CommandContext): { store: DeliveryStore; label: string } {
  const { scheme, rest } = parseTarget(requiredString(ctx, "store", "S"), "store", ["sqlite", "memory"]);
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

export const receiverServeImplementation: CommandImplementation = {
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
    const host = requiredString(ctx, "host", "H");
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
    return {};
  },
};
