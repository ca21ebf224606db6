// A convoy is a milestone (DESIGN §1, §4.5): its beads are the issues assigned to it, its
// settings (owner, watchers, merge strategy) and its landing record live in a metadata block in
// the milestone's description. Progress, completion and stranded detection are decided here.
import { z } from "zod";
import type { Bead, CloseState, MergeStrategy } from "./bead.ts";
import {
  decodeFields,
  encodeFields,
  extractBlock,
  type FieldSchemas,
  type MetadataPatch,
  type MetadataProblem,
  mergeMetadata,
  renderBlock,
  type WithOthers,
} from "./metadata.ts";
import {
  BLOCKING_KINDS,
  explainReadiness,
  type Readiness,
  type ReadinessContext,
  sortBeads,
} from "./ready.ts";
import { type Priority, SLINGABLE_TYPES } from "./vocabulary.ts";

/** Convoy settings and its landing record, in the milestone description's metadata block. */
export interface ConvoyMetadata extends WithOthers {
  /** Who the convoy is for (an address or a login); told when it lands. */
  owner?: string;
  /** Also told when it lands. */
  watchers?: string[];
  /** The epic it was created from. */
  epic?: number;
  merge?: MergeStrategy;
  baseBranch?: string;
  /** Caller-managed: the town does not close it on its own (Gas Town's `gt:owned`). */
  owned?: boolean;
  /** When the town saw every tracked bead closed (ISO 8601). */
  landedAt?: string;
  /** When the landing notification went out; set means it must never go out again. */
  notifiedAt?: string;
}

const isoDateTime = z.iso.datetime({ offset: true });

const convoyMetadataFields: FieldSchemas<ConvoyMetadata> = {
  owner: z.string().min(1),
  watchers: z.array(z.string().min(1)),
  epic: z.number().int().positive(),
  merge: z.enum(["batch", "native", "direct"]),
  baseBranch: z.string().min(1),
  owned: z.boolean(),
  landedAt: isoDateTime,
  notifiedAt: isoDateTime,
};

/** A convoy: one milestone, read. */
export interface Convoy {
  number: number;
  title: string;
  /** The description people wrote, without the metadata block. */
  description: string;
  state: "open" | "closed";
  /** GitHub's own counts (they include pull requests in the milestone). */
  openIssues: number;
  closedIssues: number;
  dueOn: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  url: string;
  metadata: ConvoyMetadata;
  writable: boolean;
  problems: MetadataProblem[];
}

/** The parts of a GitHub milestone payload a convoy is read from. */
export interface MilestoneRecord {
  number: number;
  title: string;
  description?: string | null;
  state: string;
  open_issues: number;
  closed_issues: number;
  due_on: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  html_url: string;
}

/** Reads a milestone as a convoy. Never throws on a damaged description. */
export function convoyFromMilestone(milestone: MilestoneRecord): Convoy {
  const block = extractBlock(milestone.description);
  const fields = decodeFields<ConvoyMetadata>(block.data, convoyMetadataFields);
  return {
    number: milestone.number,
    title: milestone.title,
    description: block.text,
    state: milestone.state === "closed" ? "closed" : "open",
    openIssues: milestone.open_issues,
    closedIssues: milestone.closed_issues,
    dueOn: milestone.due_on,
    createdAt: milestone.created_at,
    updatedAt: milestone.updated_at,
    closedAt: milestone.closed_at,
    url: milestone.html_url,
    metadata: fields.value,
    writable: block.writable,
    problems: [...block.problems, ...fields.problems],
  };
}

/** The milestone description for `text` and `metadata`. */
export function renderConvoyDescription(text: string, metadata: ConvoyMetadata): string {
  return renderBlock(text, encodeFields(metadata));
}

export function mergeConvoyMetadata(
  base: ConvoyMetadata,
  patch: MetadataPatch<ConvoyMetadata>,
): ConvoyMetadata {
  return mergeMetadata(base, patch);
}

/** Where one tracked bead stands, for `gt convoy status`. */
export type ConvoyBeadState =
  | "closed"
  | "hooked"
  | "in_progress"
  | "ready"
  | "blocked"
  | "deferred"
  | "pinned"
  | "open";

export interface ConvoyBead {
  number: number;
  title: string;
  priority: Priority;
  state: ConvoyBeadState;
  /** The polecat on it (from the hook), else its first assignee. */
  worker: string | null;
  /** How it was closed, for closed beads. */
  closedAs: CloseState | null;
}

export interface ConvoyProgress {
  convoy: number;
  title: string;
  total: number;
  closed: number;
  open: number;
  /** Whole percent closed, rounded down (0 for an empty convoy). */
  percent: number;
  /** True when at least one bead is tracked and all are closed. */
  complete: boolean;
  beads: ConvoyBead[];
  /** Everyone on a hooked or in-progress bead, without repeats. */
  workers: string[];
}

