// Dispatch capacity (`max_polecats`): a rig runs at most N polecats at once. Each running polecat
// holds one of N slot refs, `refs/gastown/slots/<i>`, taken with GitHub's create-ref
// compare-and-swap exactly as hooks are claimed, so ten concurrent slings with a cap of three start
// exactly three runs whatever the interleaving. A slot's tag names the bead it runs: a sling points
// the slot at its hook claim's own tag (one request, and the record is the hook holder), older
// slots have a tag of their own. The slot is freed when that bead's run completes, the bead closes
// or its hook is released.
import { findRun } from "../github/actions.ts";
import { findBead } from "../github/issues.ts";
import { createMarker, deleteMarker, readMarker } from "../github/refs.ts";
import { decodeHolder } from "../model/hook.ts";
import { logOf, nowOf, type TownContext } from "./context.ts";

/** The ref namespace of dispatch slots. */
export const SLOT_REF_PREFIX = "refs/gastown/slots/";
const SLOT_HEADER = "gastown slot v1";

/** One taken slot: which bead's polecat runs in it. */
export interface SlotHolder {
  slot: number;
  bead: number;
  /** When it was taken (ISO 8601). */
  at: string;
}

function slotRef(slot: number): string {
  return `${SLOT_REF_PREFIX}${slot}`;
}

function encodeSlot(holder: SlotHolder): string {
  return `${SLOT_HEADER}\n${JSON.stringify({ bead: holder.bead, at: holder.at })}\n`;
}

/**
 * How long a slot taken by a sling still under way is kept although its bead does not show the
 * hooked label yet (a sling labels the bead after it dispatched). A sling that died mid-way frees
 * its slot on the first reap after this.
 */
export const SLOT_GRACE_MS = 10 * 60_000;

/**
 * Reads a slot tag's message: a hook claim's record (the tag a sling shares with its hook) or a
 * slot record; null when it is neither (treated as a stray, freeable slot).
 */
function decodeSlot(slot: number, message: string | null): SlotHolder | null {
  const hook = decodeHolder(message ?? "");
  if (hook.ok) return { slot, bead: hook.value.bead, at: hook.value.at };
  const [header, json] = (message ?? "").split("\n");
  if (header?.trim() !== SLOT_HEADER) return null;
  try {
    const value: unknown = JSON.parse(json ?? "");
    if (typeof value !== "object" || value === null) return null;
    const { bead, at } = value as { bead?: unknown; at?: unknown };
    if (typeof bead !== "number" || !Number.isInteger(bead) || bead < 1) return null;
    return { slot, bead, at: typeof at === "string" ? at : "" };
  } catch {
    return null;
  }
}

export interface TakeSlotParams {
  bead: number;
  /** The cap: slots 0 … max-1 exist. */
  max: number;
  /** The commit slot tags point at (saves reading the default branch again). */
  commitSha?: string;
  /**
   * The bead's hook claim tag: slots then point at it (one request each) instead of a tag of their
   * own, and its holder record says which bead the slot runs.
   */
  tagSha?: string;
}

/**
 * Takes a free slot for a bead: its number, or null when all `max` are taken. A slot already
 * held for this bead is returned as it is, so a retried sling takes no second slot.
 */
export async function takeSlot(town: TownContext, params: TakeSlotParams): Promise<number | null> {
  const at = nowOf(town).toISOString();
  const tagSha = params.tagSha;
  for (let slot = 0; slot < params.max; slot++) {
    const result = await createMarker(town, {
      ref: slotRef(slot),
      tag: `gastown-slot-${slot}`,
      message: encodeSlot({ slot, bead: params.bead, at }),
      ...(params.commitSha === undefined ? {} : { commitSha: params.commitSha }),
      ...(tagSha === undefined ? {} : { tagSha }),
    });
    if (result.created) {
      logOf(town).debug({ bead: params.bead, slot }, "dispatch slot taken");
      return slot;
    }
    if (decodeSlot(slot, result.message)?.bead === params.bead) return slot;
  }
  return null;
}

/** The taken slots among 0 … max-1, with a null holder for a slot whose record is unreadable. */
export async function readSlots(
  town: TownContext,
  max: number,
): Promise<Array<{ slot: number; holder: SlotHolder | null }>> {
  const slots = await Promise.all(
    Array.from({ length: max }, async (_, slot) => ({ slot, state: await readMarker(town, slotRef(slot)) })),
  );
  return slots
    .filter((s) => s.state.exists)
    .map(({ slot, state }) => ({ slot, holder: decodeSlot(slot, state.exists ? state.message : null) }));
}

/** Frees one slot; true when it was taken. */
export async function freeSlot(town: TownContext, slot: number): Promise<boolean> {
  const freed = await deleteMarker(town, slotRef(slot));
  if (freed) logOf(town).debug({ slot }, "dispatch slot freed");
  return freed;
}

/** Frees the slot a bead's polecat holds, if any; true when one was freed. */
export async function freeSlotOf(town: TownContext, params: { bead: number; max: number }): Promise<boolean> {
  const slots = await readSlots(town, params.max);
  let freed = false;
  for (const { slot, holder } of slots) {
    if (holder?.bead === params.bead) freed = (await freeSlot(town, slot)) || freed;
  }
  return freed;
}

/**
 * Frees the slots whose polecat is done: its run is `completedRun`, its bead is closed or gone,
 * its bead is no longer hooked, or the record is unreadable; with `checkRuns`, also when the
 * bead's recorded run has completed (the repair for a missed `workflow_run` event). Returns the
 * slots freed.
 * A slot taken less than {@link SLOT_GRACE_MS} ago by a sling still under way is kept although
 * its bead is not labelled hooked yet.
 */
export async function reapSlots(
  town: TownContext,
  params: { max: number; completedRun?: number; checkRuns?: boolean },
): Promise<number[]> {
  const slots = await readSlots(town, params.max);
  const now = nowOf(town).getTime();
  const freed: number[] = [];
  for (const { slot, holder } of slots) {
    const bead = holder ? await findBead(town, holder.bead) : null;
    const fresh = holder !== null && now - Date.parse(holder.at) < SLOT_GRACE_MS;
    let done =
      bead === null ||
      bead.status === "closed" ||
      (bead.status !== "hooked" && !fresh) ||
      (params.completedRun !== undefined && bead.metadata.run === params.completedRun);
    const run = bead?.metadata.run;
    if (!done && params.checkRuns && run !== undefined) {
      const state = await findRun(town, run);
      done = state === null || state.status === "completed";
    }
    if (done && (await freeSlot(town, slot))) freed.push(slot);
  }
  return freed;
}
