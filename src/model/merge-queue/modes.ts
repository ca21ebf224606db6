// The two other refinery modes as small decisions. `direct` tests each PR in place, Kodiak-style:
// bring its branch up to date, wait for its required checks, merge with the head-SHA guard.
// `native` lets GitHub's merge queue do the testing and only decides when to enqueue, and
// mirrors what the queue did into our status.
import { type CheckReport, summarizeChecks } from "./checks.ts";
import { effectivePriority, type QueueEntry } from "./entry.ts";
import type { RemovalCause } from "./removal.ts";

/** A PR as the modes read it. */
export interface PullRequestState {
  state: "open" | "closed";
  merged: boolean;
  headSha: string;
  /** The merge commit (or the base SHA containing it) once merged. */
  mergedSha?: string | null;
}

export type DirectDecision =
  | { kind: "merged"; sha: string }
  | { kind: "remove"; cause: RemovalCause }
  | { kind: "wait"; reason: string }
  | { kind: "update-branch"; expectedHeadSha: string }
  | { kind: "rerun"; failed: string[] }
  | { kind: "merge"; sha: string };

/** Everything {@link decideDirect} reads. */
export interface DirectInput {
  entry: QueueEntry;
  pr: PullRequestState;
  /** Heads the refinery made itself by updating the branch from the base; the guard accepts them. */
  ownUpdates: readonly string[];
  base: string;
  baseSha: string;
  /** The base is not an ancestor of the head: the branch needs an update before testing. */
  behindBase: boolean;
  /** GitHub's `mergeable`: false on conflict, null while it is still computing. */
  mergeable: boolean | null;
  required: readonly string[];
  /** Check reports; only those on the PR's head count. */
  reports: readonly CheckReport[];
  retried: number;
  retryFlaky: number;
  timedOut?: boolean;
}

/** One step of direct mode for the PR at the front of the queue. */
export function decideDirect(input: DirectInput): DirectDecision {
  const { entry, pr } = input;
  if (pr.merged) return { kind: "merged", sha: pr.mergedSha ?? pr.headSha };
  if (pr.state !== "open") return { kind: "remove", cause: { kind: "closed" } };
  if (pr.headSha !== entry.headSha && !input.ownUpdates.includes(pr.headSha)) {
    return { kind: "remove", cause: { kind: "head-changed", queuedSha: entry.headSha, headSha: pr.headSha } };
  }
  if (input.mergeable === false) {
    return {
      kind: "remove",
      cause: { kind: "conflict", base: input.base, baseSha: input.baseSha, files: [] },
    };
  }
  if (input.mergeable === null)
    return { kind: "wait", reason: "GitHub is still computing whether it merges" };
  if (input.behindBase) return { kind: "update-branch", expectedHeadSha: pr.headSha };
  const summary = summarizeChecks({
    sha: pr.headSha,
    required: input.required,
    reports: input.reports,
    ...(input.timedOut === undefined ? {} : { timedOut: input.timedOut }),
  });
  if (summary.failed.length > 0) {
    if (input.retried < input.retryFlaky) return { kind: "rerun", failed: summary.failed };
    return { kind: "remove", cause: { kind: "checks-failed", sha: pr.headSha, checks: summary.failed } };
  }
  if (!summary.allPassed) return { kind: "wait", reason: `waiting for ${summary.pending.join(", ")}` };
  // The merge API's `sha` parameter makes GitHub refuse if the head moved after this decision.
  return { kind: "merge", sha: pr.headSha };
}

/** Where the PR stands in GitHub's merge queue, as read from `Repository.mergeQueue`. */
export type NativeQueueState =
  | { kind: "absent"; dequeueReason?: string; dequeuedBy?: string }
  | { kind: "queued"; position: number; testing: boolean };

export type NativeDecision =
  | { kind: "merged"; sha: string }
  | { kind: "remove"; cause: RemovalCause; dequeue: boolean }
  | { kind: "enqueue"; expectedHeadOid: string; jump: boolean }
  | { kind: "mirror"; position: number; testing: boolean };

const CHECK_REASONS = new Set(["CI_FAILURE", "CI_TIMEOUT"]);

/** One step of native mode: enqueue with the head guard, or mirror or explain what GitHub did. */
export function decideNative(input: {
  entry: QueueEntry;
  pr: PullRequestState;
  queue: NativeQueueState;
  base: string;
  baseSha: string;
}): NativeDecision {
  const { entry, pr, queue } = input;
  const inQueue = queue.kind === "queued";
  if (pr.merged) return { kind: "merged", sha: pr.mergedSha ?? pr.headSha };
  if (pr.state !== "open") return { kind: "remove", cause: { kind: "closed" }, dequeue: inQueue };
  if (pr.headSha !== entry.headSha) {
    return {
      kind: "remove",
      cause: { kind: "head-changed", queuedSha: entry.headSha, headSha: pr.headSha },
      dequeue: inQueue,
    };
  }
  if (queue.kind === "queued") return { kind: "mirror", position: queue.position, testing: queue.testing };
  const reason = queue.dequeueReason;
  if (reason === undefined) {
    // `expectedHeadOid` makes GitHub refuse if the head moved since it was queued with us; P0 jumps.
    return { kind: "enqueue", expectedHeadOid: entry.headSha, jump: effectivePriority(entry) === 0 };
  }
  if (reason === "MERGE_CONFLICT") {
    return {
      kind: "remove",
      cause: { kind: "conflict", base: input.base, baseSha: input.baseSha, files: [] },
      dequeue: false,
    };
  }
  if (CHECK_REASONS.has(reason)) {
    return { kind: "remove", cause: { kind: "checks-failed", sha: pr.headSha, checks: [] }, dequeue: false };
  }
  if (reason === "MANUAL" && queue.dequeuedBy) {
    return { kind: "remove", cause: { kind: "dequeued", by: queue.dequeuedBy }, dequeue: false };
  }
  return { kind: "remove", cause: { kind: "merge-queue", reason }, dequeue: false };
}
