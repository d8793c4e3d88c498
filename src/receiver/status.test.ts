import { expect, test } from "bun:test";
import { alert, manyAlerts, notification } from "../testing/receiver/notifications.ts";
import { renderStatusPage, StatusBoard } from "./status.ts";
import type { Alert } from "./webhook.ts";

test("the board forgets resolved alerts and keeps a bounded number of firing ones", () => {
  const board = new StatusBoard(2, 5);
  board.record(notification({ alerts: manyAlerts(8) }), new Map(), [], 0);
  expect(board.firing().map((a) => a.fingerprint)).toEqual([
    "fp000003",
    "fp000004",
    "fp000005",
    "fp000006",
    "fp000007",
  ]);
  board.record(
    notification({ alerts: [alert({ fingerprint: "fp000007", status: "resolved" })] }),
    new Map(),
    [],
    1,
  );
  board.record(notification(), new Map(), [], 2);
  expect(board.firing()).toHaveLength(5);
  expect(board.recent().map((d) => d.at)).toEqual([2, 1]);
});

/** The page of a board that has seen one notification of these alerts. */
function pageOf(alerts: Alert[]): string {
  const board = new StatusBoard();
  board.record(notification({ alerts }), new Map(), [], 0);
  return renderStatusPage({
    firing: board.firing(),
    recent: board.recent(),
    deployments: [],
    now: 0,
    refreshSeconds: 10,
  });
}

test("the page escapes what alerts carry", () => {
  const html = pageOf([alert({ annotations: { summary: "<script>alert(1)</script>" } })]);
  expect(html).not.toContain("<script>alert(1)");
  expect(html).toContain("&lt;script&gt;");
});

test("each firing alert links its runbook and the expression that fired it, escaped; other schemes are not linked", () => {
  const html = pageOf([
    alert({
      fingerprint: "a",
      annotations: { summary: "hot", runbook_url: 'https://runbooks.example/gpu?a=1&b="2"' },
      generatorURL: "http://prometheus.local/graph?g0.expr=up&g0.tab=1",
    }),
    alert({
      fingerprint: "b",
      labels: { alertname: "Sneaky", environment: "production", severity: "warning" },
      annotations: { runbook_url: "javascript:alert(1)" },
      generatorURL: "data:text/html,<b>x</b>",
    }),
  ]);
  expect(html).toContain(
    '<a class="runbook" href="https://runbooks.example/gpu?a=1&amp;b=&quot;2&quot;" rel="noopener noreferrer">runbook</a>',
  );
  expect(html).toContain(
    '<a class="generator" href="http://prometheus.local/graph?g0.expr=up&amp;g0.tab=1" rel="noopener noreferrer">source</a>',
  );
  expect(html).not.toContain("javascript:");
  expect(html).not.toContain("data:text/html");
});
