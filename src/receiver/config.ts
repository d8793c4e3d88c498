import { z } from "zod";
import { Duration } from "../core/duration.ts";
import { InputError } from "../core/errors.ts";
import { environmentLabel } from "../core/labels.ts";

/** Routes that take a bearer token. /healthz is always open. */
export const Routes = ["alertmanager", "metrics", "status"] as const;
export type RouteName = (typeof Routes)[number];

/** The labels a sink's `match` can name; the environment is the label every alert carries. */
export const RoutingLabels = [environmentLabel, "severity", "team"] as const;
export type RoutingLabel = (typeof RoutingLabels)[number];

const duration = z.string().transform((text, ctx) => {
  try {
    return Duration.parse(text);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
    return z.NEVER;
  }
});

const sinkName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lowercase letters, digits and dashes");
const values = z.array(z.string());
/** `env` is the old name of the environment key, still read so existing configs keep working. */
const match = z
  .object({ [environmentLabel]: values, env: values, severity: values, team: values })
  .partial()
  .strict()
  .transform(({ env, ...rest }) =>
    env && !rest[environmentLabel] ? { ...rest, [environmentLabel]: env } : rest,
  );

const slackSink = z
  .object({ type: z.literal("slack"), name: sinkName, match: match.optional(), url: z.url() })
  .strict();
const githubSink = z
  .object({
    type: z.literal("github"),
    name: sinkName,
    match: match.optional(),
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name"),
    token: z.string().min(1),
    apiUrl: z.url().default("https://api.github.com"),
    issueKey: z.enum(["fingerprint", "groupKey"]).default("fingerprint"),
  })
  .strict();
const webhookSink = z
  .object({
    type: z.literal("webhook"),
    name: sinkName,
    match: match.optional(),
    url: z.url(),
    token: z.string().min(1).optional(),
  })
  .strict();

/** Off unless listed: dispatches the rollback workflow for a critical alert soon after a deploy. */
const rollbackSink = z
  .object({
    type: z.literal("rollback"),
    name: sinkName,
    match: match.optional(),
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name"),
    token: z.string().min(1),
    apiUrl: z.url().default("https://api.github.com"),
    /** Only this environment's alerts; unset, every environment `deployments` follows. */
    environment: z.string().min(1).optional(),
    within: duration.default(Duration.parse("30m")),
    eventType: z.string().min(1).max(100).default("flyby-rollback"),
  })
  .strict();

