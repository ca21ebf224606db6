// Hooks (DESIGN §4.1): a bead on a polecat's hook is claimed by a compare-and-swap ref (the refs
// gateway), labelled `status/hooked`, and names its polecat and run in its metadata. The ref is
// the truth; the label and metadata follow it so people and `bd ready` see the claim. Whatever
// the interleaving, of N concurrent claims of one bead exactly one wins and the others are told
// who holds it.
import {
  applyLabelChanges,
  findBead,
  getBead,
  listBeads,
  updateBead as updateIssue,
} from "../github/issues.ts";
import { claimHook, getHookHolder, type HookState, listHookedBeads, releaseHook } from "../github/refs.ts";
import { type Bead, mergeBeadMetadata, planLabelChanges } from "../model/bead.ts";
import { GastownError } from "../model/errors.ts";
import { describeHolder, type HookHolder } from "../model/hook.ts";
import { FAN_OUT, mapLimit } from "./concurrency.ts";
import { closedBeadError, logOf, nowOf, type TownContext } from "./context.ts";
import { dropStatusLabel, hasChanges, issueLabelsOf, taxonomyOf } from "./labels.ts";

export interface ClaimParams {
  bead: number;
  /** The polecat (or other agent) taking the bead. */
  polecat: string;
  /** The Actions run working it, when already known. */
  run?: number;
  /** Who slung it (an address or a login). */
  dispatchedBy?: string;
  /** The commit the claim's tag points at; default the default branch's head. */
  commitSha?: string;
}

export type ClaimResult =
  | { claimed: true; bead: Bead; holder: HookHolder }
  | {
      claimed: false;
      bead: Bead;
      /** Who holds it; null when the claim record cannot be read (see `problem`). */
      holder: HookHolder | null;
      problem?: GastownError;
    };

const POLECAT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function checkPolecat(name: string): void {
  if (POLECAT_NAME.test(name)) return;
  throw new GastownError(`"${name}" is not a polecat name.`, {
    code: "bad-input",
    hint: 'A polecat name is letters, digits, ".", "_" and "-", starting with a letter or digit (like "rust").',
  });
}

/**
 * Claims a bead for a polecat, atomically. The winner labels the bead hooked and records the
 * polecat, run and attempt in its metadata; a loser writes nothing and learns the holder.
 */
export async function claimBead(town: TownContext, params: ClaimParams): Promise<ClaimResult> {
  checkPolecat(params.polecat);
  const bead = await getBead(town, params.bead);
  if (bead.status === "closed") throw closedBeadError(bead.number, "be hooked");
  const at = nowOf(town).toISOString();
  const holder: HookHolder = {
    polecat: params.polecat,
    bead: bead.number,
    attempt: (bead.metadata.attempt ?? 0) + 1,
    ...(params.run === undefined ? {} : { run: params.run }),
    at,
  };
  const claim = await claimHook(town, {
    holder,
    ...(params.commitSha === undefined ? {} : { commitSha: params.commitSha }),
  });
  if (!claim.claimed) {
    return {
      claimed: false,
      bead,
      holder: claim.holder,
      ...(claim.problem === undefined ? {} : { problem: claim.problem }),
    };
  }
  const taxonomy = taxonomyOf(town);
  const labels = planLabelChanges(issueLabelsOf(bead, taxonomy), { status: "hooked" }, taxonomy);
  if (hasChanges(labels)) await applyLabelChanges(town, { number: bead.number, changes: labels });
  const hooked = bead.writable
    ? await updateIssue(town, {
        number: bead.number,
        body: {
          text: bead.body,
          metadata: mergeBeadMetadata(bead.metadata, {
            polecat: holder.polecat,
            attempt: holder.attempt,
            hookedAt: at,
            run: params.run ?? null,
            dispatchedBy: params.dispatchedBy ?? null,
          }),
        },
      })
    : await getBead(town, bead.number);
  logOf(town).info({ bead: bead.number, polecat: holder.polecat, attempt: holder.attempt }, "hook claimed");
  return { claimed: true, bead: hooked, holder: claim.holder };
}

