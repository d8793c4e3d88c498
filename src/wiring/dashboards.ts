import { generatedDashboardFiles, writeDashboards } from "../adapters/dashboard-files.ts";
import type { GeneratedFile } from "../core/plan/generated.ts";

/** The dashboards of the repository under `root`: generated from its alerts and values, and written back. */
export function dashboardsOf(root: string): {
  /** Each generated dashboard with its committed text. */
  generated(): Promise<GeneratedFile[]>;
  /** Writes the dashboards whose text changed; the paths written. */
  write(files: readonly GeneratedFile[]): string[];
} {
  return { generated: () => generatedDashboardFiles(root), write: (files) => writeDashboards(root, files) };
}
