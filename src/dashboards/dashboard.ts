/**
 * What every generated dashboard shares: the datasource variable, the label variables
 * (multi-select, "All"), deploy annotations per environment, links between the dashboards.
 */
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import type { StackFacts } from "../core/catalog/stack.ts";
import { deployAnnotationTags } from "./annotation-tags.ts";
import { datasource } from "./panels.ts";
import { LabelVariable, scopeQuery } from "./scope.ts";

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** The variables its panels filter by, besides the datasource; environment always comes first. */
  readonly variables: readonly LabelVariable[];
  /** The services whose pods the pod variable lists. */
  readonly services: readonly ("api" | "worker")[];
}

const labels: Record<LabelVariable, string> = {
  environment: "Environment",
  namespace: "Namespace",
  pod: "Pod",
  gpu_id: "GPU",
};

/** Each variable lists the values left by the variables before it. */
function variableQuery(
  variable: LabelVariable,
  before: readonly LabelVariable[],
  spec: DashboardSpec,
): string {
  const series =
    variable === LabelVariable.GpuId
      ? "overflying_worker_gpu_temperature_celsius"
      : variable === LabelVariable.Pod
        ? `up{service=~"${spec.services.join("|")}"}`
        : "up";
  return `label_values(${scopeQuery(series, before)}, ${variable})`;
}

function labelVariable(
  variable: LabelVariable,
  before: readonly LabelVariable[],
  spec: DashboardSpec,
  stack: StackFacts,
): dashboard.QueryVariableBuilder {
  const v = new dashboard.QueryVariableBuilder(variable)
    .label(labels[variable])
    .datasource(datasource)
    .query(variableQuery(variable, before, spec))
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .current({ text: ["All"], value: ["$__all"] });
  // The environments are the ones the values define; "All" means all of them.
  if (variable === LabelVariable.Environment) {
    return v.regex(`/^(${stack.environments.map((e) => e.name).join("|")})$/`);
  }
  // Any value, including pods that came and went within the time range.
  return v.allValue(".*");
}

/**
 * A query of Grafana's own annotations by tags (all of them). The SDK types an annotation's
 * target as a data query, while Grafana's datasource takes this shape; the marker method it
 * asks for does not survive JSON.
 */
function tagsTarget(tags: readonly string[]): cog.Builder<cog.Dataquery> {
  const target = new dashboard.AnnotationTargetBuilder()
    .type("tags")
    .tags([...tags])
    .matchAny(false)
    .limit(100);
  return { build: () => ({ ...target.build(), _implementsDataqueryVariant: () => undefined }) };
}

const grafanaDatasource = { type: "grafana", uid: "-- Grafana --" };
const deployColors = ["#8F3BB8", "#1F60C4", "#FA6400", "#37872D"] as const;

export function baseDashboard(spec: DashboardSpec, stack: StackFacts): dashboard.DashboardBuilder {
  const b = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(["overflying"])
    .readonly()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: "now-6h", to: "now" })
    .refresh("30s")
    .timezone("browser")
    .link(
      new dashboard.DashboardLinkBuilder("Overflying")
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(["overflying"])
        .asDropdown(false)
        .includeVars(true)
        .keepTime(true),
    )
    .withVariable(
      new dashboard.DatasourceVariableBuilder("datasource").label("Data source").type("prometheus"),
    )
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name("Annotations & Alerts")
        .datasource(grafanaDatasource)
        .builtIn(1)
        .type("dashboard")
        .enable(true)
        .hide(true)
        .iconColor("rgba(0, 211, 255, 1)"),
    );
  spec.variables.forEach((variable, i) => {
    b.withVariable(labelVariable(variable, spec.variables.slice(0, i), spec, stack));
  });
  stack.environments.forEach((env, i) => {
    b.annotation(
      new dashboard.AnnotationQueryBuilder()
        .name(`Deploys to ${env.name}`)
        .datasource(grafanaDatasource)
        .enable(true)
        .hide(false)
        .iconColor(deployColors[i % deployColors.length] ?? "blue")
        .target(tagsTarget(deployAnnotationTags(env.name))),
    );
  });
  return b;
}
