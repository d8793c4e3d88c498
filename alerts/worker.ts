import {
  absent,
  alert,
  deriv,
  type EnvironmentFacts,
  group,
  increase,
  max,
  metric,
  min_over_time,
  type RuleFile,
  rate,
  ratioSli,
  type StackFacts,
  series,
  slo,
  sloRules,
  sum,
  up,
  upSeries,
} from "../src/alerts/dsl.ts";

const worker = {
  environment: "production",
  namespace: "production",
  job: "worker",
  pod: "worker-0",
} as const;
const gpu = { component: "gpu" } as const;

const queued = () => metric("overflying_jobs_by_status", { status: "queued" });

export const jobsQueueGrowing = alert({
  name: "JobsQueueGrowing",
  expr: sum(queued(), { by: ["environment"] })
    .gt(50)
    .and(sum(deriv(queued().over("15m")), { by: ["environment"] }).gt(0)),
  for: "15m",
  severity: "warning",
  team: "backend",
  summary: "{{ $value }} jobs queued and growing in {{ $labels.environment }}",
  description:
    "More than 50 jobs are queued in {{ $labels.environment }} and the queue kept growing for 15 minutes.",
  runbook: "jobs/queue-growing",
  tests: [
    {
      name: "the queue grows by 8 a minute",
      input: [series("overflying_jobs_by_status", { ...worker, job: "api", status: "queued" }, "0+2x200")],
      at: "30m",
      fires: [{ labels: { environment: "production" }, value: 240 }],
    },
    {
      name: "a long but draining queue",
      input: [series("overflying_jobs_by_status", { ...worker, job: "api", status: "queued" }, "400-1x200")],
      at: "30m",
      fires: [],
    },
  ],
});

export const jobsStuck = alert({
  name: "JobsStuckInProgress",
  expr: sum(min_over_time(metric("overflying_worker_jobs_in_progress").over("30m")), {
    by: ["environment", "pod"],
  })
    .gt(0)
    .unless(
      sum(increase(metric("overflying_worker_jobs_processed_total").over("30m")), {
        by: ["environment", "pod"],
      }).gt(0),
    ),
  for: "10m",
  severity: "warning",
  team: "backend",
  summary: "Jobs stuck in progress on {{ $labels.pod }}",
  description:
    "{{ $labels.pod }} in {{ $labels.environment }} had jobs in progress for 30 minutes and finished none.",
  runbook: "jobs/stuck-in-progress",
  tests: [
    {
      name: "two jobs in progress, none processed",
      input: [
        series("overflying_worker_jobs_in_progress", worker, "2x240"),
        series("overflying_worker_jobs_processed_total", { ...worker, job_name: "render" }, "5x240"),
      ],
      at: "45m",
      fires: [{ labels: { environment: "production", pod: "worker-0" } }],
    },
    {
      name: "jobs keep finishing",
      input: [
        series("overflying_worker_jobs_in_progress", worker, "2x240"),
        series("overflying_worker_jobs_processed_total", { ...worker, job_name: "render" }, "0+1x240"),
      ],
      at: "45m",
      fires: [],
    },
  ],
});

const failed = () => metric("overflying_worker_jobs_failed_total");
const processed = () => metric("overflying_worker_jobs_processed_total");

export const workerFailureRatio = alert({
  name: "WorkerJobFailureRatioHigh",
  expr: sum(rate(failed().over("10m")), { by: ["environment"] })
    .div(
      sum(rate(processed().over("10m")), { by: ["environment"] }).add(
        sum(rate(failed().over("10m")), { by: ["environment"] }),
      ),
    )
    .gt(0.1),
  for: "10m",
  severity: "warning",
  team: "ml",
  summary: "{{ $value | humanizePercentage }} of jobs fail in {{ $labels.environment }}",
  description: "More than 10% of worker jobs in {{ $labels.environment }} failed over 10 minutes.",
  runbook: "worker/job-failures",
  tests: [
    {
      name: "a quarter of jobs fail",
      input: [
        series(
          "overflying_worker_jobs_failed_total",
          { ...worker, job_name: "render", error_type: "oom" },
          "0+1x120",
        ),
        series("overflying_worker_jobs_processed_total", { ...worker, job_name: "render" }, "0+3x120"),
      ],
      at: "25m",
      fires: [{ labels: { environment: "production" }, value: 0.25 }],
    },
  ],
});

