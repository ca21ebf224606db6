// Bisection of a failed batch as a pure state machine: the acting layer asks `nextBisectStep`
// what to build, builds it on staging, lets CI run, and feeds the verdict to
// `recordBisectResult`. It never merges anything itself; it ends with the good PRs and the SHA on
// which exactly that set passed, so the base only ever moves to a tested tree.
//
// The search keeps a tested-good prefix G (initially the bare base). The batch after G is the
// "suspect" and is known to fail on top of G. Binary search finds the shortest failing prefix of
// the suspect: test G + its first half; a pass moves that half into G, a fail narrows the suspect
// to it and puts the second half back in the untested rest. A suspect of one is a culprit. Then
// the rest is tested on top of G once; if it passes it joins G, otherwise the search repeats.
//
// Bound: with n PRs and k culprits (that fail on their own), at most k·⌈log2 n⌉ + k builds — each
// culprit costs one build per halving plus one build of the rest behind it — and a batch of one
// costs none. A PR that only fails together with another is blamed on the later one; G is only
// ever a set that passed as a whole, so that is still safe.
import type { StagedPr, StagingPlan } from "./batch.ts";

/** Where a bisection stands. Treat as opaque outside this module. */
export interface BisectState {
  base: string;
  baseSha: string;
  /** The failed batch, in order. */
  batch: StagedPr[];
  /** Tested good, in order: every PR here passed in one build with all the others. */
  good: StagedPr[];
  /** The staging SHA on which exactly `good` passed; null while `good` is empty. */
  goodSha: string | null;
  culprits: StagedPr[];
  /** Fails on top of `good` when `suspectFails`; otherwise not yet tested. */
  suspect: StagedPr[];
  suspectFails: boolean;
  /** Untested PRs behind the suspect, in order. */
  rest: StagedPr[];
  /** Staging builds spent so far. */
  rounds: number;
}

export type BisectStep =
  | {
      kind: "test";
      /** Build this on staging: the base, then `good`, then the candidates. */
      plan: StagingPlan;
      candidates: number[];
    }
  | {
      kind: "done";
      /** Fast-forward the base to `mergeSha` (when not null): it carries exactly these PRs. */
      merge: number[];
      mergeSha: string | null;
      culprits: number[];
      rounds: number;
    };

/** Isolates culprits whose suspect has shrunk to one, and moves on to the untested rest. */
function settle(state: BisectState): BisectState {
  let next = state;
  while (next.suspectFails && next.suspect.length === 1) {
    const [culprit] = next.suspect as [StagedPr];
    next = {
      ...next,
      culprits: [...next.culprits, culprit],
      suspect: next.rest,
      suspectFails: false,
      rest: [],
    };
  }
  if (next.suspectFails && next.suspect.length === 0) next = { ...next, suspectFails: false };
  return next;
}

/** Starts bisecting `plan`, whose staging build failed. */
export function startBisection(plan: StagingPlan): BisectState {
  if (plan.prs.length === 0) throw new RangeError("cannot bisect an empty batch");
  return settle({
    base: plan.base,
    baseSha: plan.baseSha,
    batch: [...plan.prs],
    good: [],
    goodSha: null,
    culprits: [],
    suspect: [...plan.prs],
    suspectFails: true,
    rest: [],
    rounds: 0,
  });
}

/** The PRs the next build tries on top of `good`. */
function candidatesOf(state: BisectState): StagedPr[] {
  if (!state.suspectFails) return state.suspect;
  return state.suspect.slice(0, Math.floor(state.suspect.length / 2));
}

/** What to do next: build and test a staging plan, or finish. */
export function nextBisectStep(state: BisectState): BisectStep {
  if (state.suspect.length === 0) {
    return {
      kind: "done",
      merge: state.good.map((p) => p.pr),
      mergeSha: state.goodSha,
      culprits: state.culprits.map((p) => p.pr),
      rounds: state.rounds,
    };
  }
  const candidates = candidatesOf(state);
  return {
    kind: "test",
    plan: { base: state.base, baseSha: state.baseSha, prs: [...state.good, ...candidates] },
    candidates: candidates.map((p) => p.pr),
  };
}

/** The verdict of CI on the build `nextBisectStep` asked for. */
export interface BisectResult {
  /** The PRs that were built, in order (checked against what was asked). */
  tested: readonly number[];
  /** The staging SHA the checks ran on. */
  sha: string;
  /** True only when every required check passed on `sha`. */
  passed: boolean;
}

/** Advances the bisection with one build's verdict. */
export function recordBisectResult(state: BisectState, result: BisectResult): BisectState {
  const step = nextBisectStep(state);
  if (step.kind !== "test") throw new Error("the bisection is done; there is no build to record");
  const expected = step.plan.prs.map((p) => p.pr);
  if (expected.length !== result.tested.length || expected.some((pr, i) => result.tested[i] !== pr)) {
    throw new Error(
      `the build tested ${result.tested.map((n) => `#${n}`).join(" ")}, but the bisection asked for ${expected.map((n) => `#${n}`).join(" ")}`,
    );
  }
  const candidates = candidatesOf(state);
  const behind = state.suspect.slice(candidates.length);
  const rounds = state.rounds + 1;
  if (result.passed) {
    // A pass moves the candidates into the good set. If the suspect was known to fail, what is
    // left of it still fails on top of the larger good set (the same tree failed before).
    return settle({
      ...state,
      good: [...state.good, ...candidates],
      goodSha: result.sha,
      suspect: state.suspectFails ? behind : state.rest,
      rest: state.suspectFails ? state.rest : [],
      rounds,
    });
  }
  return settle({
    ...state,
    suspect: candidates,
    suspectFails: true,
    rest: [...behind, ...state.rest],
    rounds,
  });
}

/** The most builds bisecting `n` PRs with `k` culprits can take (see the module comment). */
export function bisectRoundBound(n: number, k: number): number {
  if (n <= 1) return 0;
  return k * Math.ceil(Math.log2(n)) + k;
}
