import type { Alert, Notification } from "../../receiver/webhook.ts";

export function alert(overrides: Partial<Alert> & { labels?: Record<string, string> } = {}): Alert {
  return {
    status: "firing",
    labels: { alertname: "HighErrorRate", environment: "production", severity: "critical", team: "api" },
    annotations: { summary: "5xx ratio above 5% for 10 minutes" },
    startsAt: "2026-11-24T02:00:00.000Z",
    endsAt: "0001-01-01T00:00:00Z",
    generatorURL: "http://prometheus.local/graph?g0.expr=up",
    fingerprint: "a1b2c3d4e5f60718",
    ...overrides,
  };
}

export function notification(overrides: Partial<Notification> = {}): Notification {
  const alerts = overrides.alerts ?? [alert()];
  return {
    version: "4",
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
    receiver: "flyby",
    groupLabels: { alertname: "HighErrorRate" },
    commonLabels: { alertname: "HighErrorRate" },
    commonAnnotations: {},
    externalURL: "http://alertmanager.local",
    alerts,
    ...overrides,
  };
}

/** `count` distinct firing alerts in one group. */
export function manyAlerts(count: number, env = "production"): Alert[] {
  return Array.from({ length: count }, (_, i) =>
    alert({
      fingerprint: `fp${String(i).padStart(6, "0")}`,
      labels: {
        alertname: "HighErrorRate",
        environment: env,
        severity: "critical",
        team: "api",
        instance: `api-${i}`,
      },
    }),
  );
}

export function post(
  url: string,
  body: unknown,
  token: string | undefined,
  headers: Record<string, string> = {},
): Request {
  return new Request(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
