// Sling (DESIGN §4.1): put a bead on a polecat's hook and start the polecat's Actions run.
// Steps: check the bead is ready (or forced) → pick a polecat name → claim the hook atomically →
// take a dispatch slot (`max_polecats`) → dispatch the polecat workflow with its run details →
// record the run on the bead → give the bead a convoy when it has none. Past the cap the bead is
// queued (label `status/queued`, its place kept in the metadata) and `dispatchQueued` slings it
// when a run completes. A failed dispatch releases the hook and the slot: nothing is left
// half-done for a person to tidy.
import { cancelRun, type DispatchedRun, dispatchWorkflow } from "../github/actions.ts";
import {
  addLabels,
  applyLabelChanges,
  getBead,
  listBeads,
  removeLabel,
  updateBead,
} from "../github/issues.ts";
import { getDefaultBranchHead, getHookHolder, releaseHook } from "../github/refs.ts";
import { getRepository } from "../github/permissions.ts";
import { type Bead, type BeadMetadata, mergeBeadMetadata } from "../model/bead.ts";
import type { HookHolder } from "../model/hook.ts";
import { describeReason, explainReadiness } from "../model/ready.ts";
import { closedBeadError, logOf, nowOf, type TownContext } from "./context.ts";
import { createConvoy } from "./convoys.ts";
import { detachHook, claimBead } from "./hooks.ts";
import { dropStatusLabel, hasChanges, taxonomyOf } from "./labels.ts";
import { freeSlotOf, reapSlots, takeSlot } from "./dispatch.ts";

/** The label on beads waiting for a dispatch slot. */
export const QUEUED_LABEL = "status/queued";

/** A rig's polecat settings (from `.github/gastown.yml`'s `polecat` and `max_polecats`). */
export interface SlingSettings {
  /** The polecat workflow file (`polecat.yml`). */
  workflow: string;
  /** The ref it runs on; null means the default branch. */
  ref: string | null;
  /** The formula when the sling names none. */
  formula: string;
  /** The name pool. */
  names: readonly string[];
  /** Most polecat runs at once. */
  maxPolecats: number;
}

export interface SlingParams {
  bead: number;
  settings: SlingSettings;
  formula?: string;
  vars?: Readonly<Record<string, string>>;
  /** Sling even when the bead is not ready (blocked, deferred, …). */
  force?: boolean;
  /** Who slung it (a login or an address). */
  by?: string;
  /** Give the bead a convoy of its own when it has none (default true). */
  convoy?: boolean;
}

/** What a sling did. */
export type SlingResult =
  | {
      outcome: "dispatched";
      bead: Bead;
      polecat: string;
      attempt: number;
      run: DispatchedRun;
      /** The bead's convoy (milestone) number; null when it has none and none was made. */
      convoy: number | null;
    }
  | { outcome: "queued"; bead: Bead }
  | { outcome: "already-hooked"; bead: Bead; holder: HookHolder | null }
  | { outcome: "not-ready"; bead: Bead; reasons: string[] };

interface QueueRecord {
  queuedAt: string;
  force: boolean;
}

function queueOf(metadata: BeadMetadata): QueueRecord | null {
  const queued = metadata.others?.queued;
  if (typeof queued !== "object" || queued === null) return null;
  const { at, force } = queued as { at?: unknown; force?: unknown };
  return typeof at === "string" ? { queuedAt: at, force: force === true } : null;
}

function withQueue(metadata: BeadMetadata, queue: QueueRecord | null): BeadMetadata {
  const { queued: _, ...others } = metadata.others ?? {};
  const next = queue ? { ...others, queued: { at: queue.queuedAt, force: queue.force } } : others;
  const { others: __, ...known } = metadata;
  return Object.keys(next).length > 0 ? { ...known, others: next } : known;
}

/**
 * The pool's first name no open hooked bead uses, starting at an offset set by the bead number so
 * concurrent slings of different beads rarely reach for the same name.
 */
export function pickPolecatName(params: {
  names: readonly string[];
  inUse: ReadonlySet<string>;
  bead: number;
}): string {
  const { names, inUse, bead } = params;
  for (let i = 0; i < names.length; i++) {
    const name = names[(bead + i) % names.length] as string;
    if (!inUse.has(name.toLowerCase())) return name;
  }
  return `polecat-${bead}`;
}

/** The polecat's branch, which outlives its runs. */
export function polecatBranch(polecat: string, bead: number): string {
  return `polecat/${polecat}/${bead}`;
}

