// Builders for merge-queue tests: entries and PR facts with sensible defaults.
import type { PullRequestFacts, QueueEntry, QueueReview } from "../../../src/model/merge-queue/index.ts";

export const NOW = new Date("2026-03-01T12:00:00Z");

/** ISO time `hours` before NOW. */
export const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

export const sha = (n: number, tag = "h") => `${tag}${String(n).padStart(6, "0")}`.padEnd(40, "0");

export function entry(pr: number, fields: Partial<QueueEntry> = {}): QueueEntry {
  return {
    pr,
    headSha: sha(pr),
    enqueuedAt: hoursAgo(1),
    priority: 2,
    override: null,
    convoyCreatedAt: null,
    retries: 0,
    mergedSha: null,
    ...fields,
  };
}

export function review(
  reviewer: string,
  state: QueueReview["state"],
  commitSha: string,
  hours: number,
): QueueReview {
  return { reviewer, state, commitSha, submittedAt: hoursAgo(hours) };
}

export function prFacts(fields: Partial<PullRequestFacts> = {}): PullRequestFacts {
  const headSha = fields.headSha ?? sha(7);
  return {
    number: 7,
    state: "open",
    merged: false,
    draft: false,
    headSha,
    markedForQueue: true,
    reviews: [review("ada", "APPROVED", headSha, 1)],
    ...fields,
  };
}

/** Current heads equal to each entry's queued head. */
export const headsOf = (entries: readonly QueueEntry[]) => new Map(entries.map((e) => [e.pr, e.headSha]));
