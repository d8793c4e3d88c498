import {
  environmentLabel,
  type Inhibition,
  receiver,
  rootRoute,
  route,
  type StackFacts,
  type TimeInterval,
} from "../src/alerts/dsl.ts";

/** Mounted from the Alertmanager Secret (key `receiver-token`). */
const tokenFile = "/etc/alertmanager/secrets/receiver-token";

/** The edge receiver of an environment: `alerting.receiverUrl` in its values. */
function receiverUrl(stack: StackFacts, environment: string): string {
  const env = stack.environments.find((e) => e.name === environment);
  if (!env)
    throw new RangeError(`alerts/routes.ts routes environment "${environment}", which no values define`);
  return env.receiverUrl;
}

/** The receivers, each posting to its environment's edge receiver. */
export function receiversOf(stack: StackFacts) {
  const webhook = (name: string, environment: string) =>
    receiver(name, { webhooks: [{ url: receiverUrl(stack, environment), credentialsFile: tokenFile }] });
  return {
    production: webhook("flyby-production", "production"),
    productionPage: webhook("flyby-production-page", "production"),
    ml: webhook("flyby-ml", "production"),
    platform: webhook("flyby-platform", "production"),
    staging: webhook("flyby-staging", "staging"),
    /** Each environment's Watchdog goes to its own edge receiver: its dead man's switch. */
    watchdog: stack.environments.map((e) => ({
      environment: e.name,
      receiver: webhook(`flyby-watchdog-${e.name}`, e.name),
    })),
  };
}

export const workingHours: TimeInterval = {
  name: "working-hours",
  weekdays: ["monday:friday"],
  times: [{ start: "09:00", end: "18:00" }],
  location: "Europe/Madrid",
};

export function rootOf(stack: StackFacts) {
  const receivers = receiversOf(stack);
  return rootRoute({
    receiver: receivers.production,
    groupBy: ["alertname", environmentLabel],
    groupWait: "30s",
    groupInterval: "5m",
    repeatInterval: "4h",
    routes: [
      // The Watchdog always fires: repeated every minute, so the receiver notices when it stops.
      route({
        matchers: { alertname: "Watchdog" },
        groupBy: ["alertname", environmentLabel],
        groupWait: "10s",
        groupInterval: "1m",
        repeatInterval: "1m",
        routes: receivers.watchdog.map((w) =>
          route({ matchers: { [environmentLabel]: w.environment }, receiver: w.receiver }),
        ),
      }),
      route({
        matchers: { [environmentLabel]: "staging" },
        receiver: receivers.staging,
        repeatInterval: "12h",
        // Staging tickets wait for someone at a desk.
        routes: [route({ matchers: { tier: "ticket" }, activeTimeIntervals: [workingHours] })],
      }),
      route({
        matchers: { [environmentLabel]: "production" },
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
            groupBy: ["alertname", environmentLabel, "pod"],
          }),
          route({ matchers: { team: "platform" }, receiver: receivers.platform }),
        ],
      }),
    ],
  });
}

export const inhibitions: Inhibition[] = [
  {
    source: { severity: "critical" },
    target: { severity: "warning" },
    equal: ["alertname", environmentLabel],
  },
  { source: { alertname: "WorkerDown" }, target: { component: "gpu" }, equal: [environmentLabel, "pod"] },
];
