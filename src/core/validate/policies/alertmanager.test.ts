import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadManifestTree } from "../../../adapters/manifest-files.ts";
import { repoRoot } from "../../../testing/cli.ts";
import type { ManifestTree } from "../../manifests/tree.ts";
import { renderEnvironment } from "../../render/render.ts";
import { validateRendered } from "../validate.ts";

const generated = "templates/observability/alerting.generated.yaml";
const repo = loadManifestTree(join(repoRoot, "manifests"));

/** The repository's manifests with every webhook of the generated Alertmanager config sent to `url`. */
function withWebhooks(url: string): ManifestTree {
  const files = new Map(repo.files);
  const text = files.get(generated) as string;
  files.set(generated, text.replace(/^(\s+- url: ).*$/gm, `$1${url}`));
  return { ...repo, files };
}

function webhookFindings(tree: ManifestTree) {
  return validateRendered(renderEnvironment(tree, "production")).filter(
    (f) => f.rule === "alertmanager-webhook",
  );
}

describe("alertmanager-webhook", () => {
  test("GIVEN the repository's manifests THEN every webhook goes to the edge receivers and passes", () => {
    expect(webhookFindings(repo)).toEqual([]);
  });

  test("GIVEN a webhook to a *.svc Service no environment renders (main's flyby-receiver) THEN an error at the URL's line", () => {
    const url = "http://flyby-receiver.observability.svc:8080/alertmanager";
    const tree = withWebhooks(url);
    const findings = webhookFindings(tree);
    expect(findings.length).toBeGreaterThan(0);
    const first = findings[0];
    expect(first?.severity).toBe("error");
    expect(first?.message).toContain(
      `posts to ${url}, but no Service flyby-receiver in namespace observability is rendered`,
    );
    const lines = (tree.files.get(generated) as string).split("\n");
    expect(first?.location?.file).toBe(`manifests/${generated}`);
    expect(lines[(first?.location?.line ?? 0) - 1]).toContain(`- url: ${url}`);
  });

  test("GIVEN a webhook to a Service the stack renders THEN it passes", () => {
    expect(webhookFindings(withWebhooks("http://grafana.observability.svc.cluster.local:3000/x"))).toEqual(
      [],
    );
  });
});
