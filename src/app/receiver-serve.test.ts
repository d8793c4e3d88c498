import { describe, expect, test } from "bun:test";
import { EnvironmentError, InputError } from "../core/errors.ts";
import type { Receiver } from "../receiver/handler.ts";
import { MemoryStore } from "../receiver/store.ts";
import { type ReceiverServePorts, type ReceiverServeRequest, serveReceiver } from "./receiver-serve.ts";

const token = "tok-serve-0123456789";

/** A world with no network, no port and no signals: it records what the use case asks of it. */
function world(env: Record<string, string> = { FLYBY_RECEIVER_TOKEN: token }) {
  const seen = {
    stores: [] as string[],
    served: [] as { receiver: Receiver; port: number; host: string }[],
    listening: [] as string[],
    stopped: 0,
    logs: [] as string[],
  };
  let stop = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const ports: ReceiverServePorts = {
    env,
    fetch: () => Promise.reject(new Error("no network here")),
    now: () => Date.parse("2026-11-30T07:00:00Z"),
    sleep: async () => {},
    readConfig: (path) => {
      if (path === "/etc/receiver.json") return JSON.stringify({ deadline: "2s" });
      throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    },
    openStore: (choice) => {
      seen.stores.push(choice.kind);
      return new MemoryStore();
    },
    serve: (receiver, port, host) => {
      seen.served.push({ receiver, port, host });
      return {
        port: port === 0 ? 40123 : port,
        stop: async () => {
          seen.stopped++;
        },
      };
    },
    stopRequested: () => stopRequested,
    log: (line) => seen.logs.push(line),
    listening: (url, store) => seen.listening.push(`${url} ${store}`),
  };
  return { ports, seen, stop };
}

const request: ReceiverServeRequest = {
  host: "127.0.0.1",
  port: 0,
  store: { kind: "sqlite", path: "/var/lib/flyby/receiver.db" },
  insecureNoAuth: false,
};

describe("receiver serve", () => {
  test("GIVEN a valid config WHEN served THEN it listens, answers, and stops when asked, with a clean outcome", async () => {
    const { ports, seen, stop } = world();
    const running = serveReceiver(
      { ...request, configFile: { path: "/etc/receiver.json", given: "r.json" } },
      ports,
    );
    await Bun.sleep(0);
    expect(seen.listening).toEqual(["http://127.0.0.1:40123 sqlite /var/lib/flyby/receiver.db"]);
    expect(seen.stores).toEqual(["sqlite"]);
    const served = seen.served[0]?.receiver;
    const health = await served?.handle(new Request("http://receiver.local/healthz"));
    expect(health?.status).toBe(200);
    const unauthorised = await served?.handle(new Request("http://receiver.local/metrics"));
    expect(unauthorised?.status).toBe(401);
    expect(seen.stopped).toBe(0);
    stop();
    expect(await running).toEqual({});
    expect(seen.stopped).toBe(1);
  });

  test("a config without a token is bad input, and no store is opened", async () => {
    const { ports, seen } = world({});
    const err = await serveReceiver(request, ports).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain("FLYBY_RECEIVER_TOKEN");
    expect([seen.stores, seen.served]).toEqual([[], []]);
  });

  test("only the request opens routes without a token; FLYBY_RECEIVER_INSECURE_NO_AUTH does not", async () => {
    const fromEnv = world({ FLYBY_RECEIVER_INSECURE_NO_AUTH: "1" });
    expect(await serveReceiver(request, fromEnv.ports).catch((e) => e)).toBeInstanceOf(InputError);
    const fromRequest = world({});
    const running = serveReceiver({ ...request, insecureNoAuth: true }, fromRequest.ports);
    await Bun.sleep(0);
    const metrics = await fromRequest.seen.served[0]?.receiver.handle(
      new Request("http://receiver.local/metrics"),
    );
    expect(metrics?.status).toBe(200);
    fromRequest.stop();
    await running;
  });

  test("a config file that cannot be read is bad input naming the file as given", async () => {
    const { ports } = world();
    const err = await serveReceiver(
      { ...request, configFile: { path: "/nope.json", given: "nope.json" } },
      ports,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain("cannot read the receiver config: ENOENT");
    expect(err.location).toMatchObject({ file: "nope.json" });
  });

  test("a port that cannot be listened on is the environment's failure, naming host:port", async () => {
    const { ports } = world();
    const taken = {
      ...ports,
      serve: () => {
        throw new Error("EADDRINUSE");
      },
    };
    const err = await serveReceiver({ ...request, port: 9095 }, taken).catch((e) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toBe("cannot listen on 127.0.0.1:9095: EADDRINUSE");
  });
});
