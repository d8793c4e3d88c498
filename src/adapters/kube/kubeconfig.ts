import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { EnvironmentError, InputError } from "../../core/errors.ts";
import { didYouMean } from "../../core/suggest.ts";
import { gkeCredentialsHint } from "./errors.ts";

export interface KubeConfigSource {
  /** --kubeconfig, else $KUBECONFIG: one path, or several joined by the path delimiter. */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** HOME and KUBERNETES_SERVICE_HOST, for where to look when no kubeconfig is named (default: the process's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Where a Pod's service account token is mounted; kubectl and client-node read it in a cluster. */
export const serviceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/**
 * Without a named kubeconfig, kubectl's search: ~/.kube/config, then the in-cluster service
 * account. client-node would fall back to http://localhost:8080, which reads as a refused
 * connection; here, finding nothing says where it looked. Returns what was loaded.
 */
function loadDefault(kc: KubeConfig, env: Readonly<Record<string, string | undefined>>): string {
  const home = env.HOME ?? env.USERPROFILE;
  const homeConfig = home ? join(home, ".kube", "config") : undefined;
  if (homeConfig && existsSync(homeConfig)) {
    kc.loadFromFile(homeConfig);
    return homeConfig;
  }
  const inCluster = env.KUBERNETES_SERVICE_HOST !== undefined && existsSync(serviceAccountTokenPath);
  if (inCluster) {
    kc.loadFromCluster();
    return "the in-cluster service account";
  }
  const looked = [
    "--kubeconfig (not given)",
    "KUBECONFIG (not set)",
    `~/.kube/config (${homeConfig ? `${homeConfig} does not exist` : "HOME is not set"})`,
    `the in-cluster service account (${env.KUBERNETES_SERVICE_HOST === undefined ? "KUBERNETES_SERVICE_HOST is not set" : `no token at ${serviceAccountTokenPath}`})`,
  ];
  throw new EnvironmentError(
    `no kubeconfig found; looked at ${looked.join(", ")}. Pass --kubeconfig P or set KUBECONFIG; ${gkeCredentialsHint}`,
  );
}

/**
 * The current context must lead to a cluster: client-node would otherwise report a missing
 * base URL as a failure to reach the cluster. (It checks itself that each cluster has a server.)
 */
function checkCurrentCluster(kc: KubeConfig, file: string): void {
  const fail = (reason: string): never => {
    throw new InputError(reason, { file });
  };
  const known = kc.getContexts().map((c) => c.name);
  if (known.length === 0)
    fail("has no contexts; write one with `kubectl config set-context` or pass another --kubeconfig");
  const name = kc.getCurrentContext();
  const context = name ? kc.getContextObject(name) : null;
  if (!context)
    fail(
      `${name ? `has current-context "${name}", which it does not define` : "has no current-context"}; pass --context C (it has: ${known.join(", ")}) or run \`kubectl config use-context C\``,
    );
  else if (!kc.getCluster(context.cluster))
    fail(`context "${name}" names cluster "${context.cluster}", which the kubeconfig does not define`);
}

/** Loads a kubeconfig the way kubectl does, then selects the context if one is named. */
export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  const kc = new KubeConfig();
  let file = source.kubeconfig ?? "";
  // Several files joined by the path delimiter are merged, the first one's context winning,
  // as kubectl reads $KUBECONFIG.
  const files = file.split(delimiter).filter(Boolean);
  try {
    if (files.length === 0) file = loadDefault(kc, source.env ?? process.env);
    for (const [i, f] of files.entries()) {
      if (i === 0) kc.loadFromFile(f);
      else {
        const more = new KubeConfig();
        more.loadFromFile(f);
        kc.mergeConfig(more);
      }
    }
  } catch (e) {
    if (e instanceof EnvironmentError) throw e;
    // A kubeconfig that cannot be read is the caller's input to fix, not a cluster failure.
    throw new InputError(`cannot read kubeconfig: ${(e as Error).message}`, { file: file || "kubeconfig" });
  }
  if (source.context) {
    if (!kc.getContextObject(source.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new InputError(
        `no context "${source.context}" in ${file}${didYouMean(source.context, known)}; it has: ${known.join(", ") || "none"}`,
        undefined,
        "--context",
      );
    }
    kc.setCurrentContext(source.context);
  }
  checkCurrentCluster(kc, file);
  // A plain-http server has no TLS to verify; kubectl talks to it as it is, client-node only
  // when verification is off.
  const plainHttp = kc.clusters.map((c) =>
    c.server.startsWith("http:") ? { ...c, skipTLSVerify: true } : c,
  );
  kc.loadFromOptions({
    clusters: plainHttp,
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.getCurrentContext(),
  });
  return kc;
}

/** A kubeconfig for one server and bearer token (tests, in-cluster tools). */
export function tokenKubeConfig(server: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // client-node refuses plain http unless TLS verification is off; there is no TLS to verify.
    clusters: [{ name: "target", server, skipTLSVerify: server.startsWith("http:") }],
    users: [{ name: "flyby", token }],
    contexts: [{ name: "target", cluster: "target", user: "flyby" }],
    currentContext: "target",
  });
  return kc;
}
