import { KubeApplyTarget, type KubeTargetOptions } from "../../adapters/kube-target.ts";
import { tokenKubeConfig } from "../../kube/cluster.ts";
import type { FakeKube } from "../fake-kube/server.ts";

/**
 * The apply target for the in-process fake API server, as admin. Its watches ask for no
 * BOOKMARK events: the fake does not yet survive a client that cancels a bookmark watch (its
 * closing BOOKMARK goes to a cancelled stream, which leaves the watch subscribed).
 */
export function fakeKubeTarget(
  fake: FakeKube,
  name = "fake",
  options: KubeTargetOptions = {},
): KubeApplyTarget {
  return new KubeApplyTarget(tokenKubeConfig(fake.url, fake.adminToken), name, {
    watchBookmarks: false,
    ...options,
  });
}
