import { KubeConfig } from "@kubernetes/client-node";
import { InputError } from "../core/errors.ts";

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
    if (source.kubeconfig) kc.loadFromFile(source.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    // A kubeconfig that cannot be read is the caller's input to fix, not a cluster failure.
    throw new InputError(`cannot read kubeconfig: ${(e as Error).message}`, { file });
  }
  if (source.context) {
    if (!kc.getContextObject(source.context)) {
      throw new InputError(`no context "${source.context}" in ${file}`, undefined, "--context");
    }
    kc.setCurrentContext(source.context);
  }
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
