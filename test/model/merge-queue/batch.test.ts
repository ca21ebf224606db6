import { describe, expect, it } from "vitest";
import { decideConflict, planBatch } from "../../../src/model/merge-queue/index.ts";
import { entry, headsOf, sha } from "./fixtures.ts";

const base = { base: "main", baseSha: sha(100, "b") };

describe("planBatch", () => {
  const queue = [entry(1), entry(2), entry(3), entry(4)];

  it("takes up to batch_size entries in queue order, at their queued heads", () => {
    const { plan, removals } = planBatch({ ordered: queue, ...base, batchSize: 3, heads: headsOf(queue) });
    expect(plan).toEqual({ ...base, prs: [1, 2, 3].map((pr) => ({ pr, headSha: sha(pr) })) });
    expect(removals).toEqual([]);
  });

  describe("when a PR was pushed to after it was queued", () => {
    it("removes it and plans the next one instead", () => {
      const heads = headsOf(queue).set(2, sha(2, "x"));
      const { plan, removals } = planBatch({ ordered: queue, ...base, batchSize: 3, heads });
      expect(plan?.prs.map((p) => p.pr)).toEqual([1, 3, 4]);
      expect(removals).toEqual([
        { pr: 2, cause: { kind: "head-changed", queuedSha: sha(2), headSha: sha(2, "x") } },
      ]);
    });
  });

  describe("when a PR is no longer open", () => {
    it("removes it as closed", () => {
      const heads = headsOf(queue);
      heads.delete(1);
      expect(planBatch({ ordered: queue, ...base, batchSize: 1, heads }).removals).toEqual([
        { pr: 1, cause: { kind: "closed" } },
      ]);
    });
  });

  it("never plans an entry that is already merged", () => {
    const merged = [entry(1, { mergedSha: sha(9, "m") }), entry(2)];
    expect(planBatch({ ordered: merged, ...base, batchSize: 5, heads: headsOf(merged) }).plan?.prs).toEqual([
      { pr: 2, headSha: sha(2) },
    ]);
  });

  it("leaves deferred PRs for a later batch", () => {
    const { plan } = planBatch({
      ordered: queue,
      ...base,
      batchSize: 2,
      heads: headsOf(queue),
      skip: new Set([1]),
    });
    expect(plan?.prs.map((p) => p.pr)).toEqual([2, 3]);
  });

  it("plans nothing for an empty queue", () => {
    expect(planBatch({ ordered: [], ...base, batchSize: 5, heads: new Map() }).plan).toBeNull();
  });

  it("refuses a batch size below one", () => {
    expect(() => planBatch({ ordered: queue, ...base, batchSize: 0, heads: headsOf(queue) })).toThrow(
      /at least 1/,
    );
  });
});

describe("decideConflict", () => {
  const plan = { ...base, prs: [1, 2, 3].map((pr) => ({ pr, headSha: sha(pr) })) };

  describe("when the first PR does not merge onto the base", () => {
    it("removes it with the files and rebuilds without it", () => {
      const decision = decideConflict({ plan, conflict: { pr: 1, files: ["src/a.ts", "README.md"] } });
      expect(decision).toEqual({
        kind: "remove",
        rebuild: { ...base, prs: plan.prs.slice(1) },
        removal: {
          pr: 1,
          cause: { kind: "conflict", base: "main", baseSha: base.baseSha, files: ["src/a.ts", "README.md"] },
        },
      });
    });
  });

  describe("when a later PR only conflicts with the PRs ahead of it", () => {
    it("defers it to the next batch instead of removing it", () => {
      const decision = decideConflict({ plan, conflict: { pr: 3, files: ["src/a.ts"] } });
      expect(decision).toMatchObject({
        kind: "defer",
        pr: 3,
        reason: "conflicts with #1 #2 ahead of it in the batch; it waits for the next batch",
        rebuild: { prs: plan.prs.slice(0, 2) },
      });
    });
  });

  it("leaves nothing to rebuild when the conflicting PR was alone", () => {
    const alone = { ...base, prs: [{ pr: 1, headSha: sha(1) }] };
    expect(decideConflict({ plan: alone, conflict: { pr: 1, files: [] } }).rebuild).toBeNull();
  });
});
