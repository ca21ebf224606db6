// The refinery's memory of one base branch: who is queued (at which head), who was let go (and at
// which head, so the same commit does not walk straight back in), the batch or pull request being
// tested, and a short history for `gt mq status`. It is stored on GitHub as JSON (see
// src/town/refinery/store.ts); this module owns its shape, its parsing (the stored text is
// checked, never trusted) and the bookkeeping transitions, all pure.
import { z } from "zod";
import { fail, GastownError, ok, type Result } from "../errors.ts";
import { PRIORITIES, type Priority } from "../vocabulary.ts";
import type { BisectState } from "./bisect.ts";
import type { Removal, StagingPlan } from "./batch.ts";
import type { QueueEntry } from "./entry.ts";
import { describeRemoval, type RemovalCause } from "./removal.ts";

export const STATE_VERSION = 1;
/** History items kept (oldest dropped first). */
export const HISTORY_LIMIT = 50;

/** A pull request that left the queue unmerged, remembered at the head it left with. */
export interface ParkedPr {
  pr: number;
  /** The head it was removed at: the same commit does not re-enter by itself. */
  headSha: string;
  cause: RemovalCause["kind"];
  /** Fix-ups it had before leaving (its entry's `retries`). */
  retries: number;
  /** Dequeued by a person: it stays out, whatever its head, until someone writes /queue. */
  sticky: boolean;
  at: string;
}

/** The batch on the staging branch (batch mode). */
export interface BatchRun {
  /** The build number, part of the staging commit's message so a re-run gets a new SHA. */
  build: number;
  plan: StagingPlan;
  /** The staging commit CI is testing. */
  stagingSha: string;
  startedAt: string;
  /** Re-runs spent on this batch (`retry_flaky`). */
  retried: number;
  /** Set once the batch failed for real: the search for the culprits. */
  bisect: BisectState | null;
  /** The required checks that failed the batch, named in the culprits' removal. */
  failedChecks: string[];
}

/** The pull request being brought up to date, tested and merged (direct mode). */
export interface DirectRun {
  pr: number;
  /** Heads the refinery made itself by merging the base into the branch. */
  ownUpdates: string[];
  retried: number;
  startedAt: string;
}

export interface HistoryItem {
  pr: number;
  outcome: "merged" | "removed";
  /** The base commit that carries it (merged). */
  sha?: string;
  /** Why it left (removed). */
  reason?: string;
  at: string;
}

/** Everything the refinery remembers about one base branch. */
export interface RefineryState {
  v: typeof STATE_VERSION;
  base: string;
  entries: QueueEntry[];
  parked: ParkedPr[];
  batch: BatchRun | null;
  direct: DirectRun | null;
  /** Native mode: queued PRs the refinery has put in GitHub's merge queue (absent now: GitHub let them go). */
  nativeEnqueued: number[];
  /** Staging builds made so far (the next build's number is this plus one). */
  builds: number;
  history: HistoryItem[];
}

export function emptyState(base: string): RefineryState {
  return {
    v: STATE_VERSION,
    base,
    entries: [],
    parked: [],
    batch: null,
    direct: null,
    nativeEnqueued: [],
    builds: 0,
    history: [],
  };
}

// ---- parsing -------------------------------------------------------------------------------

// Object names: hex on GitHub; letters are allowed so test fixtures can tag theirs.
const Sha = z.string().regex(/^[0-9a-z]{7,64}$/i);
const Iso = z.string().min(1);
const PriorityZ = z.union(PRIORITIES.map((p) => z.literal(p)) as unknown as [z.ZodLiteral<Priority>]);
const Staged = z.object({ pr: z.int().positive(), headSha: Sha });
const Plan = z.object({ base: z.string().min(1), baseSha: Sha, prs: z.array(Staged) });

const EntryZ = z.object({
  pr: z.int().positive(),
  headSha: Sha,
  enqueuedAt: Iso,
  priority: PriorityZ,
  override: z.object({ priority: PriorityZ, by: z.string() }).nullable(),
  convoyCreatedAt: Iso.nullable(),
  retries: z.int().min(0),
  mergedSha: Sha.nullable(),
});

const BisectZ = z.object({
  base: z.string(),
  baseSha: Sha,
  batch: z.array(Staged),
  good: z.array(Staged),
  goodSha: Sha.nullable(),
  culprits: z.array(Staged),
  suspect: z.array(Staged),
  suspectFails: z.boolean(),
  rest: z.array(Staged),
  rounds: z.int().min(0),
});

