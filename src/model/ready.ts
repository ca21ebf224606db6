// Readiness exactly as `bd ready` decides it (reference/gastown-beads.md §6.4, DESIGN §3), on
// the data one paginated issue list gives: a bead is ready when it is open, carries no status
// label that takes it out of play (hooked, in progress, blocked, deferred, pinned), has no open
// blocker (`issue_dependencies_summary.blocked_by == 0`), its parent is neither blocked nor
// deferred, its `deferUntil` has passed, and its type is work (not a wisp, molecule root,
// mailbox, gate or escalation). Every reason a bead is out is kept, for `--explain`.
import type { Bead } from "./bead.ts";
import { defaultTaxonomy, type LabelTaxonomy } from "./labels.ts";
import type { BeadType, LabelledStatus, Priority } from "./vocabulary.ts";

/** Types `bd ready` leaves out unless asked for by name (`--type`). */
export const NON_WORK_TYPES: readonly BeadType[] = ["wisp", "molecule", "mailbox", "gate", "escalation"];

/** A blocker as the dependencies gateway reports it, for naming it in explanations. */
export interface BlockerInfo {
  number: number;
  title: string;
  /** `owner/name` when the blocker lives in another repo. */
  repo?: string;
}

/** Why a bead is not ready. A bead can have several. */
export type NotReadyReason =
  | { kind: "closed" }
  | { kind: "status"; status: LabelledStatus; label: string }
  | { kind: "blocked-by"; count: number; blockers: BlockerInfo[] }
  | { kind: "parent-blocked"; parent: number }
  | { kind: "parent-deferred"; parent: number }
  | { kind: "deferred-until"; until: string }
  | { kind: "non-work-type"; type: BeadType; label: string };

/** The kinds that make a bead *blocked* (as `bd blocked` lists), as opposed to merely not ready. */
export const BLOCKING_KINDS: ReadonlySet<NotReadyReason["kind"]> = new Set(["blocked-by", "parent-blocked"]);

export interface Readiness {
  bead: Bead;
  ready: boolean;
  reasons: NotReadyReason[];
}

export interface ReadinessContext {
  /** The time `deferUntil` is compared with. */
  now: Date;
  /** Known open blockers per bead number (from the dependencies gateway), to name them. */
  blockers?: ReadonlyMap<number, readonly BlockerInfo[]>;
  /** Only these types; a non-work type named here counts as work (`bd ready --type gate`). */
  types?: readonly BeadType[];
  taxonomy?: LabelTaxonomy;
}

export type ReadySort = "priority" | "oldest" | "hybrid";

export interface ReadyFilter {
  priority?: readonly Priority[];
  assignee?: string;
  /** Only beads nobody is assigned to. */
  unassigned?: boolean;
  /** Only beads carrying all of these (other) labels. */
  labels?: readonly string[];
  /** `priority` (default): priority, then oldest first; `oldest`; `hybrid` (see {@link sortBeads}). */
  sort?: ReadySort;
  limit?: number;
}

export interface ReadyPlan {
  /** Ready beads, filtered and sorted. */
  ready: Bead[];
  /** Every bead of the input that is not ready, with its reasons, in input order. */
  notReady: Readiness[];
}

const beadKey = (repo: string, number: number) => `${repo}#${number}`;

function isDeferredByDate(bead: Bead, now: Date): boolean {
  const until = bead.metadata.deferUntil;
  return until !== undefined && Date.parse(until) > now.getTime();
}

/**
 * Readiness of every bead, with all its reasons. Parents are looked up among `beads`, so pass the
 * whole open set (one paginated list) to get parent propagation right.
 */
export function explainReadiness(beads: readonly Bead[], context: ReadinessContext): Readiness[] {
  const taxonomy = context.taxonomy ?? defaultTaxonomy;
  const byKey = new Map(beads.map((bead) => [beadKey(bead.repo, bead.number), bead]));
  const blockedMemo = new Map<string, boolean>();

  const parentOf = (bead: Bead): Bead | undefined =>
    bead.parent ? byKey.get(beadKey(bead.parent.repo || bead.repo, bead.parent.number)) : undefined;

  // Blocked, as Beads' `is_blocked`: open blockers, or a blocked parent (walked up, cycle-safe).
  const isBlocked = (bead: Bead, seen: Set<string>): boolean => {
    const key = beadKey(bead.repo, bead.number);
    const memo = blockedMemo.get(key);
    if (memo !== undefined) return memo;
    if (seen.has(key) || bead.status === "closed") return false;
    seen.add(key);
    const parent = parentOf(bead);
    const blocked =
      bead.dependencies.blockedBy > 0 ||
      bead.status === "blocked" ||
      (parent ? isBlocked(parent, seen) : false);
    blockedMemo.set(key, blocked);
    return blocked;
  };

  const isDeferred = (bead: Bead): boolean =>
    bead.status !== "closed" && (bead.status === "deferred" || isDeferredByDate(bead, context.now));

  return beads.map((bead) => {
    const reasons: NotReadyReason[] = [];
    if (bead.status === "closed") {
      reasons.push({ kind: "closed" });
      return { bead, ready: false, reasons };
    }
    if (bead.status !== "open") {
      reasons.push({ kind: "status", status: bead.status, label: taxonomy.status[bead.status] });
    }
    if (bead.dependencies.blockedBy > 0) {
      reasons.push({
        kind: "blocked-by",
        count: bead.dependencies.blockedBy,
        blockers: [...(context.blockers?.get(bead.number) ?? [])],
      });
    }
    const parent = parentOf(bead);
    if (parent && isBlocked(parent, new Set())) {
      reasons.push({ kind: "parent-blocked", parent: parent.number });
    }
    if (parent && isDeferred(parent)) reasons.push({ kind: "parent-deferred", parent: parent.number });
    if (isDeferredByDate(bead, context.now)) {
      reasons.push({ kind: "deferred-until", until: bead.metadata.deferUntil as string });
    }
    const named = context.types?.includes(bead.type) ?? false;
    if (NON_WORK_TYPES.includes(bead.type) && !named) {
      reasons.push({ kind: "non-work-type", type: bead.type, label: taxonomy.type[bead.type] });
    }
    return { bead, ready: reasons.length === 0, reasons };
  });
}