const configSchema = z
  .object({
    tokens: z
      .object({
        alertmanager: z.array(z.string().min(1)),
        metrics: z.array(z.string().min(1)),
        status: z.array(z.string().min(1)),
      })
      .partial()
      .strict()
      .default({}),
    hmac: z.object({ secret: z.string().min(1), window: duration.default(Duration.parse("5m")) }).optional(),
    sinks: z
      .array(z.discriminatedUnion("type", [slackSink, githubSink, webhookSink, rollbackSink]))
      .default([]),
    /** The dead man's switch: see watchdog.ts. */
    watchdog: z
      .object({
        alertname: z.string().min(1).default("Watchdog"),
        silence: duration.default(Duration.parse("5m")),
        /** How often the Bun adapter checks; Deno.cron and Workers cron triggers run every minute. */
        every: duration.default(Duration.parse("1m")),
        severity: z.string().min(1).default("critical"),
        /** Watched from the start, even before their first Watchdog arrives. */
        environments: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .prefault({}),
    /** Browser sessions on the status page: see session.ts. */
    session: z
      .object({
        secret: z.string().min(32, "use at least 32 characters").optional(),
        ttl: duration.default(Duration.parse("8h")),
      })
      .strict()
      .prefault({}),
    /** The receiver's public address, when a proxy in front of it changes scheme or host. */
    publicUrl: z.url().optional(),
    dedupTtl: duration.default(Duration.parse("1h")),
    deadline: duration.default(Duration.parse("8s")),
    attemptTimeout: duration.default(Duration.parse("3s")),
    deployments: z
      .object({
        repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
        token: z.string().min(1),
        apiUrl: z.url().optional(),
        /** Shown on the status page before any of their alerts arrive. */
        environments: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .optional(),
  })
  .strict();

export type SinkConfig = z.infer<typeof configSchema>["sinks"][number];
export type SlackSinkConfig = z.infer<typeof slackSink>;
export type GithubSinkConfig = z.infer<typeof githubSink>;
export type WebhookSinkConfig = z.infer<typeof webhookSink>;
export type RollbackSinkConfig = z.infer<typeof rollbackSink>;
export type SinkMatch = z.infer<typeof match>;

export interface ReceiverConfig extends Omit<z.infer<typeof configSchema>, "tokens"> {
  /** Tokens per route; an empty list means the route is open (only with --insecure-no-auth). */
  readonly tokens: Readonly<Record<RouteName, readonly string[]>>;
}

export interface ConfigSources {
  /** The receiver config as JSON text (from a file, FLYBY_RECEIVER_CONFIG or a Workers secret). */
  readonly json?: string | undefined;
  /** FLYBY_RECEIVER_TOKEN: the token of every route that has none of its own. */
  readonly defaultToken?: string | undefined;
  /** FLYBY_RECEIVER_VIEWER_TOKEN: opens the status page only (bearer or sign-in), nothing else. */
  readonly viewerToken?: string | undefined;
  /** FLYBY_RECEIVER_WATCHDOG_SILENCE: overrides watchdog.silence. */
  readonly watchdogSilence?: string | undefined;
  /** FLYBY_RECEIVER_SESSION_SECRET: overrides session.secret. */
  readonly sessionSecret?: string | undefined;
  readonly insecureNoAuth?: boolean;
  /** Where the JSON came from, for messages. */
  readonly origin?: string;
}

export function loadConfig(sources: ConfigSources): ReceiverConfig {
  const origin = sources.origin ?? "receiver config";
  let raw: unknown = {};
  if (sources.json !== undefined && sources.json.trim() !== "") {
    try {
      raw = JSON.parse(sources.json);
    } catch (e) {
      throw new InputError(`${origin} is not JSON: ${(e as Error).message}`);
    }
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `${origin}: ${issue?.message ?? "invalid"}`,
      undefined,
      issue?.path.join(".") || "(root)",
    );
  }
  const fallback = sources.defaultToken ? [sources.defaultToken] : [];
  const tokens = Object.fromEntries(Routes.map((r) => [r, parsed.data.tokens[r] ?? fallback])) as Record<
    RouteName,
    string[]
  >;
  if (sources.viewerToken) tokens.status = [...tokens.status, sources.viewerToken];
  const data = { ...parsed.data };
  if (sources.watchdogSilence) {
    data.watchdog = {
      ...data.watchdog,
      silence: Duration.parse(sources.watchdogSilence, "FLYBY_RECEIVER_WATCHDOG_SILENCE"),
    };
  }
  if (sources.sessionSecret) {
    if (sources.sessionSecret.length < 32)
      throw new InputError("FLYBY_RECEIVER_SESSION_SECRET: use at least 32 characters");
    data.session = { ...data.session, secret: sources.sessionSecret };
  }
  const open = Routes.filter((r) => tokens[r].length === 0);
  if (open.length > 0 && !sources.insecureNoAuth) {
    throw new InputError(
      `no token for route(s) ${open.join(", ")}: set FLYBY_RECEIVER_TOKEN or tokens.<route> in the ${origin}, ` +
        "or pass --insecure-no-auth to serve without authentication",
    );
  }
  const names = new Set<string>();
  for (const [i, s] of parsed.data.sinks.entries()) {
    if (names.has(s.name))
      throw new InputError(`${origin}: sink name "${s.name}" is used twice`, undefined, `sinks.${i}.name`);
    names.add(s.name);
    if (s.type === "rollback" && !parsed.data.deployments) {
      throw new InputError(
        `${origin}: a rollback sink needs "deployments" to know when a deploy happened`,
        undefined,
        `sinks.${i}`,
      );
    }
  }
  return { ...data, tokens };
}
