import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BisectState,
  bisectRoundBound,
  nextBisectStep,
  recordBisectResult,
  type StagingPlan,
  startBisection,
} from "../../../src/model/merge-queue/index.ts";
import { sha } from "./fixtures.ts";

const planOf = (prs: readonly number[]): StagingPlan => ({
  base: "main",
  baseSha: sha(0, "b"),
  prs: prs.map((pr) => ({ pr, headSha: sha(pr) })),
});

/** Runs a bisection to the end against a deterministic CI: a build fails iff it holds a culprit. */
function bisect(prs: readonly number[], culprits: ReadonlySet<number>) {
  let state: BisectState = startBisection(planOf(prs));
  const builds: number[][] = [];
  for (;;) {
    const step = nextBisectStep(state);
    if (step.kind === "done") return { ...step, builds };
    const tested = step.plan.prs.map((p) => p.pr);
    builds.push(tested);
    const passed = !tested.some((pr) => culprits.has(pr));
    state = recordBisectResult(state, { tested, sha: `s${builds.length}`, passed });
  }
}

describe("bisection", () => {
  describe("when a batch of one fails", () => {
    it("names it the culprit without another build", () => {
      expect(bisect([5], new Set([5]))).toMatchObject({
        merge: [],
        mergeSha: null,
        culprits: [5],
        rounds: 0,
      });
    });
  });

  describe("when one PR of four breaks the build", () => {
    it("tests halves on top of the known-good PRs and merges the rest on the SHA they passed together", () => {
      const result = bisect([1, 2, 3, 4], new Set([3]));
      expect(result.builds).toEqual([
        [1, 2],
        [1, 2, 3],
        [1, 2, 4],
      ]);
      expect(result).toMatchObject({ merge: [1, 2, 4], mergeSha: "s3", culprits: [3], rounds: 3 });
    });
  });

  describe("when every PR is a culprit", () => {
    it("merges nothing", () => {
      expect(bisect([1, 2, 3], new Set([1, 2, 3]))).toMatchObject({
        merge: [],
        mergeSha: null,
        culprits: [1, 2, 3],
      });
    });
  });

  it("refuses a verdict on a build it did not ask for", () => {
    const state = startBisection(planOf([1, 2, 3, 4]));
    expect(() => recordBisectResult(state, { tested: [1, 2, 3], sha: "s", passed: true })).toThrow(
      /asked for #1 #2/,
    );
  });

  it("finds exactly the culprits, never merges one, and merges only a set that passed whole", () => {
    const batches = fc
      .uniqueArray(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 40 })
      .chain((prs) => fc.tuple(fc.constant(prs), fc.subarray(prs, { minLength: 1 })));
    fc.assert(
      fc.property(batches, ([prs, culpritList]) => {
        const culprits = new Set(culpritList);
        const result = bisect(prs, culprits);
        expect(new Set(result.culprits)).toEqual(culprits);
        expect(result.merge).toEqual(prs.filter((pr) => !culprits.has(pr)));
        expect(result.merge.some((pr) => culprits.has(pr))).toBe(false);
        if (result.merge.length > 0) {
          // The merge SHA is the build of exactly the merged PRs, and that build passed.
          const build = result.builds[Number(result.mergeSha?.slice(1)) - 1];
          expect(build).toEqual(result.merge);
        } else expect(result.mergeSha).toBeNull();
        expect(result.rounds).toBe(result.builds.length);
        expect(result.rounds).toBeLessThanOrEqual(bisectRoundBound(prs.length, culprits.size));
      }),
      { numRuns: 500 },
    );
  });
});

describe("bisectRoundBound", () => {
  it("is k·⌈log2 n⌉ + k builds, and none for a batch of one", () => {
    expect(bisectRoundBound(1, 1)).toBe(0);
    expect(bisectRoundBound(8, 1)).toBe(4);
    expect(bisectRoundBound(200, 3)).toBe(27);
  });
});
