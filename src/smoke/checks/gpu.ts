import type { Finding } from "../../core/finding.ts";
import { CheckId, failure } from "../check-id.ts";
import { jobsOf, type SmokeExpectations } from "../expectations.ts";
import type { Observation } from "../observe.ts";
import type { MatrixSeries, QueryOutcome } from "../sources.ts";
import { targetName } from "./targets.ts";

interface GpuField {
  readonly name: string;
  /** The label that numbers the GPUs. */
  readonly gpuLabel: string;
  readonly unit: string;
  max(e: SmokeExpectations): number;
}

const mib = 1024 * 1024;

const overflyingFields: readonly GpuField[] = [
  { name: "overflying_worker_gpu_utilization", gpuLabel: "gpu_id", unit: "%", max: () => 100 },
  {
    name: "overflying_worker_gpu_memory_used_bytes",
    gpuLabel: "gpu_id",
    unit: " bytes",
    max: (e) => e.gpuMemoryBytes,
  },
  { name: "overflying_worker_gpu_temperature_celsius", gpuLabel: "gpu_id", unit: " °C", max: () => 110 },
];

const dcgmFields: readonly GpuField[] = [
  { name: "DCGM_FI_DEV_GPU_UTIL", gpuLabel: "gpu", unit: "%", max: () => 100 },
  { name: "DCGM_FI_DEV_FB_USED", gpuLabel: "gpu", unit: " MiB", max: (e) => e.gpuMemoryBytes / mib },
  { name: "DCGM_FI_DEV_GPU_TEMP", gpuLabel: "gpu", unit: " °C", max: () => 110 },
];

export const gpuMetricNames = overflyingFields.map((f) => f.name);
export const dcgmMetricNames = dcgmFields.map((f) => f.name);

/**
 * DCGM reports blank or unsupported fields as sentinels just below the type's maximum:
 * int64 9223372036854775792..95 (2^63 once read as a float), int32 2147483632..35 and
 * fp64 140737488355328..31.
 */
export function isDcgmSentinel(value: number): boolean {
  return (
    value >= 2 ** 63 - 4096 ||
    (value >= 2147483632 && value <= 2147483635) ||
    (value >= 140737488355328 && value <= 140737488355331)
  );
}

function checkField(
  field: GpuField,
  series: MatrixSeries | undefined,
  where: string,
  o: Observation,
  e: SmokeExpectations,
): Finding[] {
  const limitMs = 2 * e.scrapeInterval.milliseconds;
  const last = series?.values.at(-1);
  if (!last)
    return [
      failure(
        CheckId.GpuPresent,
        `${where}: ${field.name} has no sample in the last ${10 * e.scrapeInterval.seconds}s`,
      ),
    ];
  const findings: Finding[] = [];
  const age = o.at - last[0] * 1000;
  if (age > limitMs)
    findings.push(
      failure(
        CheckId.GpuFresh,
        `${where}: ${field.name} is stale, last sample ${(age / 1000).toFixed(1)}s ago (limit ${limitMs / 1000}s)`,
      ),
    );
  const value = Number(last[1]);
  if (Number.isNaN(value)) findings.push(failure(CheckId.GpuValues, `${where}: ${field.name} is NaN`));
  else if (isDcgmSentinel(value))
    findings.push(
      failure(
        CheckId.GpuValues,
        `${where}: ${field.name} reads ${last[1]}, a DCGM sentinel (field blank or not supported)`,
      ),
    );
  else if (value < 0 || value > field.max(e))
    findings.push(
      failure(
        CheckId.GpuValues,
        `${where}: ${field.name} is ${value}${field.unit}, outside 0–${field.max(e)}${field.unit}`,
      ),
    );
  return findings;
}

function checkFields(
  fields: readonly GpuField[],
  outcome: QueryOutcome,
  o: Observation,
  e: SmokeExpectations,
): Finding[] {
  if (!o.targets.ok) return [];
  if (!outcome.ok) return [failure(CheckId.GpuPresent, `GPU query failed: ${outcome.error}`)];
  const series = outcome.resultType === "matrix" ? outcome.result : [];
  const workerJobs = jobsOf(e, "worker");
  const findings: Finding[] = [];
  for (const target of o.targets.value.filter((t) => workerJobs.includes(t.labels.job ?? ""))) {
    const pod = target.labels.pod ?? target.labels.instance;
    const ofPod = series.filter((s) => (s.metric.pod ?? s.metric.instance) === pod);
    for (let gpu = 0; gpu < e.gpusPerWorker; gpu++) {
      for (const field of fields) {
        const match = ofPod.find(
          (s) => s.metric.__name__ === field.name && s.metric[field.gpuLabel] === String(gpu),
        );
        findings.push(...checkField(field, match, `${targetName(target)} gpu ${gpu}`, o, e));
      }
    }
  }
  return findings;
}

/** Per worker pod and GPU: utilization, memory and temperature present, fresh, in range, not NaN or a sentinel. */
export function checkGpus(o: Observation, e: SmokeExpectations): Finding[] {
  if (!o.ready.ready) return [];
  return [
    ...checkFields(overflyingFields, o.gpu, o, e),
    ...(o.dcgm ? checkFields(dcgmFields, o.dcgm, o, e) : []),
  ];
}
