/** The disk side of the dashboards: what the generator makes from the repository, and writing it. */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stackFacts } from "../core/catalog/stack.ts";
import type { GeneratedFile } from "../core/plan/generated.ts";
import { buildDashboards } from "../dashboards/build.ts";
import { dashboardsDir } from "../dashboards/location.ts";
import { loadDefinition } from "./alerts-files.ts";
import { repositoryManifests } from "./manifest-files.ts";

/** The dashboards generated from `root`'s alerts and values, by file name. */
export async function generateDashboards(root: string): Promise<Map<string, string>> {
  const alerts = await loadDefinition(root);
  return buildDashboards(alerts, stackFacts(repositoryManifests(root)));
}

/** Each generated dashboard with its committed text: they must be equal. */
export async function generatedDashboardFiles(root: string): Promise<GeneratedFile[]> {
  const files = await generateDashboards(root);
  return [...files].map(([name, expected]) => {
    const path = `${dashboardsDir}/${name}`;
    const file = join(root, path);
    return {
      path,
      expected,
      actual: existsSync(file) ? readFileSync(file, "utf8") : undefined,
      regenerate: "bun run flyby dashboards build",
      sources: "src/dashboards/, alerts/ and manifests/values/",
    };
  });
}

/**
 * Writes the files that changed, each through a temporary file and a rename, so Grafana's
 * provisioning never reads half a dashboard. Returns the paths written.
 */
export function writeDashboards(root: string, files: readonly GeneratedFile[]): string[] {
  const written: string[] = [];
  for (const f of files) {
    if (f.actual === f.expected) continue;
    const target = join(root, f.path);
    writeFileSync(`${target}.tmp`, f.expected);
    renameSync(`${target}.tmp`, target);
    written.push(f.path);
  }
  return written;
}
