// The queue's order: Gas Town's refinery score (reference/gastown-beads.md §1.6) with priority made
// strict, as issue 7 asks ("priority first"). Within one priority: 10 points per hour of convoy
// age (old convoys do not starve), minus 50 per retry capped at 300 (no thrashing on a PR that
// keeps coming back), plus 1 per hour in the queue; equal scores go first-in, first-out.
import type { Priority } from "../vocabulary.ts";
import { effectivePriority, type QueueEntry } from "./entry.ts";

const HOUR = 3_600_000;
export const CONVOY_POINTS_PER_HOUR = 10;
export const RETRY_PENALTY = 50;
export const RETRY_PENALTY_CAP = 300;
export const AGE_POINTS_PER_HOUR = 1;

/** One entry's place in the queue and the sums that put it there. */
export interface RankedEntry {
  entry: QueueEntry;
  /** 1-based. */
  position: number;
  priority: Priority;
  /** The within-priority score (higher goes first). */
  score: number;
  convoyPoints: number;
  retryPenalty: number;
  agePoints: number;
  /** Why it sits where it does, in one line for the status comment and `gt mq list`. */
  explanation: string;
}

const hoursSince = (iso: string | null, now: Date): number => {
  if (iso === null) return 0;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.max(0, (now.getTime() - t) / HOUR);
};

/** The score sums for one entry at `now`. */
export function scoreEntry(entry: QueueEntry, now: Date) {
  const convoyPoints = CONVOY_POINTS_PER_HOUR * hoursSince(entry.convoyCreatedAt, now);
  const retryPenalty = Math.min(RETRY_PENALTY * entry.retries, RETRY_PENALTY_CAP);
  const agePoints = AGE_POINTS_PER_HOUR * hoursSince(entry.enqueuedAt, now);
  return { convoyPoints, retryPenalty, agePoints, score: convoyPoints - retryPenalty + agePoints };
}

const round = (n: number) => Math.round(n);

type Scored = Omit<RankedEntry, "position" | "explanation"> & { enqueuedMs: number };

function compare(a: Scored, b: Scored): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.score !== b.score) return b.score - a.score;
  if (a.enqueuedMs !== b.enqueuedMs) return a.enqueuedMs - b.enqueuedMs;
  return a.entry.pr - b.entry.pr;
}

function explain(ranked: Omit<RankedEntry, "explanation">, ahead: RankedEntry | undefined): string {
  const { entry } = ranked;
  const parts = [
    entry.override
      ? `P${ranked.priority} (set by @${entry.override.by}, was P${entry.priority})`
      : `P${ranked.priority}`,
  ];
  if (entry.convoyCreatedAt !== null) parts.push(`convoy +${round(ranked.convoyPoints)}`);
  if (ranked.retryPenalty > 0) {
    parts.push(`${entry.retries} ${entry.retries === 1 ? "retry" : "retries"} −${ranked.retryPenalty}`);
  }
  parts.push(`waiting +${round(ranked.agePoints)}`);
  const sums = `${parts.join(", ")} → score ${round(ranked.score)}`;
  if (!ahead) return `first: ${sums}`;
  let why: string;
  if (ahead.priority < ranked.priority) why = `it has higher priority (P${ahead.priority})`;
  else if (ahead.score > ranked.score) why = `it scores higher (${round(ahead.score)})`;
  else if (ahead.entry.enqueuedAt !== entry.enqueuedAt) why = "it was queued earlier";
  else why = "it has the lower number";
  return `position ${ranked.position}: ${sums}; behind #${ahead.entry.pr} because ${why}`;
}

/**
 * The queue in merge order at `now`, each entry with its position and an explanation. Merged
 * entries are left out: nothing is merged twice.
 */
export function orderQueue(entries: readonly QueueEntry[], now: Date): RankedEntry[] {
  const scored = entries
    .filter((entry) => entry.mergedSha === null)
    .map(
      (entry): Scored => ({
        entry,
        priority: effectivePriority(entry),
        ...scoreEntry(entry, now),
        enqueuedMs: Date.parse(entry.enqueuedAt) || 0,
      }),
    )
    .sort(compare);
  const ranked: RankedEntry[] = [];
  for (const [index, { enqueuedMs: _, ...item }] of scored.entries()) {
    const withPosition = { ...item, position: index + 1 };
    ranked.push({ ...withPosition, explanation: explain(withPosition, ranked[index - 1]) });
  }
  return ranked;
}