export const jobSuccess = slo({
  name: "job_success",
  alert: "JobSuccessBudgetBurn",
  objective: 0.99,
  sli: ratioSli({ by: ["environment"], errors: [failed()], total: [processed(), failed()] }),
  team: "ml",
  runbook: "worker/job-success-slo",
  description: "Worker jobs fail faster than the 99% success objective allows.",
  tests: [
    {
      name: "half the jobs fail",
      input: [
        series(
          "overflying_worker_jobs_failed_total",
          { ...worker, job_name: "render", error_type: "oom" },
          "0+5x300",
        ),
        series("overflying_worker_jobs_processed_total", { ...worker, job_name: "render" }, "0+5x300"),
      ],
      at: "40m",
      fires: [
        { window: "1h", labels: { environment: "production" } },
        { window: "6h", labels: { environment: "production" } },
      ],
    },
  ],
});

export const workerDown = alert({
  name: "WorkerDown",
  expr: up({ service: "worker" }).eq(0),
  for: "2m",
  severity: "critical",
  team: "ml",
  summary: "Worker {{ $labels.pod }} is down",
  description: "Prometheus could not scrape {{ $labels.pod }} in {{ $labels.environment }} for 2 minutes.",
  runbook: "worker/down",
  tests: [
    {
      name: "scrapes fail",
      input: [upSeries({ ...worker, service: "worker" }, "1 1 0x20")],
      at: "5m",
      fires: [{ labels: { ...worker, service: "worker" } }],
    },
  ],
});

/** One rule per environment: absent() keeps only the labels its selector pins. */
export const workerAbsent = (env: EnvironmentFacts, all: readonly EnvironmentFacts[]) =>
  alert({
    name: "WorkerAbsent",
    expr: absent(up({ service: "worker", environment: env.name })),
    for: "5m",
    severity: "critical",
    team: "ml",
    labels: { environment: env.name },
    summary: "No worker is scraped in {{ $labels.environment }}",
    description:
      "Prometheus has no worker target at all in {{ $labels.environment }}: the Deployment is gone or discovery broke.",
    runbook: "worker/absent",
    tests: [
      {
        name: "only the API is scraped here, workers elsewhere",
        input: [
          upSeries({ ...worker, environment: env.name, job: "api", service: "api" }, "1x20"),
          ...all
            .filter((other) => other.name !== env.name)
            .map((other) => upSeries({ ...worker, environment: other.name, service: "worker" }, "1x20")),
        ],
        at: "5m",
        fires: [{ labels: { service: "worker", environment: env.name } }],
      },
    ],
  });

export const workerPollStalled = alert({
  name: "WorkerPollStalled",
  expr: sum(increase(metric("overflying_worker_poll_cycles_total").over("5m")), {
    by: ["environment", "pod"],
  }).eq(0),
  for: "5m",
  severity: "critical",
  team: "ml",
  summary: "Worker {{ $labels.pod }} stopped polling",
  description: "The poll loop of {{ $labels.pod }} in {{ $labels.environment }} ran no cycle for 10 minutes.",
  runbook: "worker/poll-stalled",
  tests: [
    {
      name: "poll cycles stop",
      input: [series("overflying_worker_poll_cycles_total", { ...worker, jobs_found: "false" }, "100x80")],
      at: "15m",
      fires: [{ labels: { environment: "production", pod: "worker-0" } }],
    },
  ],
});

const temperature = () => metric("overflying_worker_gpu_temperature_celsius");