const StateZ = z.object({
  v: z.literal(STATE_VERSION),
  base: z.string().min(1),
  entries: z.array(EntryZ),
  parked: z.array(
    z.object({
      pr: z.int().positive(),
      headSha: Sha,
      cause: z.enum([
        "conflict",
        "checks-failed",
        "head-changed",
        "closed",
        "dequeued",
        "ineligible",
        "merge-queue",
        "behind",
      ]),
      retries: z.int().min(0),
      sticky: z.boolean(),
      at: Iso,
    }),
  ),
  batch: z
    .object({
      build: z.int().min(0),
      plan: Plan,
      stagingSha: Sha,
      startedAt: Iso,
      retried: z.int().min(0),
      bisect: BisectZ.nullable(),
      failedChecks: z.array(z.string()),
    })
    .nullable(),
  direct: z
    .object({ pr: z.int().positive(), ownUpdates: z.array(Sha), retried: z.int().min(0), startedAt: Iso })
    .nullable(),
  nativeEnqueued: z.array(z.int().positive()).default([]),
  builds: z.int().min(0),
  history: z.array(
    z.object({
      pr: z.int().positive(),
      outcome: z.enum(["merged", "removed"]),
      sha: Sha.optional(),
      reason: z.string().optional(),
      at: Iso,
    }),
  ),
});

/** The state as stored text. */
export function encodeState(state: RefineryState): string {
  return JSON.stringify(state);
}

/**
 * Parses stored text. Damage is reported, never guessed around: the refinery stops and says how
 * to reset the state rather than merging on a queue it cannot read.
 */
export function decodeState(text: string, base: string): Result<RefineryState> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail(damaged(base, "it is not JSON"));
  }
  const parsed = StateZ.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "the top level";
    return fail(damaged(base, `${where}: ${issue?.message ?? "unexpected shape"}`));
  }
  if (parsed.data.base !== base) {
    return fail(damaged(base, `it belongs to the branch ${parsed.data.base}`));
  }
  return ok(parsed.data as RefineryState);
}

function damaged(base: string, why: string): GastownError {
  return new GastownError(`The refinery's state for ${base} cannot be read: ${why}.`, {
    code: "validation",
    hint: `Reset it with \`gt mq reset\` (it forgets the queue of ${base}); marked pull requests enter again on the next tick.`,
  });
}

// ---- bookkeeping -----------------------------------------------------------------------------

/** The PRs the batch or direct run is working on. */
export function inFlight(state: RefineryState): Set<number> {
  const prs = new Set<number>();
  for (const p of state.batch?.plan.prs ?? []) prs.add(p.pr);
  for (const p of state.batch?.bisect?.batch ?? []) prs.add(p.pr);
  if (state.direct) prs.add(state.direct.pr);
  return prs;
}

function pushHistory(history: readonly HistoryItem[], items: readonly HistoryItem[]): HistoryItem[] {
  return [...history, ...items].slice(-HISTORY_LIMIT);
}

/** Drops the batch or direct run when it holds one of `prs`: what it tested no longer stands. */
function abandonWork(state: RefineryState, prs: ReadonlySet<number>): RefineryState {
  const hit = [...inFlight(state)].some((pr) => prs.has(pr));
  if (!hit) return state;
  return { ...state, batch: null, direct: null };
}

/** Records PRs that are in the base now (`sha` carries them); their entries go. */
export function recordMerged(
  state: RefineryState,
  merged: ReadonlyArray<{ pr: number; sha: string }>,
  now: Date,
): RefineryState {
  if (merged.length === 0) return state;
  const prs = new Set(merged.map((m) => m.pr));
  const at = now.toISOString();
  return {
    ...state,
    entries: state.entries.filter((e) => !prs.has(e.pr)),
    parked: state.parked.filter((p) => !prs.has(p.pr)),
    direct: state.direct && prs.has(state.direct.pr) ? null : state.direct,
    nativeEnqueued: state.nativeEnqueued.filter((pr) => !prs.has(pr)),
    history: pushHistory(
      state.history,
      merged.map((m) => ({ pr: m.pr, outcome: "merged" as const, sha: m.sha, at })),
    ),
  };
}

/**
 * Takes PRs out of the queue and parks them at the head they left with (the queued head, or the
 * new one for a head change, which then re-enters only through eligibility again). A batch or
 * direct run holding one of them is abandoned.
 */
export function recordRemoved(
  state: RefineryState,
  removals: ReadonlyArray<Removal & { reason: string }>,
  now: Date,
): RefineryState {
  if (removals.length === 0) return state;
  const at = now.toISOString();
  const prs = new Set(removals.map((r) => r.pr));
  const entryOf = new Map(state.entries.map((e) => [e.pr, e]));
  const parked: ParkedPr[] = state.parked.filter((p) => !prs.has(p.pr));
  for (const removal of removals) {
    const entry = entryOf.get(removal.pr);
    const previous = state.parked.find((p) => p.pr === removal.pr);
    const headSha =
      removal.cause.kind === "head-changed" ? removal.cause.queuedSha : (entry?.headSha ?? previous?.headSha);
    if (headSha === undefined) continue;
    parked.push({
      pr: removal.pr,
      headSha,
      cause: removal.cause.kind,
      retries: entry?.retries ?? previous?.retries ?? 0,
      sticky: removal.cause.kind === "dequeued",
      at,
    });
  }
  const next = abandonWork(
    {
      ...state,
      entries: state.entries.filter((e) => !prs.has(e.pr)),
      parked,
      nativeEnqueued: state.nativeEnqueued.filter((pr) => !prs.has(pr)),
      history: pushHistory(
        state.history,
        removals.map((r) => ({ pr: r.pr, outcome: "removed" as const, reason: r.reason, at })),
      ),
    },
    prs,
  );
  return next;
}

