import { Counter, Histogram, Registry } from "prom-client";

export const DeliveryResult = {
  Delivered: "delivered",
  Duplicate: "duplicate",
  Failed: "failed",
} as const;
export type DeliveryResult = (typeof DeliveryResult)[keyof typeof DeliveryResult];

/** The receiver's own metrics, on a registry of its own (never prom-client's global one). */
export class ReceiverMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: "flyby_receiver_requests_total",
    help: "HTTP requests by route and status code.",
    labelNames: ["route", "code"] as const,
    registers: [this.registry],
  });
  readonly received = new Counter({
    name: "flyby_receiver_notifications_received_total",
    help: "Valid Alertmanager notifications received, by group status.",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: "flyby_receiver_deliveries_total",
    help: "Deliveries per sink by result: delivered, duplicate (suppressed) or failed.",
    labelNames: ["sink", "result"] as const,
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: "flyby_receiver_duplicates_suppressed_total",
    help: "Notifications whose every delivery had already been made.",
    registers: [this.registry],
  });
  readonly failures = new Counter({
    name: "flyby_receiver_sink_attempt_failures_total",
    help: "Failed attempts to reach a sink, retried or not.",
    labelNames: ["sink"] as const,
    registers: [this.registry],
  });
  readonly watchdogHeartbeats = new Counter({
    name: "flyby_receiver_watchdog_heartbeats_total",
    help: "Watchdog alerts received, by environment (never posted to a sink).",
    labelNames: ["environment"] as const,
    registers: [this.registry],
  });
  readonly watchdogAnnouncements = new Counter({
    name: "flyby_receiver_watchdog_announcements_total",
    help: "Dead man's switch announcements: an environment fell silent or came back, by result.",
    labelNames: ["transition", "result"] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: "flyby_receiver_request_duration_seconds",
    help: "Time to answer a request, by route.",
    labelNames: ["route"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
}
