// Sling (DESIGN §4.1): put a bead on a polecat's hook and start the polecat's Actions run.
// Steps: mark the bead hooked → read it and the other hooked beads (live, in one list) → pick a
// polecat name no live polecat uses → claim the hook atomically → check the bead is ready (or
// forced) → take a dispatch slot (`max_polecats`) pointing at the claim's own tag → dispatch the
// polecat workflow with its run details → record the run, the polecat and the bead's own convoy
// (made when it has none) in one write. Past the cap the bead is queued (label `status/queued`,
// its place kept in the metadata) and `dispatchQueued` slings it when a run completes. Anything
// that stops a sling half-way (not ready, queued, dispatch refused) undoes what it did.
//
// The label goes on first because adding a label is a race-free single write, and a bead that
// carries it is in the list of hooked beads the name pick reads anyway: one request reads the
// bead and the names in use. Requests on the way (the `sling` benchmark counts them): label,
// list, claim tag and ref, slot ref, dispatch, the convoy when the bead has none, the record.
// Reading the default branch is saved by {@link RepoHints}.
import { cancelRun, type DispatchedRun, dispatchWorkflow } from "../github/actions.ts";
import { addLabels, getBead, listBeads, removeLabel, updateBead } from "../github/issues.ts";
import { createConvoy as createMilestone, listConvoys } from "../github/milestones.ts";
import { createMarker, deleteMarker, getDefaultBranchHead } from "../github/refs.ts";
import { getRepository } from "../github/permissions.ts";
import { type Bead, type BeadMetadata, mergeBeadMetadata } from "../model/bead.ts";
import { classifyLabel, type LabelTaxonomy } from "../model/labels.ts";
import type { LabelledStatus } from "../model/vocabulary.ts";
import { readFixUp } from "../model/fixup.ts";
import { decodeHolder, encodeHolder, type HookHolder, hookRef, hookTagName } from "../model/hook.ts";
import { describeReason, explainReadiness } from "../model/ready.ts";
import { polecatBranch } from "../runner/branch.ts";
import { closedBeadError, logOf, nowOf, type TownContext } from "./context.ts";
import { detachHook } from "./hooks.ts";
import { taxonomyOf } from "./labels.ts";
import { freeSlot, freeSlotOf, reapSlots, takeSlot } from "./dispatch.ts";

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

/**
 * What the caller already knows about the repository, to save reads: the default branch's name
 * (every webhook payload carries it) and a commit of it (claim tags need one; any will do, so a
 * runtime may remember one for a while). A stale commit that GitHub refuses is read again.
 */
export interface RepoHints {
  defaultBranch?: string;
  commitSha?: string;
  /** Told the commit read when none was hinted (or the hinted one was refused), to keep it. */
  remember?: (commitSha: string) => void;
}

export interface SlingParams {
  bead: number;
  settings: SlingSettings;
  /** The polecat to use (`/sling furiosa`); default a free name from the pool. */
  polecat?: string;
  formula?: string;
  vars?: Readonly<Record<string, string>>;
  /** Sling even when the bead is not ready (blocked, deferred, …). */
  force?: boolean;
  /** Who slung it (a login or an address). */
  by?: string;
  /** Give the bead a convoy of its own when it has none (default true). */
  convoy?: boolean;
  hints?: RepoHints;
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
  /** Who slung it, so the dispatch from the queue still names them. */
  by?: string;
}

function queueOf(metadata: BeadMetadata): QueueRecord | null {
  const queued = metadata.others?.queued;
  if (typeof queued !== "object" || queued === null) return null;
  const { at, force, by } = queued as { at?: unknown; force?: unknown; by?: unknown };
  if (typeof at !== "string") return null;
  return { queuedAt: at, force: force === true, ...(typeof by === "string" ? { by } : {}) };
}

