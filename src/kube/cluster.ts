import { delimiter } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { InputError } from "../core/errors.ts";
import { didYouMean } from "../core/suggest.ts";

export interface KubeConfigSource {
  /** Path to a kubeconfig; default: $KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** Loads a kubeconfig the way kubectl does, then selects the context if one is named. */
export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  const kc = new KubeConfig();
  const file = source.kubeconfig ?? "(the default kubeconfig)";
  try {
    // Several files joined by the path delimiter are merged, the first one's context winning,
    // as kubectl reads $KUBECONFIG.
    const files = (source.kubeconfig ?? "").split(delimiter).filter(Boolean);
    if (files.length === 0) kc.loadFromDefault();
    for (const [i, f] of files.entries()) {
      if (i === 0) kc.loadFromFile(f);
      else {
        const more = new KubeConfig();
        more.loadFromFile(f);
        kc.mergeConfig(more);
      }
    }
  } catch (e) {
    // A kubeconfig that cannot be read is the caller's input to fix, not a cluster failure.
    throw new InputError(`cannot read kubeconfig: ${(e as Error).message}`, { file });
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
