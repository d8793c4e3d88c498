import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeKube } from "../fake-kube/server.ts";

export interface SelfSignedCert {
  readonly cert: string;
  readonly key: string;
}

/** A throwaway CA-and-server certificate for 127.0.0.1, made with openssl. */
export function selfSignedCert(): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), "flyby-tls-"));
  try {
    const run = Bun.spawnSync(
      [
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=fake-gke-control-plane",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stderr: "pipe" },
    );
    if (run.exitCode !== 0) {
      throw new Error(
        `openssl could not make a test certificate (install it: apt-get install -y --no-install-recommends openssl): ${run.stderr.toString()}`,
      );
    }
    return {
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
      key: readFileSync(join(dir, "key.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Serves a FakeKube over HTTPS on loopback, as a GKE control plane is reached. */
export function serveKubeOverTls(
  fake: FakeKube,
  tls: SelfSignedCert,
): { endpoint: string; stop(): Promise<void> } {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, tls, fetch: (req) => fake.handle(req) });
  return {
    endpoint: `127.0.0.1:${server.port}`,
    async stop() {
      await server.stop(true);
    },
  };
}