function withQueue(metadata: BeadMetadata, queue: QueueRecord | null): BeadMetadata {
  const { queued: _, ...others } = metadata.others ?? {};
  const record = queue
    ? { at: queue.queuedAt, force: queue.force, ...(queue.by === undefined ? {} : { by: queue.by }) }
    : null;
  const next = record ? { ...others, queued: record } : others;
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

/**
 * The polecat of an earlier sling of the bead, from its kept branch (so the work resumes there),
 * or, for a refinery fix-up, the polecat of the pull request it fixes.
 */
export function previousPolecat(bead: Bead): string | null {
  // A refinery fix-up goes back to the polecat whose pull request it fixes (its branch names it).
  const fixUp = readFixUp(bead.metadata);
  const match = /^polecat\/([^/]+)\/(\d+)$/.exec(fixUp?.branch ?? bead.metadata.branch ?? "");
  if (match?.[1] === undefined) return null;
  return fixUp !== null || Number(match[2]) === bead.number ? match[1] : null;
}

/**
 * The polecat for this sling: the one asked for, else the bead's earlier one when free, else the
 * pool's. Lower-cased: names compare without case, and the polecat's branch name (which the runner
 * checks) is lower-case.
 */
function choosePolecat(bead: Bead, hooked: readonly Bead[], params: SlingParams): string {
  return pickFor(bead, hooked, params).toLowerCase();
}

function pickFor(bead: Bead, hooked: readonly Bead[], params: SlingParams): string {
  if (params.polecat !== undefined) return params.polecat;
  const inUse = new Set(
    hooked
      .filter((b) => b.number !== bead.number && b.metadata.polecat !== undefined)
      .map((b) => (b.metadata.polecat as string).toLowerCase()),
  );
  const previous = previousPolecat(bead);
  if (previous !== null && !inUse.has(previous.toLowerCase())) return previous;
  return pickPolecatName({ names: params.settings.names, inUse, bead: bead.number });
}

/** Status labels below `hooked` in precedence (model/bead.ts): what shows once hooked is gone. */
const UNDER_HOOKED: readonly LabelledStatus[] = ["in_progress", "blocked", "deferred", "pinned"];

/**
 * The bead as it was before the sling put the hooked label on: its status is the next status
 * label it carries (a conflict the label reading reported), else open.
 */
export function withoutHookedLabel(bead: Bead, taxonomy: LabelTaxonomy): Bead {
  if (bead.status !== "hooked") return bead;
  const statuses = new Set<LabelledStatus>();
  const problems = bead.problems.filter((problem) => {
    if (problem.kind !== "conflicting-labels") return true;
    const roles = problem.labels.map((label) => classifyLabel(label, taxonomy));
    if (!roles.every((role) => role.kind === "status")) return true;
    for (const role of roles)
      if (role.kind === "status" && role.status !== "hooked") statuses.add(role.status);
    return false;
  });
  const status = UNDER_HOOKED.find((s) => statuses.has(s)) ?? "open";
  return { ...bead, status, problems };
}

type Claim =
  | { claimed: true; holder: HookHolder; tagSha: string | null }
  | { claimed: false; holder: HookHolder | null };

/**
 * Claims the bead's hook (the compare-and-swap of refs/gastown/hooks/<n>) and returns the claim's
 * tag, which the slot shares. A hinted commit GitHub refuses (gone after a force-push) is
 * replaced by the default branch's head, once.
 */
async function claim(town: TownContext, holder: HookHolder, hints: RepoHints): Promise<Claim> {
  const marker = (commitSha: string | undefined) =>
    createMarker(town, {
      ref: hookRef(holder.bead),
      tag: hookTagName(holder.bead),
      message: encodeHolder(holder),
      ...(commitSha === undefined ? {} : { commitSha }),
    });
  const readHead = async (): Promise<string> => {
    const head = await getDefaultBranchHead(town);
    hints.remember?.(head);
    return head;
  };
  let result: Awaited<ReturnType<typeof createMarker>>;
  if (hints.commitSha === undefined) result = await marker(await readHead());
  else {
    try {
      result = await marker(hints.commitSha);
    } catch {
      logOf(town).debug({ bead: holder.bead }, "hinted commit refused; reading the default branch");
      result = await marker(await readHead());
    }
  }
  if (result.created) return { claimed: true, holder, tagSha: result.tagSha };
  const decoded = result.message === null ? null : decodeHolder(result.message);
  const winner = decoded?.ok ? decoded.value : null;
  // A retried claim whose first try went through is ours.
  if (
    winner &&
    winner.polecat === holder.polecat &&
    winner.attempt === holder.attempt &&
    winner.at === holder.at
  )
    return { claimed: true, holder, tagSha: null };
  return { claimed: false, holder: winner };
}

/** Slings a bead: see the module comment for the steps. */
export async function sling(town: TownContext, params: SlingParams): Promise<SlingResult> {
  const { settings } = params;
  const hints = params.hints ?? {};
  const log = logOf(town);
  const taxonomy = taxonomyOf(town);
  const hookedLabel = taxonomy.status.hooked;

  // 1. The hooked label, then the hooked beads: the bead among them, read live.
  await addLabels(town, { number: params.bead, labels: [hookedLabel] });
  const hooked = await listBeads(town, { state: "open", labels: [hookedLabel] });
  let listed = hooked.find((b) => b.number === params.bead);
  if (listed === undefined) {
    // Closed, a pull request, or not in the list yet: read it alone, and take the label back off.
    const read = await getBead(town, params.bead).catch(async (error: unknown) => {
      await removeLabel(town, { number: params.bead, label: hookedLabel });
      throw error;
    });
    listed = read;
  }
  if (listed.status === "closed") {
    await removeLabel(town, { number: params.bead, label: hookedLabel });
    throw closedBeadError(params.bead, "be slung");
  }
  const bead = withoutHookedLabel(listed, taxonomy);
  const queue = queueOf(bead.metadata);
  const force = params.force === true || queue?.force === true;

  // 2. The claim: of any number of slings of the bead, one wins; the others leave it alone.
  const polecat = choosePolecat(bead, hooked, params);
  const ownBranch = polecatBranch(polecat, bead.number);
  if (!ownBranch.ok) {
    await removeLabel(town, { number: bead.number, label: hookedLabel });
    throw ownBranch.error;
  }
  const at = nowOf(town).toISOString();
  const attempt = (bead.metadata.attempt ?? 0) + 1;
  const claimed = await claim(town, { polecat, bead: bead.number, attempt, at }, hints);
  if (!claimed.claimed) return { outcome: "already-hooked", bead: listed, holder: claimed.holder };
  const undo = async () => {
    await deleteMarker(town, hookRef(bead.number));
    await removeLabel(town, { number: bead.number, label: hookedLabel });
  };

  // 3. Ready, unless forced.
  if (!force) {
    const [readiness] = explainReadiness([bead], { now: nowOf(town), taxonomy });
    if (readiness && !readiness.ready) {
      await undo();
      return { outcome: "not-ready", bead, reasons: readiness.reasons.map(describeReason) };
    }
  }
  const formula = params.formula ?? bead.metadata.formula ?? settings.formula;
  const vars = { ...(bead.metadata.vars ?? {}), ...(params.vars ?? {}) };

  // 4. A slot, or the queue.
  const slotParams = {
    bead: bead.number,
    max: settings.maxPolecats,
    ...(claimed.tagSha === null ? {} : { tagSha: claimed.tagSha }),
    ...(hints.commitSha === undefined ? {} : { commitSha: hints.commitSha }),
  };
  let slot = await takeSlot(town, slotParams);
  if (slot === null) {
    // Every slot looks busy: free those whose run ended unnoticed (a missed event), then retry once.
    const freed = await reapSlots(town, { max: settings.maxPolecats, checkRuns: true });
    if (freed.length > 0) slot = await takeSlot(town, slotParams);
  }
  if (slot === null) {
    await undo();
    const queued = await enqueue(town, {
      bead,
      queue: queue ?? {
        queuedAt: at,
        force: params.force === true,
        ...(params.by === undefined ? {} : { by: params.by }),
      },
      formula,
      vars,
    });
    log.info({ bead: bead.number, max: settings.maxPolecats }, "sling queued: every polecat slot is busy");
    return { outcome: "queued", bead: queued };
  }

  // 5. The run.
  let run: DispatchedRun;
  try {
    const ref = settings.ref ?? hints.defaultBranch ?? (await getRepository(town)).defaultBranch;
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
    // Undo the slot, the claim and the label so the bead is ready again, then say what failed.
    await freeSlot(town, slot);
    await undo();
    log.warn({ bead: bead.number, polecat }, "sling failed to dispatch; hook released");
    throw error;
  }

  // 6. The record, and the bead's own convoy when it has none.
  const convoy = bead.milestone?.number ?? (params.convoy === false ? null : await convoyFor(town, bead));
  if (bead.labels.includes(QUEUED_LABEL))
    await removeLabel(town, { number: bead.number, label: QUEUED_LABEL });
  const metadata = withQueue(
    mergeBeadMetadata(bead.metadata, {
      polecat,
      attempt,
      hookedAt: at,
      run: run.id,
      dispatchedBy: params.by ?? queue?.by ?? null,
      formula,
      vars,
      branch: readFixUp(bead.metadata)?.branch ?? ownBranch.value,
    }),
    null,
  );
  const recorded = await updateBead(town, {
    number: bead.number,
    ...(bead.writable ? { body: { text: bead.body, metadata } } : {}),
    ...(convoy !== null && convoy !== bead.milestone?.number ? { milestone: convoy } : {}),
  });
  log.info({ bead: bead.number, polecat, attempt, run: run.id, slot }, "slung");
  return { outcome: "dispatched", bead: recorded, polecat, attempt, run, convoy };
}

/**
 * A convoy of the bead's own (a milestone named after it) for the record to join; a failure is
 * logged, never fatal (the run is already going). A name already taken is found and reused when
 * that convoy is open.
 */
async function convoyFor(town: TownContext, bead: Bead): Promise<number | null> {
  const title = `${bead.title.slice(0, 180)} (#${bead.number})`;
  try {
    const made = await createMilestone(town, {
      title,
      description: { text: `Made when #${bead.number} was slung.`, metadata: {} },
    });
    logOf(town).info({ convoy: made.number, bead: bead.number }, "convoy created");
    return made.number;
  } catch (error: unknown) {
    const existing = (await listConvoys(town, { state: "open" }).catch(() => [])).find(
      (convoy) => convoy.title === title,
    );
    if (existing) return existing.number;
    logOf(town).warn(
      { bead: bead.number, error: error instanceof Error ? error.message : String(error) },
      "could not create a convoy for the slung bead",
    );
    return null;
  }
}

/** Puts a bead (already taken back off its hook) in the queue. */
async function enqueue(
  town: TownContext,
  params: { bead: Bead; queue: QueueRecord; formula: string; vars: Record<string, string> },
): Promise<Bead> {
  const { bead } = params;
  if (!bead.labels.includes(QUEUED_LABEL))
    await addLabels(town, { number: bead.number, labels: [QUEUED_LABEL] });
  if (!bead.writable) return getBead(town, bead.number);
  return updateBead(town, {
    number: bead.number,
    body: {
      text: bead.body,
      metadata: withQueue(
        mergeBeadMetadata(bead.metadata, { formula: params.formula, vars: params.vars }),
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
  hints?: RepoHints;
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
    let result: SlingResult;
    try {
      result = await sling(town, {
        bead: bead.number,
        settings: params.settings,
        ...(params.hints === undefined ? {} : { hints: params.hints }),
      });
    } catch (error: unknown) {
      // One bead that cannot be slung (closed meanwhile, a dispatch refused) keeps its place and
      // is reported; the queue behind it still moves.
      logOf(town).warn(
        { bead: bead.number, error: error instanceof Error ? error.message : String(error) },
        "queued bead could not be slung",
      );
      continue;
    }
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
