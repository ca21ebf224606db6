// A recipient's read state, kept in its mailbox issue's metadata block (under `mail`, carried by
// the bead metadata's `others`). Read state is a cursor, not a flag per message (DESIGN §1):
// everything up to the cursor is read, so an inbox asks GitHub only for comments since it. A
// message read out of order waits in `readAhead` until the cursor reaches it; archiving works
// the same way with its own cursor. Pure: data in, new state out.
import { z } from "zod";
import { type BeadMetadata, mergeBeadMetadata } from "../model/bead.ts";

/** A position in the comment stream: a comment id and its creation time (for `since`). */
export interface MailCursor {
  id: number;
  at: string;
}

export interface MailboxState {
  /** Every message to this address with an id up to here is read. */
  cursor: MailCursor | null;
  /** Read messages past the cursor (read out of order). */
  readAhead: number[];
  /** Every message up to here is archived (hidden from `inbox --all`). */
  archiveCursor: MailCursor | null;
  archived: number[];
}

export const EMPTY_MAILBOX_STATE: MailboxState = {
  cursor: null,
  readAhead: [],
  archiveCursor: null,
  archived: [],
};

const cursorSchema = z.object({ id: z.number().int().positive(), at: z.string().min(1) });
const stateSchema = z.object({
  cursor: cursorSchema.nullable().default(null),
  readAhead: z.array(z.number().int().positive()).default([]),
  archiveCursor: cursorSchema.nullable().default(null),
  archived: z.array(z.number().int().positive()).default([]),
});

/** The key under the metadata block's unknown fields. */
const KEY = "mail";

/** The state in a mailbox's metadata; a damaged record reads as empty, with the problem said. */
export function readMailboxState(metadata: BeadMetadata): { state: MailboxState; problem: string | null } {
  const raw = metadata.others?.[KEY];
  if (raw === undefined) return { state: EMPTY_MAILBOX_STATE, problem: null };
  const parsed = stateSchema.safeParse(raw);
  if (parsed.success) return { state: parsed.data, problem: null };
  const issue = parsed.error.issues[0];
  return {
    state: EMPTY_MAILBOX_STATE,
    problem: `the mailbox's read state is damaged (${issue?.path.join(".") || "mail"}: ${issue?.message}); every message shows as unread until the next read`,
  };
}

/** The metadata with `state` written in (everything else kept). */
export function writeMailboxState(metadata: BeadMetadata, state: MailboxState): BeadMetadata {
  const base = mergeBeadMetadata(metadata, {});
  return { ...base, others: { ...metadata.others, [KEY]: state } };
}

export function isRead(state: MailboxState, id: number): boolean {
  return (state.cursor !== null && id <= state.cursor.id) || state.readAhead.includes(id);
}

export function isArchived(state: MailboxState, id: number): boolean {
  return (state.archiveCursor !== null && id <= state.archiveCursor.id) || state.archived.includes(id);
}

/** A message of this recipient's, in stream order, as the advance needs it. */
export interface StreamItem {
  id: number;
  createdAt: string;
}

/**
 * Moves a cursor forward over `marked` ids: past every message of `stream` (this recipient's
 * messages, any order) that is marked, stopping at the first that is not. Marks at or before the
 * cursor are dropped.
 */
function advance(
  cursor: MailCursor | null,
  marked: ReadonlySet<number>,
  stream: readonly StreamItem[],
): { cursor: MailCursor | null; pending: number[] } {
  let next = cursor;
  const after = [...stream].filter((item) => next === null || item.id > next.id).sort((a, b) => a.id - b.id);
  for (const item of after) {
    if (!marked.has(item.id)) break;
    next = { id: item.id, at: item.createdAt };
  }
  const pending = [...marked].filter((id) => next === null || id > next.id).sort((a, b) => a - b);
  return { cursor: next, pending };
}

/** Marks messages read. `stream` must hold every message to the recipient past the cursor. */
export function markRead(
  state: MailboxState,
  ids: readonly number[],
  stream: readonly StreamItem[],
): MailboxState {
  const marked = new Set([...state.readAhead, ...ids]);
  const { cursor, pending } = advance(state.cursor, marked, stream);
  return { ...state, cursor, readAhead: pending };
}

/** Archives messages (and reads them). `stream` must hold every message past both cursors. */
export function markArchived(
  state: MailboxState,
  ids: readonly number[],
  stream: readonly StreamItem[],
): MailboxState {
  const read = markRead(state, ids, stream);
  const marked = new Set([...state.archived, ...ids]);
  const { cursor, pending } = advance(state.archiveCursor, marked, stream);
  return { ...read, archiveCursor: cursor, archived: pending };
}

export function sameState(a: MailboxState, b: MailboxState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
