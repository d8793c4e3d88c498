import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { RenderedObject } from "../core/kube/object.ts";
import { renderChecked } from "../core/render/render-checked.ts";
import { repoRoot } from "../testing/cli.ts";
import { loadManifestTree } from "./manifest-files.ts";
import { checkWithPrometheusTools } from "./prometheus-checks.ts";

for (const tool of ["promtool", "amtool"]) {
  if (!Bun.which(tool)) {
    throw new Error(
      `${tool} is not installed: apt-get install -y --no-install-recommends prometheus prometheus-alertmanager`,
    );
  }
}

const production = () => renderChecked(loadManifestTree(join(repoRoot, "manifests")), "production").objects;

/** The render with one key of one ConfigMap's data replaced. */
function withData(
  objects: readonly RenderedObject[],
  key: string,
  edit: (text: string) => string,
): RenderedObject[] {
  return objects.map((r) => {
    const data = r.object.data as Record<string, string> | undefined;
    if (r.object.kind !== "ConfigMap" || !data || !(key in data)) return r;
    return { ...r, object: { ...r.object, data: { ...data, [key]: edit(data[key] as string) } } };
  });
}

describe("validate runs the real promtool and amtool on the rendered configurations", () => {
  test("GIVEN production's render THEN promtool check config, check rules and amtool check-config pass", async () => {
    expect(await checkWithPrometheusTools(production())).toEqual([]);
  });

  test("GIVEN a relabel rule Prometheus refuses THEN an error at the ConfigMap's template names the check", async () => {
    const broken = withData(production(), "prometheus.yml", (t) => t.replace("regex: (.+)", "regex: (.+"));
    const findings = await checkWithPrometheusTools(broken);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "error", rule: "promtool-check" });
    expect(findings[0]?.message).toContain("promtool check config of the rendered prometheus.yml failed");
    expect(findings[0]?.message).toContain("missing closing )");
    expect(findings[0]?.location?.file).toBe("manifests/templates/observability/prometheus-config.yaml.hbs");
    // Paths are shown as the container sees them, not in the scratch folder.
    expect(findings[0]?.message).not.toContain("flyby-check-");
  });

  test("GIVEN an Alertmanager route to an undefined receiver THEN amtool's error is an error finding", async () => {
    const broken = withData(production(), "alertmanager.yml", (t) =>
      t.replace(/receiver: flyby-production\n/, "receiver: nobody\n"),
    );
    const findings = await checkWithPrometheusTools(broken);
    expect(findings.map((f) => f.rule)).toEqual(["amtool-check"]);
    expect(findings[0]?.message).toContain('undefined receiver "nobody"');
  });

  test("a tool that is not installed is a warning naming its Debian package", async () => {
    const findings = await checkWithPrometheusTools(production(), undefined, () => false);
    expect(findings.map((f) => [f.severity, f.rule, f.hint])).toEqual([
      ["warning", "promtool-check", "apt-get install -y --no-install-recommends prometheus"],
      ["warning", "amtool-check", "apt-get install -y --no-install-recommends prometheus-alertmanager"],
    ]);
  });

  test("staging renders neither Prometheus nor Alertmanager: nothing to check", async () => {
    const staging = renderChecked(loadManifestTree(join(repoRoot, "manifests")), "staging").objects;
    expect(await checkWithPrometheusTools(staging)).toEqual([]);
  });
});