/**
 * Parks a PR that is not queued as dequeued by `by` at `headSha` (`/dequeue` before it entered), so
 * a marked PR does not walk in on its own. A queued PR leaves through {@link recordRemoved}.
 */
export function parkDequeued(
  state: RefineryState,
  input: { pr: number; headSha: string; by: string; now: Date },
): RefineryState {
  const at = input.now.toISOString();
  const previous = state.parked.find((p) => p.pr === input.pr);
  return {
    ...state,
    parked: [
      ...state.parked.filter((p) => p.pr !== input.pr),
      {
        pr: input.pr,
        headSha: input.headSha,
        cause: "dequeued",
        retries: previous?.retries ?? 0,
        sticky: true,
        at,
      },
    ],
    history: pushHistory(state.history, [
      { pr: input.pr, outcome: "removed", reason: describeRemoval({ kind: "dequeued", by: input.by }), at },
    ]),
  };
}

/** What the queue knows of a marked pull request that is not in it. */
export type AdmissionCheck =
  | { kind: "admit"; retries: number }
  /** Parked at this very head (or dequeued by a person): it waits for a push or /queue. */
  | { kind: "parked"; parked: ParkedPr }
  | { kind: "queued" };

/**
 * Whether a marked, open PR at `headSha` may be considered for entry. `explicit` is a /queue (or
 * the label just added): it lets a parked PR back in at the same head. A PR that comes back after
 * a conflict or a failure counts one more fix-up.
 */
export function checkAdmission(
  state: RefineryState,
  pr: number,
  headSha: string,
  explicit: boolean,
): AdmissionCheck {
  if (state.entries.some((e) => e.pr === pr)) return { kind: "queued" };
  const parked = state.parked.find((p) => p.pr === pr);
  if (!parked) return { kind: "admit", retries: 0 };
  if (!explicit && (parked.sticky || parked.headSha === headSha)) return { kind: "parked", parked };
  const fixUp = parked.cause === "conflict" || parked.cause === "checks-failed" || parked.cause === "behind";
  return { kind: "admit", retries: parked.retries + (fixUp ? 1 : 0) };
}

/** Adds an entry (replacing nothing: callers check admission first); the PR is no longer parked. */
export function admitEntry(state: RefineryState, entry: QueueEntry): RefineryState {
  return {
    ...state,
    entries: [...state.entries.filter((e) => e.pr !== entry.pr), entry],
    parked: state.parked.filter((p) => p.pr !== entry.pr),
  };
}

/** Sets (or clears) a writer's priority on a queued PR. */
export function setOverride(
  state: RefineryState,
  pr: number,
  override: QueueEntry["override"],
): RefineryState {
  return { ...state, entries: state.entries.map((e) => (e.pr === pr ? { ...e, override } : e)) };
}

/**
 * Squares the queue with the open pull requests: an entry whose PR is gone leaves (merged, or
 * closed), and one whose head moved since it was queued leaves with `head-changed` — unless the
 * new head is one the refinery made itself (`ownUpdates`, direct mode).
 */
export function planSync(input: {
  state: RefineryState;
  /** Head of every open PR into the base. */
  heads: ReadonlyMap<number, string>;
  /** PRs of queued entries that are no longer open: merged (with the base commit) or not. */
  gone: ReadonlyMap<number, { merged: boolean; sha: string | null }>;
}): { merged: Array<{ pr: number; sha: string }>; removals: Removal[] } {
  const { state } = input;
  const own = new Set(state.direct?.ownUpdates ?? []);
  const merged: Array<{ pr: number; sha: string }> = [];
  const removals: Removal[] = [];
  for (const entry of state.entries) {
    const head = input.heads.get(entry.pr);
    if (head === undefined) {
      const gone = input.gone.get(entry.pr);
      if (gone?.merged) merged.push({ pr: entry.pr, sha: gone.sha ?? entry.headSha });
      else removals.push({ pr: entry.pr, cause: { kind: "closed" } });
      continue;
    }
    if (head !== entry.headSha && !(state.direct?.pr === entry.pr && own.has(head))) {
      removals.push({
        pr: entry.pr,
        cause: { kind: "head-changed", queuedSha: entry.headSha, headSha: head },
      });
    }
  }
  return { merged, removals };
}
