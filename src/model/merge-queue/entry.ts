// Who may enter the refinery's queue, and what an entry remembers. An entry records the head SHA
// it was queued at: that is the commit the reviews approved, and the only one the refinery will
// ever merge for it (issue 7: "no PR whose head changed after it was queued is merged").
import type { PermissionLevel } from "../permission.ts";
import { canCommandTown } from "../permission.ts";
import type { Priority } from "../vocabulary.ts";

/** A review as GitHub reports it, reduced to what the queue decides on. */
export interface QueueReview {
  reviewer: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  /** The head the review was submitted on (`commit_id`). */
  commitSha: string;
  /** ISO 8601; reviews are ordered by it. */
  submittedAt: string;
}

/** The facts about a pull request that decide whether it may join the queue. */
export interface PullRequestFacts {
  number: number;
  state: "open" | "closed";
  merged: boolean;
  draft: boolean;
  headSha: string;
  /** Marked as a merge request: the queue label, a `/queue` command, or the runner's hidden marker. */
  markedForQueue: boolean;
  reviews: readonly QueueReview[];
}

/** What the queue's entry rule reads from the config. */
export interface EligibilityPolicy {
  requireReview: boolean;
  /** Distinct approvals needed on the current head when `requireReview` is set. */
  requiredApprovals?: number;
}

export type IneligibleCode =
  | "not-marked"
  | "closed"
  | "merged"
  | "draft"
  | "review-required"
  | "stale-approval"
  | "changes-requested";

/** Why a pull request may not join the queue, and how to fix it. */
export interface IneligibleReason {
  code: IneligibleCode;
  message: string;
  fix: string;
}

export type Eligibility = { eligible: true } | { eligible: false; reasons: IneligibleReason[] };

/** A `/queue p=N` from someone allowed to reorder the queue. */
export interface PriorityOverride {
  priority: Priority;
  by: string;
}

/** One pull request waiting in the queue. */
export interface QueueEntry {
  pr: number;
  /** The head SHA at enqueue: the commit reviewed and the only one that may be merged. */
  headSha: string;
  /** ISO 8601. */
  enqueuedAt: string;
  /** The bead's priority (p2 when it has none). */
  priority: Priority;
  override: PriorityOverride | null;
  /** When the bead's convoy was created (ISO 8601); null when it has none. */
  convoyCreatedAt: string | null;
  /** Times this PR went back to its polecat (conflict or failing checks) and returned. */
  retries: number;
  /** Set once the base contains this PR; a merged entry is never planned again. */
  mergedSha: string | null;
}

const short = (sha: string) => sha.slice(0, 7);

/** Each reviewer's latest review that counts (comments and pending reviews do not change a verdict). */
function latestVerdicts(reviews: readonly QueueReview[]): QueueReview[] {
  const latest = new Map<string, QueueReview>();
  for (const review of reviews) {
    if (review.state === "COMMENTED" || review.state === "PENDING") continue;
    const seen = latest.get(review.reviewer);
    if (!seen || Date.parse(review.submittedAt) >= Date.parse(seen.submittedAt)) {
      latest.set(review.reviewer, review);
    }
  }
  return [...latest.values()].sort((a, b) => a.reviewer.localeCompare(b.reviewer));
}

function reviewReasons(pr: PullRequestFacts, policy: EligibilityPolicy): IneligibleReason[] {
  const needed = Math.max(1, policy.requiredApprovals ?? 1);
  const verdicts = latestVerdicts(pr.reviews);
  const reasons: IneligibleReason[] = [];
  const blocking = verdicts.filter((r) => r.state === "CHANGES_REQUESTED");
  for (const review of blocking) {
    reasons.push({
      code: "changes-requested",
      message: `@${review.reviewer} requested changes`,
      fix: `address @${review.reviewer}'s review and ask them to approve (or dismiss it), then /queue`,
    });
  }
  const approvals = verdicts.filter((r) => r.state === "APPROVED");
  const current = approvals.filter((r) => r.commitSha === pr.headSha);
  if (current.length >= needed) return reasons;
  const stale = approvals.filter((r) => r.commitSha !== pr.headSha);
  if (stale.length > 0) {
    const who = stale.map((r) => `@${r.reviewer} (on ${short(r.commitSha)})`).join(", ");
    reasons.push({
      code: "stale-approval",
      message: `approval by ${who} is for an older head, not ${short(pr.headSha)}`,
      fix: "ask for a fresh approving review of the current head, then /queue",
    });
  } else {
    reasons.push({
      code: "review-required",
      message: `needs ${needed} approving review${needed === 1 ? "" : "s"} on ${short(pr.headSha)} (has ${current.length})`,
      fix: "ask a reviewer to approve the current head, then /queue",
    });
  }
  return reasons;
}

/**
 * Whether `pr` may join the queue. Approvals count only when a reviewer's latest verdict is an
 * approval of the current head; a change request blocks until that reviewer approves or it is
 * dismissed (as GitHub's branch protection does).
 */
export function checkEligibility(pr: PullRequestFacts, policy: EligibilityPolicy): Eligibility {
  const reasons: IneligibleReason[] = [];
  if (pr.merged) {
    reasons.push({ code: "merged", message: "already merged", fix: "nothing to do" });
    return { eligible: false, reasons };
  }
  if (pr.state !== "open") {
    reasons.push({ code: "closed", message: "the pull request is closed", fix: "reopen it, then /queue" });
  }
  if (!pr.markedForQueue) {
    reasons.push({
      code: "not-marked",
      message: "not marked as a merge request",
      fix: "comment /queue or add the queue label",
    });
  }
  if (pr.draft) {
    reasons.push({
      code: "draft",
      message: "the pull request is a draft",
      fix: "mark it ready for review, then /queue",
    });
  }
  if (policy.requireReview) reasons.push(...reviewReasons(pr, policy));
  return reasons.length === 0 ? { eligible: true } : { eligible: false, reasons };
}

/** Everything needed to create an entry besides the PR's number and head. */
export interface CreateEntryInput {
  pr: PullRequestFacts;
  now: Date;
  priority: Priority;
  convoyCreatedAt?: string | null;
  retries?: number;
}

/** A new entry, holding the PR's head at this moment as the only SHA it may merge. */
export function createEntry(input: CreateEntryInput): QueueEntry {
  return {
    pr: input.pr.number,
    headSha: input.pr.headSha,
    enqueuedAt: input.now.toISOString(),
    priority: input.priority,
    override: null,
    convoyCreatedAt: input.convoyCreatedAt ?? null,
    retries: input.retries ?? 0,
    mergedSha: null,
  };
}

export type OverrideDecision =
  | { kind: "apply"; entry: QueueEntry }
  | { kind: "refuse"; message: string; fix: string };

/** `/queue p=N`: only someone who may command the town can reorder the queue. */
export function applyPriorityOverride(input: {
  entry: QueueEntry;
  priority: Priority;
  by: string;
  permission: PermissionLevel;
}): OverrideDecision {
  if (!canCommandTown(input.permission)) {
    return {
      kind: "refuse",
      message: `@${input.by} has ${input.permission} permission; /queue p=${input.priority} needs write`,
      fix: "ask a maintainer to set the priority",
    };
  }
  return { kind: "apply", entry: { ...input.entry, override: { priority: input.priority, by: input.by } } };
}

/** The priority the queue orders by: the override when a writer set one. */
export function effectivePriority(entry: QueueEntry): Priority {
  return entry.override?.priority ?? entry.priority;
}
