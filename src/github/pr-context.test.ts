import { describe, expect, test } from "bun:test";
import { verifyPrContext } from "./pr-context.ts";

const head = "a".repeat(40);
const base = "b".repeat(40);
const pulls = (prs: Record<number, { head: string; open: boolean }>) => ({
  get: async (n: number) => {
    const pr = prs[n];
    if (!pr) throw new Error(`no PR #${n}`);
    return { ...pr, base };
  },
});

describe("the PR a workflow_run belongs to", () => {
  test("the artifact's PR is kept when GitHub says its head is the run's commit; the base comes from GitHub", async () => {
    const text = JSON.stringify({ pullRequest: 7, head });
    expect(await verifyPrContext(text, "context.json", head, pulls({ 7: { head, open: true } }))).toEqual({
      number: 7,
      base,
    });
  });

  test("an artifact that points at someone else's PR is refused", async () => {
    const text = JSON.stringify({ pullRequest: 8, head });
    const e = await verifyPrContext(
      text,
      "context.json",
      head,
      pulls({ 8: { head: "c".repeat(40), open: true } }),
    ).catch((x) => x);
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`pull request #8 is at ${"c".repeat(40)}, not at ${head}`);
  });

  test("a commit other than the run's, a closed PR and malformed context are refused", async () => {
    const other = await verifyPrContext(
      JSON.stringify({ pullRequest: 7, head: base }),
      "c.json",
      head,
      pulls({}),
    ).catch((x) => x);
    expect(other.message).toContain(`the artifact names commit ${base}, but the run was for ${head}`);
    const closed = await verifyPrContext(
      JSON.stringify({ pullRequest: 7, head }),
      "c.json",
      head,
      pulls({ 7: { head, open: false } }),
    ).catch((x) => x);
    expect(closed.message).toContain("pull request #7 is closed");
    const extra = await verifyPrContext(
      JSON.stringify({ pullRequest: 7, head, run: "curl evil" }),
      "c.json",
      head,
      pulls({}),
    ).catch((x) => x);
    expect(extra.exitCode).toBe(2);
    expect((await verifyPrContext("{", "c.json", head, pulls({})).catch((x) => x)).message).toContain(
      "not JSON",
    );
  });
});