function convoyBeadState({ bead, ready, reasons }: Readiness): ConvoyBeadState {
  // A status label says it outright; otherwise readiness decides.
  if (bead.status !== "open") return bead.status;
  if (ready) return "ready";
  if (reasons.some((r) => BLOCKING_KINDS.has(r.kind))) return "blocked";
  if (reasons.some((r) => r.kind === "deferred-until" || r.kind === "parent-deferred")) return "deferred";
  return "open";
}

function workerOf(bead: Bead): string | null {
  return bead.metadata.polecat ?? bead.assignees[0] ?? null;
}

/**
 * Progress of a convoy over its tracked beads (the issues in its milestone; pull requests must be
 * left out by the caller). Parents outside the convoy are not known here, so a bead is shown
 * blocked by its parent only when the parent is tracked too.
 */
export function convoyProgress(
  convoy: Convoy,
  beads: readonly Bead[],
  context: ReadinessContext,
): ConvoyProgress {
  const readiness = explainReadiness(beads, context);
  const tracked: ConvoyBead[] = readiness.map((r) => {
    const state = convoyBeadState(r);
    return {
      number: r.bead.number,
      title: r.bead.title,
      priority: r.bead.priority,
      state,
      worker: state === "closed" || state === "hooked" || state === "in_progress" ? workerOf(r.bead) : null,
      closedAs: r.bead.stateReason,
    };
  });
  tracked.sort((a, b) => a.number - b.number);
  const closed = tracked.filter((bead) => bead.state === "closed").length;
  const total = tracked.length;
  const workers = [
    ...new Set(
      tracked.filter((b) => b.state === "hooked" || b.state === "in_progress").flatMap((b) => b.worker ?? []),
    ),
  ];
  return {
    convoy: convoy.number,
    title: convoy.title,
    total,
    closed,
    open: total - closed,
    percent: total === 0 ? 0 : Math.floor((closed * 100) / total),
    complete: isConvoyComplete(beads),
    beads: tracked,
    workers,
  };
}

/** Complete when every tracked bead is closed, and never when none is tracked. */
export function isConvoyComplete(beads: readonly Bead[]): boolean {
  return beads.length > 0 && beads.every((bead) => bead.status === "closed");
}

/** What `gt convoy check` does for one convoy. */
export type ConvoyLandingPlan =
  | { action: "none"; why: "empty" | "open-work" | "owned" | "already-landed" }
  | {
      action: "land";
      /** Close the milestone (it is still open). */
      close: boolean;
      /** Send the one landing notification (none went out yet). */
      notify: boolean;
    };

/**
 * The landing decision, edge-triggered on the convoy's own record: close when the last bead is
 * closed; notify once, recorded by `notifiedAt`, so redelivered events change nothing. An owned
 * convoy is closed by its owner, never here.
 */
export function planConvoyLanding(convoy: Convoy, beads: readonly Bead[]): ConvoyLandingPlan {
  if (beads.length === 0) return { action: "none", why: "empty" };
  if (!isConvoyComplete(beads)) return { action: "none", why: "open-work" };
  if (convoy.metadata.owned && convoy.state === "open") return { action: "none", why: "owned" };
  const close = convoy.state === "open";
  const notify = convoy.metadata.notifiedAt === undefined;
  if (!close && !notify) return { action: "none", why: "already-landed" };
  return { action: "land", close, notify };
}

/** An open convoy with ready work and nobody on it. */
export interface StrandedConvoy {
  convoy: Convoy;
  /** Its ready, slingable beads, most urgent first: the next to sling is `ready[0]`. */
  ready: Bead[];
}

export interface ConvoyBeads {
  convoy: Convoy;
  beads: readonly Bead[];
}

/**
 * `gt convoy stranded`: open convoys with ready slingable work where no tracked bead is hooked or
 * in progress. `isLive` can say a hooked bead's run is dead (then nobody is really on it).
 */
export function findStrandedConvoys(
  convoys: readonly ConvoyBeads[],
  context: ReadinessContext,
  isLive: (bead: Bead) => boolean = () => true,
): StrandedConvoy[] {
  const stranded: StrandedConvoy[] = [];
  for (const { convoy, beads } of convoys) {
    if (convoy.state !== "open") continue;
    const manned = beads.some((b) => (b.status === "hooked" || b.status === "in_progress") && isLive(b));
    if (manned) continue;
    const ready = explainReadiness(beads, context)
      .filter((r) => r.ready && SLINGABLE_TYPES.includes(r.bead.type))
      .map((r) => r.bead);
    if (ready.length > 0) stranded.push({ convoy, ready: sortBeads(ready, "priority", context.now) });
  }
  return stranded;
}
