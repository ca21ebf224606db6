// The words a bead is described with: statuses, priorities and types, as Beads defines them
// (reference/gastown-beads.md §6.1) narrowed to what DESIGN §3 maps onto GitHub, plus parsers
// for what people type on the command line and in slash commands.
import { fail, GastownError, ok, type Result } from "./errors.ts";

/**
 * Where a bead stands. `open`, `closed` come from the state; the others from a
 * `status/…` label on an open issue (`status/in-progress` ↔ `in_progress`).
 */
export const BEAD_STATUSES = [
  "open",
  "in_progress",
  "hooked",
  "blocked",
  "deferred",
  "pinned",
  "closed",
] as const;
export type BeadStatus = (typeof BEAD_STATUSES)[number];

/** The statuses carried by a label (every status but `open` and `closed`). */
export const LABELLED_STATUSES = ["hooked", "in_progress", "blocked", "deferred", "pinned"] as const;
export type LabelledStatus = (typeof LABELLED_STATUSES)[number];

/** 0 = critical … 4 = backlog; an issue without a priority label is p2 (Beads' default). */
export const PRIORITIES = [0, 1, 2, 3, 4] as const;
export type Priority = (typeof PRIORITIES)[number];
export const DEFAULT_PRIORITY: Priority = 2;

/**
 * Bead types (DESIGN §3). `task` is the default. `molecule` is a workflow root, `step` one of its
 * steps, `wisp` ephemeral work, `mailbox` an agent's mail issue, `gate` a wait point.
 */
export const BEAD_TYPES = [
  "task",
  "bug",
  "feature",
  "chore",
  "epic",
  "molecule",
  "step",
  "wisp",
  "mailbox",
  "escalation",
  "gate",
] as const;
export type BeadType = (typeof BEAD_TYPES)[number];
export const DEFAULT_TYPE: BeadType = "task";

/** Types a polecat can be slung (Gas Town's `IsSlingableType`). */
export const SLINGABLE_TYPES: readonly BeadType[] = ["task", "bug", "feature", "chore", "step"];

const TYPE_ALIASES: Readonly<Record<string, BeadType>> = {
  enhancement: "feature",
  feat: "feature",
  mol: "molecule",
  escalate: "escalation",
};

export function isBeadStatus(value: string): value is BeadStatus {
  return (BEAD_STATUSES as readonly string[]).includes(value);
}

export function isBeadType(value: string): value is BeadType {
  return (BEAD_TYPES as readonly string[]).includes(value);
}

export function isPriority(value: number): value is Priority {
  return (PRIORITIES as readonly number[]).includes(value);
}

/** Accepts `2`, `p2`, `P2`, `priority/p2`. */
export function parsePriority(text: string): Result<Priority> {
  const match = /^(?:priority\/)?p?([0-9]+)$/i.exec(text.trim());
  const value = match ? Number(match[1]) : Number.NaN;
  if (isPriority(value)) return ok(value);
  return fail(
    new GastownError(`Invalid priority "${text}": a priority is 0 (critical) to 4 (backlog).`, {
      code: "bad-input",
      hint: "Write 0, 1, 2, 3 or 4 (or p0…p4); 2 is the default.",
    }),
  );
}

/** Accepts a type name or a known alias (`enhancement` → `feature`), any case. */
export function parseBeadType(text: string): Result<BeadType> {
  const key = text.trim().toLowerCase();
  const value = TYPE_ALIASES[key] ?? key;
  if (isBeadType(value)) return ok(value);
  return fail(
    new GastownError(`Unknown bead type "${text}".`, {
      code: "bad-input",
      hint: `Use one of: ${BEAD_TYPES.join(", ")}.`,
    }),
  );
}

/** Accepts a status with `-` or `_` (`in-progress`, `in_progress`), any case. */
export function parseBeadStatus(text: string): Result<BeadStatus> {
  const value = text.trim().toLowerCase().replace(/-/g, "_");
  if (isBeadStatus(value)) return ok(value);
  return fail(
    new GastownError(`Unknown bead status "${text}".`, {
      code: "bad-input",
      hint: `Use one of: ${BEAD_STATUSES.join(", ")}.`,
    }),
  );
}