/** Slings a bead: see the module comment for the steps. */
export async function sling(town: TownContext, params: SlingParams): Promise<SlingResult> {
  const { settings } = params;
  const log = logOf(town);
  const bead = await getBead(town, params.bead);
  if (bead.status === "closed") throw closedBeadError(bead.number, "be slung");
  const queue = queueOf(bead.metadata);
  const force = params.force === true || queue?.force === true;
  if (bead.status === "hooked") {
    const state = await getHookHolder(town, bead.number);
    if (state.held) return { outcome: "already-hooked", bead, holder: state.holder };
  }
  if (!force) {
    const [readiness] = explainReadiness([bead], { now: nowOf(town), taxonomy: taxonomyOf(town) });
    if (readiness && !readiness.ready) {
      return { outcome: "not-ready", bead, reasons: readiness.reasons.map(describeReason) };
    }
  }

  const open = await listBeads(town, { state: "open" });
  const inUse = new Set(
    open
      .filter((b) => b.status === "hooked" && b.metadata.polecat !== undefined)
      .map((b) => (b.metadata.polecat as string).toLowerCase()),
  );
  const polecat = pickPolecatName({ names: settings.names, inUse, bead: bead.number });
  const head = await getDefaultBranchHead(town);
  const claim = await claimBead(town, {
    bead: bead.number,
    polecat,
    commitSha: head,
    ...(params.by === undefined ? {} : { dispatchedBy: params.by }),
  });
  if (!claim.claimed) return { outcome: "already-hooked", bead: claim.bead, holder: claim.holder };
  const attempt = claim.holder.attempt;
  const formula = params.formula ?? bead.metadata.formula ?? settings.formula;
  const vars = { ...(bead.metadata.vars ?? {}), ...(params.vars ?? {}) };

  const slotParams = { bead: bead.number, max: settings.maxPolecats, commitSha: head };
  let slot = await takeSlot(town, slotParams);
  if (slot === null) {
    // Every slot looks busy: free those whose run ended unnoticed (a missed event), then retry once.
    const freed = await reapSlots(town, { max: settings.maxPolecats, checkRuns: true });
    if (freed.length > 0) slot = await takeSlot(town, slotParams);
  }
  if (slot === null) {
    const queued = await requeue(town, {
      bead: claim.bead,
      previousAttempt: bead.metadata.attempt,
      queue: queue ?? { queuedAt: nowOf(town).toISOString(), force: params.force === true },
      formula,
      vars,
    });
    log.info({ bead: bead.number, max: settings.maxPolecats }, "sling queued: every polecat slot is busy");
    return { outcome: "queued", bead: queued };
  }

  let run: DispatchedRun;
  try {
    const ref = settings.ref ?? (await getRepository(town)).defaultBranch;
    run = await dispatchWorkflow(town, {
      workflow: settings.workflow,
      ref,
      inputs: {
        bead: String(bead.number),
        polecat,
        formula,
        vars: JSON.stringify(vars),
        attempt: String(attempt),
      },
    });
  } catch (error: unknown) {
    // Undo the claim and the slot so the bead is ready again, then say what failed.
    await freeSlotOf(town, { bead: bead.number, max: settings.maxPolecats });
    await detachHook(town, { bead: bead.number, polecat });
    log.warn({ bead: bead.number, polecat }, "sling failed to dispatch; hook released");
    throw error;
  }

  let recorded = await updateBead(town, {
    number: bead.number,
    body: {
      text: claim.bead.body,
      metadata: withQueue(
        mergeBeadMetadata(claim.bead.metadata, {
          run: run.id,
          formula,
          vars,
          branch: polecatBranch(polecat, bead.number),
        }),
        null,
      ),
    },
  });
  if (queue || recorded.labels.includes(QUEUED_LABEL)) {
    await removeLabel(town, { number: bead.number, label: QUEUED_LABEL });
    recorded = { ...recorded, labels: recorded.labels.filter((l) => l !== QUEUED_LABEL) };
  }
  const convoy = await ensureConvoy(town, recorded, params.convoy !== false);
  log.info({ bead: bead.number, polecat, attempt, run: run.id }, "slung");
  return { outcome: "dispatched", bead: recorded, polecat, attempt, run, convoy };
}

