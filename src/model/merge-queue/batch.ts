// Batch planning, bors-style: the first `batch_size` entries in queue order, each merged onto the
// staging tip; one that conflicts is taken out and the batch rebuilt. Before anything is planned,
// the head guard drops entries whose PR moved since it was queued, and merged entries are never
// planned again.
import type { QueueEntry } from "./entry.ts";
import type { RemovalCause } from "./removal.ts";

/** A pull request on the staging branch, at the head it was queued with. */
export interface StagedPr {
  pr: number;
  headSha: string;
}

/** What to build on the staging branch: the base at `baseSha`, then each PR merged in order. */
export interface StagingPlan {
  base: string;
  baseSha: string;
  prs: StagedPr[];
}

/** A PR the queue lets go, and why. */
export interface Removal {
  pr: number;
  cause: RemovalCause;
}

/** Anything that names a PR and the head it was queued at (an entry, a staged PR). */
export interface HeadBearing {
  pr: number;
  headSha: string;
  mergedSha?: string | null;
}

/**
 * Splits `entries` into those whose PR head still equals the head recorded at enqueue and those to
 * remove. `heads` holds the current head of every open PR; an entry missing from it is closed.
 */
export function guardHeads<T extends HeadBearing>(input: {
  entries: readonly T[];
  heads: ReadonlyMap<number, string>;
}): { kept: T[]; removals: Removal[] } {
  const kept: T[] = [];
  const removals: Removal[] = [];
  for (const entry of input.entries) {
    if (entry.mergedSha != null) continue;
    const head = input.heads.get(entry.pr);
    if (head === undefined) removals.push({ pr: entry.pr, cause: { kind: "closed" } });
    else if (head !== entry.headSha) {
      removals.push({
        pr: entry.pr,
        cause: { kind: "head-changed", queuedSha: entry.headSha, headSha: head },
      });
    } else kept.push(entry);
  }
  return { kept, removals };
}

/** The input of {@link planBatch}: entries already in queue order (see `orderQueue`). */
export interface PlanBatchInput {
  ordered: readonly QueueEntry[];
  base: string;
  baseSha: string;
  batchSize: number;
  heads: ReadonlyMap<number, string>;
  /** PRs to leave out of this batch without removing them (deferred after a conflict). */
  skip?: ReadonlySet<number>;
}

/** The next staging plan (null when nothing is ready) and the entries the head guard removed. */
export function planBatch(input: PlanBatchInput): { plan: StagingPlan | null; removals: Removal[] } {
  if (!Number.isInteger(input.batchSize) || input.batchSize < 1) {
    throw new RangeError(`batchSize must be a whole number of at least 1 (got ${input.batchSize})`);
  }
  const { kept, removals } = guardHeads({ entries: input.ordered, heads: input.heads });
  const prs = kept
    .filter((entry) => !input.skip?.has(entry.pr))
    .slice(0, input.batchSize)
    .map((entry) => ({ pr: entry.pr, headSha: entry.headSha }));
  return { plan: prs.length === 0 ? null : { base: input.base, baseSha: input.baseSha, prs }, removals };
}

/** A PR whose merge onto the staging tip failed, and the files git reported. */
export interface MergeConflict {
  pr: number;
  files: readonly string[];
}

export type ConflictDecision = {
  /** The plan without the conflicting PR; null when it was alone. */
  rebuild: StagingPlan | null;
} & (
  | { kind: "remove"; removal: Removal }
  /** It only conflicts with PRs ahead of it in this batch: it waits for a later batch. */
  | { kind: "defer"; pr: number; reason: string }
);

/**
 * Takes a conflicting PR out of the batch. Merged first onto the bare base, it conflicts with the
 * base itself and leaves the queue; merged later, it may only clash with batch-mates that could
 * still fail, so it is deferred to the next batch, where it meets the base they moved.
 */
export function decideConflict(input: { plan: StagingPlan; conflict: MergeConflict }): ConflictDecision {
  const { plan, conflict } = input;
  const index = plan.prs.findIndex((p) => p.pr === conflict.pr);
  if (index < 0) throw new RangeError(`#${conflict.pr} is not in the staging plan`);
  const rest = plan.prs.filter((p) => p.pr !== conflict.pr);
  const rebuild = rest.length === 0 ? null : { ...plan, prs: rest };
  if (index === 0) {
    return {
      kind: "remove",
      rebuild,
      removal: {
        pr: conflict.pr,
        cause: { kind: "conflict", base: plan.base, baseSha: plan.baseSha, files: [...conflict.files] },
      },
    };
  }
  const ahead = plan.prs.slice(0, index).map((p) => `#${p.pr}`);
  return {
    kind: "defer",
    rebuild,
    pr: conflict.pr,
    reason: `conflicts with ${ahead.join(" ")} ahead of it in the batch; it waits for the next batch`,
  };
}
