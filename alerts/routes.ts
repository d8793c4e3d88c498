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

type Facts = StackFacts["environments"][number];

/**
 * The receivers, each posting to its environment's edge receiver: one per environment
 * (`flyby-<env>`), and for a production environment (`production: true` in
 * environments.yaml) a paging receiver and one per team. The team receivers are
 * `flyby-ml` and `flyby-platform` while one environment is production, `flyby-ml-<env>`… with several.
 */
export function receiversOf(stack: StackFacts) {
  const webhook = (name: string, env: Facts) =>
    receiver(name, { webhooks: [{ url: env.receiverUrl, credentialsFile: tokenFile }] });
  const productions = stack.environments.filter((e) => e.production);
  const team = (name: string, env: Facts) =>
    webhook(productions.length > 1 ? `flyby-${name}-${env.name}` : `flyby-${name}`, env);
  return {
    environments: stack.environments.map((env) => ({
      environment: env,
      main: webhook(`flyby-${env.name}`, env),
      ...(env.production
        ? {
            page: webhook(`flyby-${env.name}-page`, env),
            ml: team("ml", env),
            platform: team("platform", env),
          }
        : {}),
    })),
    /** Each environment's Watchdog goes to its own edge receiver: its dead man's switch. */
    watchdog: stack.environments.map((e) => ({
      environment: e.name,
      receiver: webhook(`flyby-watchdog-${e.name}`, e),
    })),
  };
}

export const workingHours: TimeInterval = {
  name: "working-hours",
  weekdays: ["monday:friday"],
  times: [{ start: "09:00", end: "18:00" }],
  location: "Europe/Madrid",
};

type EnvironmentReceivers = ReturnType<typeof receiversOf>["environments"][number];

/** A production environment pages on critical alerts and routes the rest by team. */
function productionRoute(r: EnvironmentReceivers) {
  return route({
    matchers: { [environmentLabel]: r.environment.name },
    receiver: r.main,
    routes: [
      ...(r.page
        ? [
            route({
              matchers: { severity: "critical" },
              receiver: r.page,
              repeatInterval: "1h",
              continue: true,
            }),
          ]
        : []),
      ...(r.ml
        ? [
            route({
              matchers: { team: "ml" },
              receiver: r.ml,
              groupBy: ["alertname", environmentLabel, "pod"],
            }),
          ]
        : []),
      ...(r.platform ? [route({ matchers: { team: "platform" }, receiver: r.platform })] : []),
    ],
  });
}

/** Any other environment gets tickets, and its ticket-tier alerts wait for someone at a desk. */
function preProductionRoute(r: EnvironmentReceivers) {
  return route({
    matchers: { [environmentLabel]: r.environment.name },
    receiver: r.main,
    repeatInterval: "12h",
    routes: [route({ matchers: { tier: "ticket" }, activeTimeIntervals: [workingHours] })],
  });
}

export function rootOf(stack: StackFacts) {
  const receivers = receiversOf(stack);
  const envs = receivers.environments;
  // Alerts without an environment label come from the shared stack: its owner's receiver.
  const owner = envs.find((r) => r.environment.name === stack.observability.environment) ?? envs[0];
  if (!owner) throw new RangeError("alerts/routes.ts: the stack has no environment to route to");
  return rootRoute({
    receiver: owner.main,
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
      ...envs.filter((r) => !r.environment.production).map(preProductionRoute),
      ...envs.filter((r) => r.environment.production).map(productionRoute),
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
