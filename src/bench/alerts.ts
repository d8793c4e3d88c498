import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeAtomically } from "../adapters/alerts-files.ts";
import { processTools } from "../adapters/promtool.ts";
import { type AlertsDefinition, defineAlerts } from "../alerts/definition.ts";
import { max, metric, rate, sum } from "../alerts/expr.ts";
import { generate, rulesDir } from "../alerts/generate.ts";
import { lint } from "../alerts/lint.ts";
import { receiver, rootRoute, route } from "../alerts/routes.ts";
import { type AlertRule, alert, group } from "../alerts/rules.ts";
import { series } from "../alerts/test-input.ts";

const ruleCount = 10_000;
const perGroup = 100;
const runs = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Alternates an error-ratio alert on counters and a GPU gauge alert, each with a unit test. */
function syntheticRule(i: number): AlertRule {
  const team = (["backend", "ml", "platform"] as const)[i % 3] ?? "platform";
  const common = {
    name: `Synthetic${i}`,
    for: "5m",
    severity: i % 2 ? "warning" : "critical",
    team,
    description: "Synthetic rule {{ $labels.namespace }}",
    runbook: `synthetic/${i}`,
  } as const;
  if (i % 2 === 0) {
    return alert({
      ...common,
      expr: sum(rate(metric("http_server_requests_total", { route: `/r${i}`, status: "500" }).over("5m")), {
        by: ["namespace"],
      })
        .div(
          sum(rate(metric("http_server_requests_total", { route: `/r${i}` }).over("5m")), {
            by: ["namespace"],
          }),
        )
        .gt(0.05),
      summary: "{{ $value | humanizePercentage }} errors in {{ $labels.namespace }}",
      tests: [],
    });
  }
  return alert({
    ...common,
    expr: max(metric("overflying_worker_gpu_temperature_celsius", { gpu_id: String(i % 8) }), {
      by: ["namespace", "gpu_id"],
    }).gt(80 + (i % 15)),
    summary: "GPU {{ $labels.gpu_id }} at {{ $value }} °C",
    tests: [
      {
        name: "hot",
        input: [
          series(
            "overflying_worker_gpu_temperature_celsius",
            { namespace: "p", gpu_id: String(i % 8) },
            "99x20",
          ),
        ],
        at: "6m",
        fires: [{ labels: { namespace: "p", gpu_id: String(i % 8) }, value: 99 }],
      },
    ],
  });
}

export function definition(): AlertsDefinition {
  const hook = receiver("flyby", { webhooks: [{ url: "http://127.0.0.1:9/", credentialsFile: "/t" }] });
  const groups = Array.from({ length: ruleCount / perGroup }, (_, g) =>
    group(
      `synthetic-${g}`,
      Array.from({ length: perGroup }, (_, j) => syntheticRule(g * perGroup + j)),
    ),
  );
  return defineAlerts({
    runbookBase: "https://runbooks.example",
    scrapeInterval: "15s",
    evaluationInterval: "15s",
    ruleFiles: [{ name: "synthetic", groups }],
    alertmanager: {
      route: rootRoute({
        receiver: hook,
        routes: [route({ matchers: { team: "ml" }, receiver: hook })],
      }),
      inhibitions: [],
      namespaces: ["staging", "production"],
    },
    deployment: { namespace: "observability" },
  });
}

/**
 * `bun run bench alerts`: builds 10,000 rules with the DSL, generates every output file
 * and lints them, then times `promtool check rules` on the same rule file, the baseline.
 */
export async function run(): Promise<void> {
  const times: number[] = [];
  const phases = { dsl: [] as number[], generate: [] as number[], lint: [] as number[] };
  let files = new Map<string, string>();
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const def = definition();
    const t1 = performance.now();
    files = generate(def);
    const t2 = performance.now();
    findings = lint(def).length;
    const t3 = performance.now();
    phases.dsl.push(t1 - t0);
    phases.generate.push(t2 - t1);
    phases.lint.push(t3 - t2);
    times.push(t3 - t0);
  }
  const dir = await mkdtemp(join(tmpdir(), "flyby-bench-alerts-"));
  try {
    await writeAtomically(dir, files);
    const rules = [...files.keys()].filter((p) => p.startsWith(`${rulesDir}/`));
    const promtool: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const check = await processTools(dir).checkRules(rules);
      promtool.push(performance.now() - start);
      if (!check.ok) throw new Error(`promtool rejected the generated rules:\n${check.output}`);
    }
    const ours = median(times);
    const theirs = median(promtool);
    const size = (files.get(`${rulesDir}/synthetic.rules.yaml`)?.length ?? 0) / 1024;
    console.log(
      `alerts bench: ${ruleCount} rules (${size.toFixed(0)} KiB of rules YAML, ${files.size} files, ${findings} findings); medians of ${runs} runs`,
    );
    console.log(
      `  DSL + generate + lint:  ${ours.toFixed(0)} ms (target ≤ 1000 ms; DSL ${median(phases.dsl).toFixed(0)}, generate ${median(phases.generate).toFixed(0)}, lint ${median(phases.lint).toFixed(0)})`,
    );
    console.log(`  promtool check rules:   ${theirs.toFixed(0)} ms`);
    console.log(`  ratio flyby/promtool:   ${(ours / theirs).toFixed(2)}x`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
