import { describe, expect, it } from "vitest";
import {
  admitEntry,
  checkAdmission,
  decodeState,
  emptyState,
  encodeState,
  planSync,
  recordMerged,
  recordRemoved,
} from "../../../src/model/merge-queue/index.ts";
import { entry, NOW, sha } from "./fixtures.ts";

const withEntries = (...prs: number[]) => ({ ...emptyState("main"), entries: prs.map((pr) => entry(pr)) });

describe("the refinery's stored state", () => {
  it("round-trips through its text", () => {
    const state = withEntries(1, 2);
    const decoded = decodeState(encodeState(state), "main");
    expect(decoded).toEqual({ ok: true, value: state });
  });

  it("reports damage with the field and how to reset, never guessing", () => {
    const result = decodeState('{"v":1,"base":"main","entries":[{"pr":"x"}]}', "main");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/^The refinery's state for main cannot be read: entries\.0\.pr: /);
    expect(result.error.hint).toBe(
      "Reset it with `gt mq reset` (it forgets the queue of main); marked pull requests enter again on the next tick.",
    );
    expect(decodeState("not json", "main").ok).toBe(false);
    expect(decodeState(encodeState(emptyState("dev")), "main").ok).toBe(false);
  });
});

describe("squaring the queue with the open pull requests", () => {
  it("records merged and closed PRs and removes one whose head moved", () => {
    const state = withEntries(1, 2, 3);
    const heads = new Map([[3, sha(99)]]);
    const gone = new Map([
      [1, { merged: true, sha: sha(50, "m") }],
      [2, { merged: false, sha: null }],
    ]);
    expect(planSync({ state, heads, gone })).toEqual({
      merged: [{ pr: 1, sha: sha(50, "m") }],
      removals: [
        { pr: 2, cause: { kind: "closed" } },
        { pr: 3, cause: { kind: "head-changed", queuedSha: sha(3), headSha: sha(99) } },
      ],
    });
  });

  it("accepts a head the refinery made itself in direct mode", () => {
    const state = {
      ...withEntries(4),
      direct: { pr: 4, ownUpdates: [sha(40, "u")], retried: 0, startedAt: NOW.toISOString() },
    };
    expect(planSync({ state, heads: new Map([[4, sha(40, "u")]]), gone: new Map() })).toEqual({
      merged: [],
      removals: [],
    });
  });
});

describe("leaving and coming back", () => {
  const removed = recordRemoved(
    withEntries(5, 6),
    [{ pr: 5, cause: { kind: "checks-failed", sha: sha(5), checks: ["ci"] }, reason: "checks failed" }],
    NOW,
  );

  it("parks a removed PR at the head it left with, and abandons a batch holding it", () => {
    const batched = {
      ...withEntries(5, 6),
      batch: {
        build: 1,
        plan: { base: "main", baseSha: sha(0, "b"), prs: [{ pr: 5, headSha: sha(5) }] },
        stagingSha: sha(1, "s"),
        startedAt: NOW.toISOString(),
        retried: 0,
        bisect: null,
        failedChecks: [],
      },
    };
    const next = recordRemoved(batched, [{ pr: 5, cause: { kind: "closed" }, reason: "closed" }], NOW);
    expect(next.batch).toBeNull();
    expect(removed.entries.map((e) => e.pr)).toEqual([6]);
    expect(removed.parked).toEqual([
      { pr: 5, headSha: sha(5), cause: "checks-failed", retries: 0, sticky: false, at: NOW.toISOString() },
    ]);
  });

  it("does not let the same commit walk back in, but a fix (new head) or /queue may, as a retry", () => {
    expect(checkAdmission(removed, 5, sha(5), false).kind).toBe("parked");
    expect(checkAdmission(removed, 5, sha(55), false)).toEqual({ kind: "admit", retries: 1 });
    expect(checkAdmission(removed, 5, sha(5), true)).toEqual({ kind: "admit", retries: 1 });
    expect(checkAdmission(removed, 6, sha(6), false)).toEqual({ kind: "queued" });
  });

  it("keeps a dequeued PR out whatever its head, until someone writes /queue", () => {
    const out = recordRemoved(
      withEntries(7),
      [{ pr: 7, cause: { kind: "dequeued", by: "ada" }, reason: "x" }],
      NOW,
    );
    expect(checkAdmission(out, 7, sha(77), false).kind).toBe("parked");
    expect(checkAdmission(out, 7, sha(77), true)).toEqual({ kind: "admit", retries: 0 });
    expect(admitEntry(out, entry(7)).parked).toEqual([]);
  });

  it("forgets merged PRs from the queue and keeps them in the history", () => {
    const merged = recordMerged(withEntries(8, 9), [{ pr: 8, sha: sha(1, "m") }], NOW);
    expect(merged.entries.map((e) => e.pr)).toEqual([9]);
    expect(merged.history).toEqual([{ pr: 8, outcome: "merged", sha: sha(1, "m"), at: NOW.toISOString() }]);
  });
});
