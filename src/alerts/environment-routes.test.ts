import { describe, expect, test } from "bun:test";
import { rootOf } from "../../alerts/routes.ts";
import type { StackFacts } from "../core/catalog/stack.ts";
import { Duration } from "../core/duration.ts";
import { routeAlert } from "./routes.ts";

function facts(envs: readonly { name: string; production: boolean }[]): StackFacts {
  return {
    environments: envs.map((e) => ({
      ...e,
      namespace: e.name,
      receiverUrl: `https://receiver-${e.name}.example/alertmanager`,
      gpu: { count: 1, memoryBytes: 80 * 2 ** 30 },
    })),
    observability: {
      environment: envs.at(-1)?.name ?? "",
      namespace: "observability",
      scrapeInterval: Duration.ofSeconds(15),
      retentionSizeBytes: 2 ** 30,
    },
  };
}

const receivers = (root: ReturnType<typeof rootOf>, labels: Record<string, string>) =>
  routeAlert(root, labels).map((m) => m.receiver.name);

describe("alert routing follows environments.yaml", () => {
  const root = rootOf(
    facts([
      { name: "dev", production: false },
      { name: "staging", production: false },
      { name: "production", production: true },
    ]),
  );

  test("a third environment's alerts reach its own receiver, never production's", () => {
    const critical = { alertname: "HighErrorRate", severity: "critical", team: "api" };
    expect(receivers(root, { ...critical, environment: "dev" })).toEqual(["flyby-dev"]);
    expect(receivers(root, { ...critical, environment: "staging" })).toEqual(["flyby-staging"]);
    expect(receivers(root, { ...critical, environment: "production" })).toEqual(["flyby-production-page"]);
    expect(receivers(root, { alertname: "Slow", severity: "warning", environment: "production" })).toEqual([
      "flyby-production",
    ]);
    const dev = routeAlert(root, { ...critical, environment: "dev" })[0];
    expect(dev?.route.receiver?.webhooks[0]?.url).toBe("https://receiver-dev.example/alertmanager");
  });

  test("the production flag, not the name, makes an environment page people", () => {
    const regions = rootOf(
      facts([
        { name: "staging", production: false },
        { name: "prod-eu", production: true },
        { name: "prod-us", production: true },
      ]),
    );
    const gpu = { alertname: "GpuOverheating", severity: "critical", team: "ml" };
    expect(receivers(regions, { ...gpu, environment: "prod-eu" })).toEqual([
      "flyby-prod-eu-page",
      "flyby-ml-prod-eu",
    ]);
    expect(receivers(regions, { ...gpu, environment: "prod-us" })).toEqual([
      "flyby-prod-us-page",
      "flyby-ml-prod-us",
    ]);
    expect(receivers(regions, { ...gpu, environment: "staging" })).toEqual(["flyby-staging"]);
  });
});
