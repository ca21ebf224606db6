// What to do once CI has spoken on a staging commit. The base only moves to the exact SHA whose
// required checks all passed, only from the base SHA the batch was built on (otherwise the batch
// is rebuilt, never forced), and only while every PR's head is still the one queued.
import { guardHeads, type Removal, type StagedPr, type StagingPlan } from "./batch.ts";
import { type CheckReport, type CheckSummary, summarizeChecks } from "./checks.ts";

export type OutcomeDecision =
  | { kind: "wait"; pending: string[] }
  | { kind: "fast-forward"; base: string; fromSha: string; toSha: string; prs: number[] }
  | { kind: "rebuild"; reason: string; removals: Removal[] }
  | { kind: "retry"; failed: string[] }
  | { kind: "bisect"; failed: string[] };

/** The guard every base move goes through: same base, same heads, checks all green on `sha`. */
export type LandingGuard =
  | { ok: true }
  | { ok: false; reason: "checks"; summary: CheckSummary }
  | { ok: false; reason: "base-moved"; currentBaseSha: string }
  | { ok: false; reason: "head-changed"; removals: Removal[] };

/** Whether the base may be fast-forwarded from `baseSha` to `sha`, which carries `prs`. */
export function guardLanding(input: {
  baseSha: string;
  currentBaseSha: string;
  sha: string;
  prs: readonly StagedPr[];
  heads: ReadonlyMap<number, string>;
  required: readonly string[];
  reports: readonly CheckReport[];
}): LandingGuard {
  const summary = summarizeChecks({ sha: input.sha, required: input.required, reports: input.reports });
  if (!summary.allPassed) return { ok: false, reason: "checks", summary };
  const { removals } = guardHeads({ entries: input.prs, heads: input.heads });
  if (removals.length > 0) return { ok: false, reason: "head-changed", removals };
  if (input.currentBaseSha !== input.baseSha) {
    return { ok: false, reason: "base-moved", currentBaseSha: input.currentBaseSha };
  }
  return { ok: true };
}

/** Everything {@link decideOutcome} reads. */
export interface OutcomeInput {
  plan: StagingPlan;
  /** The staging commit CI ran on. */
  stagingSha: string;
  required: readonly string[];
  reports: readonly CheckReport[];
  /** Where the base branch points now. */
  currentBaseSha: string;
  /** Current head of every open PR. */
  heads: ReadonlyMap<number, string>;
  /** Re-runs already spent on this batch. */
  retried: number;
  /** `retry_flaky`: re-runs allowed before a failure counts. */
  retryFlaky: number;
  timedOut?: boolean;
}

/**
 * wait (checks pending) | fast-forward (all green, base and heads unchanged) | rebuild (a head or
 * the base moved) | retry (failed, re-runs left) | bisect (failed for real).
 */
export function decideOutcome(input: OutcomeInput): OutcomeDecision {
  const { plan } = input;
  const { removals } = guardHeads({ entries: plan.prs, heads: input.heads });
  if (removals.length > 0) {
    const who = removals.map((r) => `#${r.pr}`).join(" ");
    return { kind: "rebuild", reason: `${who} changed after it was queued`, removals };
  }
  const summary = summarizeChecks({
    sha: input.stagingSha,
    required: input.required,
    reports: input.reports,
    ...(input.timedOut === undefined ? {} : { timedOut: input.timedOut }),
  });
  if (summary.failed.length > 0) {
    if (input.retried < input.retryFlaky) return { kind: "retry", failed: summary.failed };
    return { kind: "bisect", failed: summary.failed };
  }
  if (!summary.allPassed) return { kind: "wait", pending: summary.pending };
  if (input.currentBaseSha !== plan.baseSha) {
    return {
      kind: "rebuild",
      reason: `${plan.base} moved from ${plan.baseSha.slice(0, 7)} to ${input.currentBaseSha.slice(0, 7)} while the batch was tested`,
      removals: [],
    };
  }
  return {
    kind: "fast-forward",
    base: plan.base,
    fromSha: plan.baseSha,
    toSha: input.stagingSha,
    prs: plan.prs.map((p) => p.pr),
  };
}
