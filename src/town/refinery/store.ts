// Where the refinery keeps its state: the hidden ref `refs/gastown/refinery/<base>` points at a
// commit whose message is the state as JSON. Each write is a new commit on top of the one read,
// moved with a fast-forward-only ref update, so a write made from a stale read is refused by GitHub
// (compare-and-swap): two app replicas, or a webhook and a patrol, can never both act on one
// reading of the queue. Refs outside refs/heads start no workflows and do not show as branches.
import { createCommitObject, getBranchSha, getCommitObject } from "../../github/branches.ts";
import { callGitHub, httpStatus, toGastownError } from "../../github/errors.ts";
import { formatRepoRef } from "../../github/octokit.ts";
import { GastownError } from "../../model/errors.ts";
import { decodeState, emptyState, encodeState, type RefineryState } from "../../model/merge-queue/state.ts";
import type { TownContext } from "../context.ts";

const HEADER = "gastown refinery state";

/** The state ref of a base branch (without `refs/`, as the refs API takes it). */
export function stateRef(base: string): string {
  return `gastown/refinery/${base}`;
}

/** A state as read: `version` is the commit it came from (null: none stored yet). */
export interface StoredState {
  state: RefineryState;
  version: string | null;
  /** The tree the state commits carry (any tree will do; the state is in the message). */
  treeSha: string | null;
}

function messageBody(message: string): string {
  const blank = message.indexOf("\n\n");
  return blank < 0 ? "" : message.slice(blank + 2);
}

/** Reads the state of `base`; an empty queue when none is stored. Damaged state throws. */
export async function readState(town: TownContext, base: string): Promise<StoredState> {
  const { octokit, repo } = town;
  let version: string;
  try {
    const { data } = await octokit.rest.git.getRef({ ...repo, ref: stateRef(base) });
    version = data.object.sha;
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return { state: emptyState(base), version: null, treeSha: null };
    throw toGastownError(error, { action: `read the refinery's state in ${formatRepoRef(repo)}` });
  }
  const commit = await getCommitObject(town, version);
  const decoded = decodeState(messageBody(commit.message), base);
  if (!decoded.ok) throw decoded.error;
  return { state: decoded.value, version, treeSha: commit.treeSha };
}

/** Writes `next` over `read`; false when someone else wrote first (read again and redo). */
export async function writeState(
  town: TownContext,
  read: StoredState,
  next: RefineryState,
): Promise<string | false> {
  const { octokit, repo } = town;
  let treeSha = read.treeSha;
  if (treeSha === null) {
    const baseSha = await getBranchSha(town, next.base);
    if (baseSha === null) {
      throw new GastownError(`The branch ${next.base} does not exist in ${formatRepoRef(repo)}.`, {
        code: "not-found",
        hint: "Set refinery.base_branch in .github/gastown.yml to an existing branch.",
      });
    }
    treeSha = (await getCommitObject(town, baseSha)).treeSha;
  }
  const sha = await createCommitObject(town, {
    message: `${HEADER} for ${next.base}\n\n${encodeState(next)}`,
    treeSha,
    parents: read.version === null ? [] : [read.version],
  });
  const action = `write the refinery's state in ${formatRepoRef(repo)}`;
  if (read.version === null) {
    try {
      await octokit.rest.git.createRef({ ...repo, ref: `refs/${stateRef(next.base)}`, sha });
      return sha;
    } catch (error: unknown) {
      if (httpStatus(error) === 422) return false;
      throw toGastownError(error, { action });
    }
  }
  try {
    await octokit.rest.git.updateRef({ ...repo, ref: stateRef(next.base), sha, force: false });
    return sha;
  } catch (error: unknown) {
    if (httpStatus(error) === 422) return false;
    throw toGastownError(error, { action });
  }
}

/** Forgets the state of `base` (`gt mq reset`); true when there was one. */
export async function resetState(town: TownContext, base: string): Promise<boolean> {
  const { octokit, repo } = town;
  try {
    await callGitHub({ action: `reset the refinery's state in ${formatRepoRef(repo)}` }, () =>
      octokit.rest.git.deleteRef({ ...repo, ref: stateRef(base) }),
    );
    return true;
  } catch (error: unknown) {
    if (error instanceof GastownError && error.code === "not-found") return false;
    throw error;
  }
}
