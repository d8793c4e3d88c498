import { describe, expect, test } from "bun:test";
import { re } from "./expr.ts";
import { matches, receiver, rootRoute, route, routeAlert } from "./routes.ts";

const hook = (name: string) =>
  receiver(name, { webhooks: [{ url: "http://127.0.0.1/", credentialsFile: "/t" }] });
const [a, b, c, d] = [hook("a"), hook("b"), hook("c"), hook("d")];

describe("Alertmanager matcher semantics", () => {
  test("a missing label matches the empty string", () => {
    expect(matches({ environment: "" }, {})).toBe(true);
    expect(matches({ team: re("") }, {})).toBe(true);
    expect(matches({ team: "ml" }, {})).toBe(false);
  });

  test("regexes are anchored at both ends", () => {
    expect(matches({ alertname: re("Gpu") }, { alertname: "GpuOverheating" })).toBe(false);
    expect(matches({ alertname: re("Gpu.*") }, { alertname: "GpuOverheating" })).toBe(true);
    expect(matches({ alertname: re("a|b") }, { alertname: "xa" })).toBe(false);
  });

  test("negative matchers", () => {
    expect(matches({ severity: { op: "!=", value: "critical" } }, { severity: "warning" })).toBe(true);
    expect(matches({ severity: { op: "!~", value: "crit.*" } }, { severity: "critical" })).toBe(false);
  });
});

describe("routing tree", () => {
  const tree = rootRoute({
    receiver: a,
    routes: [
      route({ matchers: { severity: "critical" }, receiver: b, continue: true }),
      route({ matchers: { team: "ml" }, receiver: c }),
      route({ matchers: { team: re("ml|platform") }, receiver: d }),
      route({
        matchers: { environment: "staging" },
        routes: [route({ matchers: { tier: "ticket" } })],
      }),
    ],
  });
  const names = (labels: Record<string, string>) => routeAlert(tree, labels).map((m) => m.receiver.name);

  test("GIVEN no child matches THEN the parent is the match", () => {
    expect(names({ team: "backend" })).toEqual(["a"]);
  });
  test("the first matching child wins", () => {
    expect(names({ team: "ml" })).toEqual(["c"]);
  });
  test("continue lets later siblings match too", () => {
    expect(names({ severity: "critical", team: "ml" })).toEqual(["b", "c"]);
  });
  test("receivers are inherited, and paths name the node", () => {
    const [m] = routeAlert(tree, { environment: "staging", tier: "ticket" });
    expect(m?.receiver.name).toBe("a");
    expect(m?.path).toBe("route.routes[3].routes[0]");
  });
});