/** `gt hook attach`: a claim whose loss is an error that names the holder. */
export async function attachHook(
  town: TownContext,
  params: ClaimParams,
): Promise<{ bead: Bead; holder: HookHolder }> {
  const result = await claimBead(town, params);
  if (result.claimed) return { bead: result.bead, holder: result.holder };
  if (result.holder) {
    throw new GastownError(`#${params.bead} is already on a hook: ${describeHolder(result.holder)}.`, {
      code: "conflict",
      hint: `Pick another bead (bd ready), or release it first with gt hook detach ${params.bead}.`,
    });
  }
  throw (
    result.problem ??
    new GastownError(`#${params.bead} is already claimed, by a claim that cannot be read.`, {
      code: "conflict",
      hint: `Release it with gt hook detach ${params.bead}, then claim it again.`,
    })
  );
}

export interface DetachResult {
  bead: Bead;
  /** False when no claim was held (the label and metadata are tidied anyway). */
  released: boolean;
  /** Who held it. */
  holder: HookHolder | null;
}

/**
 * Takes a bead off its hook: the claim ref is deleted, the hooked label removed, and the polecat,
 * run and hook time cleared (the attempt count stays, for the witness). With `polecat`, only that
 * polecat's claim is released; another holder's claim is refused.
 */
export async function detachHook(
  town: TownContext,
  params: { bead: number; polecat?: string },
): Promise<DetachResult> {
  const bead = await getBead(town, params.bead);
  let holder: HookHolder | null = null;
  if (params.polecat !== undefined) {
    const state = await getHookHolder(town, bead.number);
    holder = state.held ? state.holder : null;
    if (holder && holder.polecat !== params.polecat) {
      throw new GastownError(`#${bead.number} is held by ${describeHolder(holder)}, not ${params.polecat}.`, {
        code: "conflict",
        hint: `Nothing was changed. To take it from ${holder.polecat} anyway, run gt hook detach ${bead.number} without --polecat.`,
      });
    }
  }
  const release = await releaseHook(
    town,
    holder
      ? { bead: bead.number, onlyIf: { polecat: holder.polecat, attempt: holder.attempt } }
      : { bead: bead.number },
  );
  const labels = dropStatusLabel(bead, "hooked", taxonomyOf(town));
  if (hasChanges(labels)) await applyLabelChanges(town, { number: bead.number, changes: labels });
  const meta = bead.metadata;
  const clear = meta.polecat !== undefined || meta.run !== undefined || meta.hookedAt !== undefined;
  const updated =
    clear && bead.writable
      ? await updateIssue(town, {
          number: bead.number,
          body: {
            text: bead.body,
            metadata: mergeBeadMetadata(meta, { polecat: null, run: null, hookedAt: null }),
          },
        })
      : hasChanges(labels)
        ? await getBead(town, bead.number)
        : bead;
  logOf(town).info({ bead: bead.number, released: release.released }, "hook detached");
  return { bead: updated, released: release.released, holder: release.holder ?? holder };
}

/** One hook as `gt hook show` reports it. */
export interface HookEntry {
  number: number;
  /** The bead; null when the claim names an issue that no longer exists. */
  bead: Bead | null;
  /** The claim ref's state. */
  claim: HookState;
}

/** One bead's hook. */
export async function showHook(town: TownContext, params: { bead: number }): Promise<HookEntry> {
  const [bead, claim] = await Promise.all([getBead(town, params.bead), getHookHolder(town, params.bead)]);
  return { number: bead.number, bead, claim };
}

/**
 * Every hook in the repository: beads with a claim ref, and beads labelled hooked without one
 * (a claim half-applied or released by hand). With `polecat`, only that polecat's.
 */
export async function listHooks(town: TownContext, params: { polecat?: string } = {}): Promise<HookEntry[]> {
  const [claimed, open] = await Promise.all([listHookedBeads(town), listBeads(town, { state: "open" })]);
  const byNumber = new Map(open.map((bead) => [bead.number, bead]));
  const numbers = [
    ...new Set([...claimed, ...open.filter((b) => b.status === "hooked").map((b) => b.number)]),
  ];
  numbers.sort((a, b) => a - b);
  const claimedSet = new Set(claimed);
  const entries = await mapLimit(numbers, FAN_OUT, async (number): Promise<HookEntry> => {
    const claim: HookState = claimedSet.has(number) ? await getHookHolder(town, number) : { held: false };
    const bead = byNumber.get(number) ?? (await findBead(town, number));
    return { number, bead, claim };
  });
  if (params.polecat === undefined) return entries;
  const name = params.polecat.toLowerCase();
  return entries.filter((entry) => {
    const holder = entry.claim.held ? entry.claim.holder : null;
    return (holder?.polecat ?? entry.bead?.metadata.polecat ?? "").toLowerCase() === name;
  });
}