export const gpuOverheating = alert({
  name: "GpuOverheating",
  // namespace rides along (one per environment) for people reading the alert.
  expr: max(temperature(), { by: ["environment", "namespace", "pod", "gpu_id"] }).gt(90),
  for: "2m",
  severity: "critical",
  team: "ml",
  labels: gpu,
  summary: "GPU {{ $labels.gpu_id }} on {{ $labels.pod }} is at {{ $value }} °C",
  description:
    "GPU {{ $labels.gpu_id }} on {{ $labels.pod }} stayed above 90 °C for 2 minutes; it will throttle or shut down.",
  runbook: "gpu/overheating",
  tests: [
    {
      name: "95 °C",
      input: [series("overflying_worker_gpu_temperature_celsius", { ...worker, gpu_id: "0" }, "70 95x20")],
      at: "4m",
      fires: [
        {
          labels: { environment: "production", namespace: "production", pod: "worker-0", gpu_id: "0" },
          value: 95,
        },
      ],
    },
    {
      name: "85 °C",
      input: [series("overflying_worker_gpu_temperature_celsius", { ...worker, gpu_id: "0" }, "85x20")],
      at: "4m",
      fires: [],
    },
  ],
});

/**
 * One rule per environment: each divides by the memory of the GPU its values deploy
 * (`worker.gpu.memoryGiB`), so a changed GPU model changes the threshold.
 */
export const gpuMemoryNearFull = (env: EnvironmentFacts) => {
  const memory = env.gpu.memoryBytes;
  const gib = memory / 2 ** 30;
  const used = (fraction: number) => Math.round(memory * fraction);
  const at = { ...worker, environment: env.name, gpu_id: "1" };
  return alert({
    name: "GpuMemoryNearFull",
    expr: max(metric("overflying_worker_gpu_memory_used_bytes", { environment: env.name }), {
      by: ["environment", "pod", "gpu_id"],
    })
      .div(memory)
      .gt(0.95),
    for: "5m",
    severity: "warning",
    team: "ml",
    labels: { ...gpu, environment: env.name },
    summary: "GPU {{ $labels.gpu_id }} on {{ $labels.pod }} memory is {{ $value | humanizePercentage }} full",
    description: `GPU {{ $labels.gpu_id }} on {{ $labels.pod }} used more than 95% of its ${gib} GiB for 5 minutes.`,
    runbook: "gpu/memory-near-full",
    tests: [
      {
        name: `97.5% of ${gib} GiB used`,
        input: [series("overflying_worker_gpu_memory_used_bytes", at, `${used(0.975)}x40`)],
        at: "6m",
        fires: [
          {
            labels: { environment: env.name, pod: "worker-0", gpu_id: "1" },
            value: used(0.975) / memory,
          },
        ],
      },
      {
        name: `half of ${gib} GiB used`,
        input: [series("overflying_worker_gpu_memory_used_bytes", at, `${used(0.5)}x40`)],
        at: "6m",
        fires: [],
      },
    ],
  });
};

export const gpuIdleWithJobs = alert({
  name: "GpuIdleWhileJobsRun",
  expr: max(metric("overflying_worker_gpu_utilization"), { by: ["environment", "pod"] })
    .eq(0)
    .and(sum(metric("overflying_worker_jobs_in_progress"), { by: ["environment", "pod"] }).gt(0)),
  for: "10m",
  severity: "warning",
  team: "ml",
  labels: gpu,
  summary: "GPUs on {{ $labels.pod }} idle while jobs run",
  description: "{{ $labels.pod }} has jobs in progress but its GPUs did nothing for 10 minutes.",
  runbook: "gpu/idle-with-jobs",
  tests: [
    {
      name: "utilization zero with a job running",
      input: [
        series("overflying_worker_gpu_utilization", { ...worker, gpu_id: "0" }, "0x80"),
        series("overflying_worker_jobs_in_progress", worker, "1x80"),
      ],
      at: "15m",
      fires: [{ labels: { environment: "production", pod: "worker-0" } }],
    },
  ],
});

export const workerRules = (stack: StackFacts): RuleFile => ({
  name: "worker",
  groups: [
    group("jobs", [jobsQueueGrowing, jobsStuck, workerFailureRatio]),
    group("jobs-slo", sloRules(jobSuccess)),
    group("worker", [
      workerDown,
      ...stack.environments.map((e) => workerAbsent(e, stack.environments)),
      workerPollStalled,
    ]),
    group("gpu", [gpuOverheating, ...stack.environments.map(gpuMemoryNearFull), gpuIdleWithJobs]),
  ],
});
