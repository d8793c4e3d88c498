import { z } from "zod";
import { environmentLabel } from "../core/labels.ts";

/** RFC 3339 as Go writes it: optional fractional seconds of any precision, Z or an offset. */
const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, "expected an RFC 3339 time");

export const AlertStatus = { Firing: "firing", Resolved: "resolved" } as const;
export type AlertStatus = (typeof AlertStatus)[keyof typeof AlertStatus];
const status = z.enum([AlertStatus.Firing, AlertStatus.Resolved]);
const labelSet = z.record(z.string(), z.string());

const alertSchema = z.object({
  status,
  labels: labelSet,
  annotations: labelSet,
  startsAt: rfc3339,
  endsAt: rfc3339,
  generatorURL: z.string(),
  fingerprint: z.string().min(1),
});

/** Alertmanager's webhook payload, version 4. */
export const webhookSchema = z.object({
  version: z.literal("4"),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status,
  receiver: z.string(),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: z.string(),
  alerts: z.array(alertSchema).min(1),
});

export type Alert = z.infer<typeof alertSchema>;
export type Notification = z.infer<typeof webhookSchema>;

/** The environment an alert is about, from the shared environment label. */
export function environmentOf(a: Alert): string | undefined {
  return a.labels[environmentLabel] || undefined;
}

export type ParseResult =
  | { ok: true; notification: Notification }
  | { ok: false; field: string; message: string };

function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    out += typeof part === "number" ? `[${part}]` : out ? `.${String(part)}` : String(part);
  }
  return out || "(root)";
}

export function parseWebhook(value: unknown): ParseResult {
  const parsed = webhookSchema.safeParse(value);
  if (parsed.success) return { ok: true, notification: parsed.data };
  const issue = parsed.error.issues[0];
  return issue
    ? { ok: false, field: fieldPath(issue.path), message: issue.message }
    : { ok: false, field: "(root)", message: "invalid payload" };
}