/** Gives a bead a convoy of its own; a failure is logged, never fatal (the run is already going). */
async function ensureConvoy(town: TownContext, bead: Bead, wanted: boolean): Promise<number | null> {
  if (bead.milestone) return bead.milestone.number;
  if (!wanted) return null;
  try {
    const made = await createConvoy(town, { title: `${bead.title} (#${bead.number})`, beads: [bead.number] });
    return made.convoy.number;
  } catch (error: unknown) {
    logOf(town).warn(
      { bead: bead.number, error: error instanceof Error ? error.message : String(error) },
      "could not create a convoy for the slung bead",
    );
    return null;
  }
}

/** Takes a claimed bead back off its hook and puts it in the queue, keeping its attempt count. */
async function requeue(
  town: TownContext,
  params: {
    bead: Bead;
    previousAttempt: number | undefined;
    queue: QueueRecord;
    formula: string;
    vars: Record<string, string>;
  },
): Promise<Bead> {
  const { bead } = params;
  await releaseHook(town, { bead: bead.number });
  const labels = dropStatusLabel(bead, "hooked", taxonomyOf(town));
  if (hasChanges(labels)) await applyLabelChanges(town, { number: bead.number, changes: labels });
  if (!bead.labels.includes(QUEUED_LABEL))
    await addLabels(town, { number: bead.number, labels: [QUEUED_LABEL] });
  return updateBead(town, {
    number: bead.number,
    body: {
      text: bead.body,
      metadata: withQueue(
        mergeBeadMetadata(bead.metadata, {
          polecat: null,
          run: null,
          hookedAt: null,
          attempt: params.previousAttempt ?? null,
          formula: params.formula,
          vars: params.vars,
        }),
        params.queue,
      ),
    },
  });
}

/** The beads waiting for a slot, oldest first. */
export async function listQueued(town: TownContext): Promise<Bead[]> {
  const beads = await listBeads(town, { state: "open", labels: [QUEUED_LABEL] });
  const at = (bead: Bead) => queueOf(bead.metadata)?.queuedAt ?? bead.createdAt;
  return beads.sort((a, b) => at(a).localeCompare(at(b)) || a.number - b.number);
}

export interface DispatchQueuedParams {
  settings: SlingSettings;
  /** The run that just completed: its slot is freed first. */
  completedRun?: number;
}

/**
 * Frees the slots of finished polecats, then slings queued beads in order until the slots are
 * full again. Returns what each sling did.
 */
export async function dispatchQueued(
  town: TownContext,
  params: DispatchQueuedParams,
): Promise<SlingResult[]> {
  await reapSlots(town, {
    max: params.settings.maxPolecats,
    ...(params.completedRun === undefined ? {} : { completedRun: params.completedRun }),
  });
  const results: SlingResult[] = [];
  for (const bead of await listQueued(town)) {
    const result = await sling(town, { bead: bead.number, settings: params.settings });
    results.push(result);
    if (result.outcome === "queued") break;
  }
  return results;
}

/** What an unsling did. */
export interface UnslingResult {
  bead: Bead;
  /** The run asked to stop; null when none was recorded or it had already finished. */
  cancelledRun: number | null;
  /** False when the bead held no hook. */
  released: boolean;
}

/**
 * Takes a bead off its hook: cancels its run, releases the hook and its slot, and takes it out
 * of the queue. The polecat's branch is kept, so a later sling resumes the work.
 */
export async function unsling(
  town: TownContext,
  params: { bead: number; settings: SlingSettings },
): Promise<UnslingResult> {
  const bead = await getBead(town, params.bead);
  const run = bead.metadata.run;
  const cancelled = run === undefined ? false : await cancelRun(town, run);
  const detached = await detachHook(town, { bead: bead.number });
  await freeSlotOf(town, { bead: bead.number, max: params.settings.maxPolecats });
  let result = detached.bead;
  if (queueOf(result.metadata) || result.labels.includes(QUEUED_LABEL)) {
    if (result.labels.includes(QUEUED_LABEL))
      await removeLabel(town, { number: bead.number, label: QUEUED_LABEL });
    result = await updateBead(town, {
      number: bead.number,
      body: { text: result.body, metadata: withQueue(result.metadata, null) },
    });
  }
  logOf(town).info({ bead: bead.number, run, cancelled }, "unslung");
  return {
    bead: result,
    cancelledRun: cancelled && run !== undefined ? run : null,
    released: detached.released || queueOf(bead.metadata) !== null,
  };
}
