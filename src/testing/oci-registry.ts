import { createHash, createPrivateKey, sign } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A real CNCF distribution registry (Debian `docker-registry`) on loopback, with token
 * auth as Artifact Registry does it: 401 + `WWW-Authenticate: Bearer realm=…`, and a token
 * service that checks Basic credentials and issues JWTs signed with a throwaway key.
 */
export interface TestRegistry {
  /** `127.0.0.1:PORT`, the host part of repositories pushed here. */
  readonly host: string;
  readonly username: string;
  readonly password: string;
  /** Pushes a tiny image (config blob + manifest) and returns the manifest's digest. */
  pushImage(name: string, tag: string, opts?: { index?: boolean; build?: string }): Promise<string>;
  stop(): Promise<void>;
}

const registryBinary = "/usr/bin/docker-registry";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");
const sha256 = (data: Buffer | string) => `sha256:${createHash("sha256").update(data).digest("hex")}`;

function issueToken(keyPem: string, certDer: Buffer, scopes: string[], service: string, issuer: string) {
  const now = Math.floor(Date.now() / 1000);
  const access = scopes.map((s) => {
    const [type, name, actions] = s.split(":") as [string, string, string];
    return { type, name, actions: actions.split(",") };
  });
  const header = b64url(JSON.stringify({ alg: "ES256", typ: "JWT", x5c: [certDer.toString("base64")] }));
  const claims = b64url(
    JSON.stringify({
      iss: issuer,
      sub: "flyby",
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: String(now),
      access,
    }),
  );
  const signature = sign("sha256", Buffer.from(`${header}.${claims}`), {
    key: createPrivateKey(keyPem),
    dsaEncoding: "ieee-p1363",
  });
  return `${header}.${claims}.${b64url(signature)}`;
}

