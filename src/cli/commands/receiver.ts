import { type ReceiverServeRequest, type StoreChoice, serveReceiver } from "../../app/receiver-serve.ts";
import { UsageError } from "../../core/errors.ts";
import { flag, parseTarget, requiredString, stringOption, userPath } from "../../core/options.ts";
import { resolveUserPath } from "../../core/user-path.ts";
import { receiverServeWorld } from "../../wiring/receiver.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";

function port(ctx: CommandContext): number {
  const text = stringOption(ctx, "port") ?? ctx.env.PORT ?? "9095";
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port "${text}" is not a port number`);
  return n;
}

function store(ctx: CommandContext): StoreChoice {
  const { scheme, rest } = parseTarget(requiredString(ctx, "store", "S"), "store", ["sqlite", "memory"]);
  if (scheme === "memory") return { kind: "memory" };
  return {
    kind: "sqlite",
    path: rest ? userPath(ctx, rest) : resolveUserPath(ctx.cwd, ".flyby/receiver.db"),
  };
}

function request(ctx: CommandContext): ReceiverServeRequest {
  const config = stringOption(ctx, "config");
  return {
    port: port(ctx),
    host: requiredString(ctx, "host", "H"),
    store: store(ctx),
    configFile: config ? { path: userPath(ctx, config), given: config } : undefined,
    insecureNoAuth: flag(ctx, "insecure-no-auth"),
  };
}

export const receiverServeImplementation: CommandImplementation = {
  run(ctx) {
    const world = receiverServeWorld(ctx.env, {
      log: (line) => ctx.out.stderr(`${line}\n`),
      listening: (url, store) =>
        ctx.out.stdout(
          ctx.out.json
            ? `${JSON.stringify({ listening: url, store })}\n`
            : `flyby receiver listening on ${url} (store: ${store})\n`,
        ),
    });
    return serveReceiver(request(ctx), world);
  },
};