function matchesFilter(bead: Bead, filter: ReadyFilter, types: readonly BeadType[] | undefined): boolean {
  if (types && !types.includes(bead.type)) return false;
  if (filter.priority && !filter.priority.includes(bead.priority)) return false;
  if (filter.assignee !== undefined && !bead.assignees.includes(filter.assignee)) return false;
  if (filter.unassigned && bead.assignees.length > 0) return false;
  const have = new Set(bead.labels.map((label) => label.toLowerCase()));
  return (filter.labels ?? []).every((label) => have.has(label.toLowerCase()));
}

const HYBRID_WINDOW_MS = 48 * 60 * 60 * 1000;

/**
 * Sorts beads without changing the input. `priority`: most urgent first, then oldest, then lowest
 * number (FIFO within a priority, so old work is not starved). `oldest`: by creation time.
 * `hybrid` (Beads' mode): beads created in the last 48 hours by priority, then older ones by age.
 */
export function sortBeads(
  beads: readonly Bead[],
  sort: ReadySort = "priority",
  now: Date = new Date(),
): Bead[] {
  const age = (a: Bead, b: Bead) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.number - b.number;
  const byPriority = (a: Bead, b: Bead) => a.priority - b.priority || age(a, b);
  if (sort === "oldest") return [...beads].sort(age);
  if (sort === "priority") return [...beads].sort(byPriority);
  const recent = (bead: Bead) => now.getTime() - Date.parse(bead.createdAt) <= HYBRID_WINDOW_MS;
  return [...beads].sort((a, b) => {
    const ra = recent(a);
    const rb = recent(b);
    if (ra !== rb) return ra ? -1 : 1;
    return ra ? byPriority(a, b) : age(a, b);
  });
}

/** `bd ready`: the ready beads, filtered and sorted, and why every other bead is not. */
export function planReady(
  beads: readonly Bead[],
  context: ReadinessContext,
  filter: ReadyFilter = {},
): ReadyPlan {
  const all = explainReadiness(beads, context);
  const ready = sortBeads(
    all.filter((r) => r.ready && matchesFilter(r.bead, filter, context.types)).map((r) => r.bead),
    filter.sort ?? "priority",
    context.now,
  );
  return {
    ready: filter.limit !== undefined ? ready.slice(0, Math.max(0, filter.limit)) : ready,
    notReady: all.filter((r) => !r.ready),
  };
}

/** A bead `bd blocked` lists, with only the reasons that block it. */
export interface BlockedBead {
  bead: Bead;
  reasons: NotReadyReason[];
}

/**
 * `bd blocked`: open beads held by an open blocker, a blocked parent or a `status/blocked` label,
 * sorted by priority then age.
 */
export function listBlocked(beads: readonly Bead[], context: ReadinessContext): BlockedBead[] {
  const blocked = explainReadiness(beads, context)
    .map((r) => ({
      bead: r.bead,
      reasons: r.reasons.filter(
        (reason) =>
          BLOCKING_KINDS.has(reason.kind) || (reason.kind === "status" && reason.status === "blocked"),
      ),
    }))
    .filter((entry) => entry.reasons.length > 0);
  const order = new Map(
    sortBeads(
      blocked.map((entry) => entry.bead),
      "priority",
      context.now,
    ).map((b, i) => [b, i]),
  );
  return blocked.sort((a, b) => (order.get(a.bead) ?? 0) - (order.get(b.bead) ?? 0));
}

function formatBlocker(blocker: BlockerInfo): string {
  const id = blocker.repo ? `${blocker.repo}#${blocker.number}` : `#${blocker.number}`;
  return `${id} "${blocker.title}"`;
}

const STATUS_WORDS: Record<LabelledStatus, string> = {
  hooked: "on a polecat's hook",
  in_progress: "in progress",
  blocked: "marked blocked",
  deferred: "deferred",
  pinned: "pinned (a reference, not work)",
};

/** One line of `--explain` for a reason. */
export function describeReason(reason: NotReadyReason): string {
  switch (reason.kind) {
    case "closed":
      return "closed";
    case "status":
      return `${STATUS_WORDS[reason.status]} (label ${reason.label})`;
    case "blocked-by": {
      const count = `${reason.count} open blocker${reason.count === 1 ? "" : "s"}`;
      return reason.blockers.length > 0
        ? `blocked by ${count}: ${reason.blockers.map(formatBlocker).join(", ")}`
        : `blocked by ${count}`;
    }
    case "parent-blocked":
      return `its parent #${reason.parent} is blocked`;
    case "parent-deferred":
      return `its parent #${reason.parent} is deferred`;
    case "deferred-until":
      return `deferred until ${reason.until}`;
    case "non-work-type":
      return `a ${reason.type} is not work to sling (label ${reason.label})`;
  }
}
