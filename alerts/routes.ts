import { type Inhibition, receiver, rootRoute, route, type TimeInterval } from "../src/alerts/dsl.ts";

/** The flyby receiver's Alertmanager endpoint inside the cluster. */
const receiverUrl = "http://flyby-receiver.observability.svc:8080/alertmanager";
/** Mounted from the Alertmanager Secret (key `receiver-token`). */
const tokenFile = "/etc/alertmanager/secrets/receiver-token";

const webhook = (name: string) =>
  receiver(name, { webhooks: [{ url: receiverUrl, credentialsFile: tokenFile }] });

export const receivers = {
  production: webhook("flyby-production"),
  productionPage: webhook("flyby-production-page"),
  ml: webhook("flyby-ml"),
  platform: webhook("flyby-platform"),
  staging: webhook("flyby-staging"),
} as const;

export const workingHours: TimeInterval = {
  name: "working-hours",
  weekdays: ["monday:friday"],
  times: [{ start: "09:00", end: "18:00" }],
  location: "Europe/Madrid",
};

export const root = rootRoute({
  receiver: receivers.production,
  groupBy: ["alertname", "namespace"],
  groupWait: "30s",
  groupInterval: "5m",
  repeatInterval: "4h",
  routes: [
    route({
      matchers: { namespace: "staging" },
      receiver: receivers.staging,
      repeatInterval: "12h",
      // Staging tickets wait for someone at a desk.
      routes: [route({ matchers: { tier: "ticket" }, activeTimeIntervals: [workingHours] })],
    }),
    route({
      matchers: { namespace: "production" },
      routes: [
        route({
          matchers: { severity: "critical" },
          receiver: receivers.productionPage,
          repeatInterval: "1h",
          continue: true,
        }),
        route({
          matchers: { team: "ml" },
          receiver: receivers.ml,
          groupBy: ["alertname", "namespace", "pod"],
        }),
        route({ matchers: { team: "platform" }, receiver: receivers.platform }),
      ],
    }),
    // Alerts with no namespace (absent(), Prometheus's and Grafana's own): a missing label matches "".
    route({ matchers: { namespace: "", severity: "critical" }, receiver: receivers.productionPage }),
    route({ matchers: { team: "platform" }, receiver: receivers.platform }),
  ],
});

export const inhibitions: Inhibition[] = [
  { source: { severity: "critical" }, target: { severity: "warning" }, equal: ["alertname", "namespace"] },
  { source: { alertname: "WorkerDown" }, target: { component: "gpu" }, equal: ["namespace", "pod"] },
];
