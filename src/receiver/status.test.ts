import { expect, test } from "bun:test";
import { alert, manyAlerts, notification } from "../testing/receiver/notifications.ts";
import { renderStatusPage, StatusBoard } from "./status.ts";

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

test("the page escapes what alerts carry", () => {
  const board = new StatusBoard();
  board.record(
    notification({ alerts: [alert({ annotations: { summary: "<script>alert(1)</script>" } })] }),
    new Map(),
    [],
    0,
  );
  const html = renderStatusPage({
    firing: board.firing(),
    recent: board.recent(),
    deployments: [],
    now: 0,
    refreshSeconds: 10,
  });
  expect(html).not.toContain("<script>alert(1)");
  expect(html).toContain("&lt;script&gt;");
});
