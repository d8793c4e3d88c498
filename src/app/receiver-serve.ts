import { EnvironmentError, InputError } from "../core/errors.ts";
import type { Outcome } from "../core/outcome.ts";
import type { Receiver } from "../receiver/handler.ts";
import type { Sha256 } from "../receiver/idempotency.ts";
import { type ReceiverEnv, type ReceiverWorld, receiverFromSettings } from "../receiver/runtime.ts";
import type { DeliveryStore } from "../receiver/store.ts";

/** Where the receiver remembers what it delivered. */
export type StoreChoice = { readonly kind: "memory" } | { readonly kind: "sqlite"; readonly path: string };

export interface ReceiverServeRequest {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly store: StoreChoice;
  /** The config file given, as a path to read and as the person wrote it; else FLYBY_RECEIVER_CONFIG. */
  readonly configFile?: { readonly path: string; readonly given: string } | undefined;
  /** Serve routes that have no token without authentication; here only the request opens them. */
  readonly insecureNoAuth: boolean;
}

/** A receiver being served. */
export interface ReceiverServer {
  /** The port it listens on (the one picked, when 0 was asked for). */
  readonly port: number;
  stop(): Promise<void>;
}

export interface ReceiverServePorts extends ReceiverWorld {
  /** The receiver's settings, from the process environment. */
  readonly env: ReceiverEnv;
  readonly sha256?: Sha256;
  readConfig(path: string): string;
  /** Opened only once the config is valid, so a bad config leaves no store file behind. */
  openStore(choice: StoreChoice): DeliveryStore;
  /** Starts serving; throws when it cannot listen. */
  serve(receiver: Receiver, port: number, host: string): ReceiverServer;
  /** Resolves when the process is asked to stop. */
  stopRequested(): Promise<void>;
  /** One JSON log line of the receiver. */
  log(line: string): void;
  /** Told once the receiver listens. */
  listening(url: string, store: string): void;
}

function storeLabel(choice: StoreChoice): string {
  return choice.kind === "memory" ? "memory" : `sqlite ${choice.path}`;
}

function readConfig(request: ReceiverServeRequest, ports: ReceiverServePorts): string | undefined {
  const file = request.configFile;
  if (!file) return undefined;
  try {
    return ports.readConfig(file.path);
  } catch (e) {
    throw new InputError(`cannot read the receiver config: ${(e as Error).message}`, { file: file.given });
  }
}

/**
 * `receiver serve`: checks the config, opens the store, serves the receiver until the process
 * is asked to stop, then stops serving. A bad config is bad input; a port that cannot be
 * listened on is the environment's failure.
 */
export async function serveReceiver(
  request: ReceiverServeRequest,
  ports: ReceiverServePorts,
): Promise<Outcome> {
  const configJson = readConfig(request, ports);
  const receiver = receiverFromSettings(
    { ...ports.env, FLYBY_RECEIVER_INSECURE_NO_AUTH: undefined },
    {
      store: () => ports.openStore(request.store),
      configJson,
      ...(request.configFile ? { configOrigin: request.configFile.given } : {}),
      insecureNoAuth: request.insecureNoAuth,
      ...(ports.sha256 ? { sha256: ports.sha256 } : {}),
      log: ports.log,
    },
    ports,
  );
  let server: ReceiverServer;
  try {
    server = ports.serve(receiver, request.port, request.host);
  } catch (e) {
    throw new EnvironmentError(`cannot listen on ${request.host}:${request.port}: ${(e as Error).message}`);
  }
  ports.listening(`http://${request.host}:${server.port}`, storeLabel(request.store));
  await ports.stopRequested();
  await server.stop();
  return {};
}
