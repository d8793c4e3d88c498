import type { Command } from "../command.ts";

/** Where plan writes the report that would be posted on the pull request. */
export const planReportPath = ".flyby/plan/report.md";

export const planCommand: Command = {
  name: "plan",
  summary: "The offline main job: render and validate every environment and write the report",
  synopsis: "plan [--base REF]",
  details: `
Renders and validates every environment in manifests/environments.yaml, diffs each one
against its render at the git base, and writes the report that would be posted on a pull
request to ${planReportPath}. Needs no cluster and no secrets. An environment the base
does not have (or that does not render there) diffs against nothing, with a note saying
why (--json: baseNotes).
It also checks that the committed generated files (alerting.generated.yaml, the
dashboards) are what "alerts build" and "dashboards build" make from alerts/ and the
values today.
Exit 1 when any environment has error findings or a generated file is stale; changes alone
are what a plan is for.`,
  options: {
    base: {
      type: "string",
      valueName: "REF",
      description: "the git base to compare with",
      defaultFrom: "merge base with main, or HEAD~1",
    },
  },
  load: () => import("./plan.ts").then((m) => m.planImplementation),
};