export async function startRegistry(): Promise<TestRegistry> {
  if (!existsSync(registryBinary)) {
    throw new Error(
      `${registryBinary} is missing: install it with \`apt-get install -y --no-install-recommends docker-registry\` (or run .ci/setup)`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "flyby-registry-"));
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  const openssl = Bun.spawnSync(
    ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"].concat(
      ["-keyout", keyPath, "-out", certPath, "-subj", "/CN=flyby-test-token", "-days", "1"],
    ),
    { stderr: "pipe" },
  );
  if (openssl.exitCode !== 0) throw new Error(`openssl failed: ${openssl.stderr.toString()}`);
  const keyPem = readFileSync(keyPath, "utf8");
  const certDer = Buffer.from(
    readFileSync(certPath, "utf8")
      .replace(/-----[A-Z ]+-----/g, "")
      .replace(/\s+/g, ""),
    "base64",
  );
  const username = "oauth2accesstoken";
  const password = `test-${crypto.randomUUID()}`;
  const service = "flyby-test-registry";
  const issuer = "flyby-test-issuer";

  const tokens = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      if (req.headers.get("authorization") !== `Basic ${btoa(`${username}:${password}`)}`) {
        return Response.json(
          { errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] },
          { status: 401 },
        );
      }
      const token = issueToken(keyPem, certDer, url.searchParams.getAll("scope"), service, issuer);
      return Response.json({ token, access_token: token, expires_in: 300 });
    },
  });
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const configPath = join(dir, "config.yml");
  writeFileSync(
    configPath,
    [
      "version: 0.1",
      "log: { level: error, accesslog: { disabled: true } }",
      `storage: { filesystem: { rootdirectory: ${join(dir, "data")} }, delete: { enabled: true } }`,
      `http: { addr: "${host}" }`,
      "auth:",
      "  token:",
      `    realm: http://127.0.0.1:${tokens.port}/token`,
      `    service: ${service}`,
      `    issuer: ${issuer}`,
      `    rootcertbundle: ${certPath}`,
      "",
    ].join("\n"),
  );
  const proc = Bun.spawn([registryBinary, "serve", configPath], { stdout: "ignore", stderr: "pipe" });
  const stop = async () => {
    proc.kill();
    await proc.exited;
    tokens.stop(true);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const up = await fetch(`http://${host}/v2/`).then(
        (r) => r.status === 401,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline || proc.exitCode !== null) {
        throw new Error(`docker-registry did not start: ${await new Response(proc.stderr).text()}`);
      }
      await Bun.sleep(50);
    }
  } catch (e) {
    await stop();
    throw e;
  }

  const pushImage = async (name: string, tag: string, opts: { index?: boolean; build?: string } = {}) => {
    const token = issueToken(keyPem, certDer, [`repository:${name}:pull,push`], service, issuer);
    const auth = { Authorization: `Bearer ${token}` };
    const config = Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        rootfs: { type: "layers", diff_ids: [] },
        tag,
        build: opts.build ?? "1",
      }),
    );
    const start = await fetch(`http://${host}/v2/${name}/blobs/uploads/`, { method: "POST", headers: auth });
    if (start.status !== 202)
      throw new Error(`blob upload start: HTTP ${start.status} ${await start.text()}`);
    const upload = new URL(start.headers.get("location") as string, `http://${host}`);
    upload.searchParams.set("digest", sha256(config));
    const blob = await fetch(upload, {
      method: "PUT",
      headers: { ...auth, "Content-Type": "application/octet-stream" },
      body: new Uint8Array(config),
    });
    if (blob.status !== 201) throw new Error(`blob upload: HTTP ${blob.status} ${await blob.text()}`);
    const put = async (ref: string, mediaType: string, body: Buffer) => {
      const res = await fetch(`http://${host}/v2/${name}/manifests/${ref}`, {
        method: "PUT",
        headers: { ...auth, "Content-Type": mediaType },
        body: new Uint8Array(body),
      });
      if (res.status !== 201) throw new Error(`manifest upload: HTTP ${res.status} ${await res.text()}`);
      return res.headers.get("docker-content-digest") as string;
    };
    const manifestType = "application/vnd.oci.image.manifest.v1+json";
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: manifestType,
        config: {
          mediaType: "application/vnd.oci.image.config.v1+json",
          digest: sha256(config),
          size: config.length,
        },
        layers: [],
      }),
    );
    if (!opts.index) return put(tag, manifestType, manifest);
    const manifestDigest = await put(sha256(manifest), manifestType, manifest);
    const indexType = "application/vnd.oci.image.index.v1+json";
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: indexType,
        manifests: [
          {
            mediaType: manifestType,
            digest: manifestDigest,
            size: manifest.length,
            platform: { architecture: "amd64", os: "linux" },
          },
        ],
      }),
    );
    return put(tag, indexType, index);
  };

  return { host, username, password, pushImage, stop };
}

/** The stack's images: repository in the values, name and tag in the test registry. */
const stackImages = [
  ["quay.io/prometheus/prometheus", "prometheus/prometheus", "v2.42.0"],
  ["quay.io/prometheus/alertmanager", "prometheus/alertmanager", "v0.25.0"],
  ["docker.io/grafana/grafana", "grafana/grafana", "10.4.2"],
  ["us-docker.pkg.dev/overflying/platform/api", "platform/api", "main"],
  ["us-docker.pkg.dev/overflying/platform/worker", "platform/worker", "main"],
] as const;

/**
 * Points a scratch repository's values at the test registry and pushes every stack image
 * there. Returns the digest pushed for each image name.
 */
export async function useRegistryForStack(
  repo: string,
  registry: TestRegistry,
): Promise<Record<string, string>> {
  for (const file of ["common.yaml", "production.yaml"]) {
    const path = join(repo, "manifests/values", file);
    let text = readFileSync(path, "utf8");
    for (const [from, name] of stackImages)
      text = text.replace(`repository: ${from}`, `repository: ${registry.host}/${name}`);
    writeFileSync(path, text);
  }
  const pushed: Record<string, string> = {};
  for (const [, name, tag] of stackImages) pushed[name] = await registry.pushImage(name, tag);
  return pushed;
}
