import { describe, expect, it } from "vitest";
import {
  findStickyComment,
  planStickyComment,
  renderCheckRun,
  renderStatusTitle,
  renderStickyComment,
} from "../../../src/model/merge-queue/index.ts";
import { sha } from "./fixtures.ts";

describe("renderStatusTitle", () => {
  it.each([
    [{ kind: "queued", position: 3 }, "queued, position 3"],
    [{ kind: "testing", prs: [12, 14] }, "testing with #12 #14"],
    [{ kind: "testing", prs: [12], bisecting: true }, "bisecting, testing with #12"],
    [{ kind: "merged", sha: "abc1234def" }, "merged in abc1234"],
    [
      { kind: "removed", cause: { kind: "checks-failed", sha: "abc1234def", checks: ["test"] } },
      "removed: checks failed on abc1234 — push a fix or /queue",
    ],
    [
      { kind: "not-queued", reasons: [{ message: "the pull request is a draft", fix: "x" }] },
      "not queued: the pull request is a draft",
    ],
  ] as const)("renders %o as %s", (status, title) => {
    expect(renderStatusTitle(status)).toBe(title);
  });
});

describe("renderCheckRun", () => {
  it("completes with failure when a PR was removed, and details the cause", () => {
    expect(
      renderCheckRun({
        kind: "removed",
        cause: { kind: "conflict", base: "main", baseSha: sha(1, "b"), files: ["a.ts"] },
      }),
    ).toMatchInlineSnapshot(`
      {
        "conclusion": "failure",
        "name": "gastown/refinery",
        "status": "completed",
        "summary": "Left the merge queue: conflicts with main (a.ts) — rebase on main and /queue.

      Base \`main\` at b000001.
      - \`a.ts\`",
        "title": "removed: conflicts with main (a.ts) — rebase on main and /queue",
      }
    `);
  });

  it("stays queued while waiting and succeeds once merged", () => {
    expect(renderCheckRun({ kind: "queued", position: 2 }).status).toBe("queued");
    expect(renderCheckRun({ kind: "testing", prs: [1] }).status).toBe("in_progress");
    expect(renderCheckRun({ kind: "merged", sha: "abc" })).toMatchObject({
      status: "completed",
      conclusion: "success",
    });
  });
});

describe("the sticky comment", () => {
  const body = renderStickyComment({
    pr: 12,
    status: {
      kind: "queued",
      position: 3,
      explanation: "P1, waiting +2 → score 2; behind #9 because it was queued earlier",
    },
  });

  it("reads as one status with a hidden marker", () => {
    expect(body).toMatchInlineSnapshot(`
      "**Refinery:** queued

      Waiting in the merge queue; the \`gastown/refinery\` check shows its position.

      Comment \`/dequeue\` to leave the queue.

      <!-- gastown-refinery {"v":1,"pr":12} -->"
    `);
  });

  it("is not edited when only the position moves (the check run carries it)", () => {
    expect(renderStickyComment({ pr: 12, status: { kind: "queued", position: 1 } })).toBe(body);
  });

  it("is found again by its marker, for this PR and this author only", () => {
    const comments = [
      { id: 1, body: "hello", author: "app[bot]" },
      {
        id: 2,
        body: renderStickyComment({ pr: 13, status: { kind: "queued", position: 1 } }),
        author: "app[bot]",
      },
      { id: 3, body, author: "mallory" },
      { id: 4, body, author: "app[bot]" },
    ];
    expect(findStickyComment({ comments, pr: 12, author: "app[bot]" })?.id).toBe(4);
    expect(findStickyComment({ comments: comments.slice(0, 3), pr: 12, author: "app[bot]" })).toBeNull();
  });

  it("is written only when its body changed", () => {
    expect(planStickyComment({ existing: null, body })).toEqual({ kind: "create", body });
    expect(planStickyComment({ existing: { id: 4, body }, body })).toEqual({ kind: "none" });
    expect(planStickyComment({ existing: { id: 4, body: "old" }, body })).toEqual({
      kind: "update",
      id: 4,
      body,
    });
  });
});
