// Compare-and-swap on GitHub: creating a ref fails when the ref exists (422 "Reference already
// exists"), so of N concurrent creates exactly one wins. A *marker* is such a ref pointing at an
// annotated tag whose message records who won; a loser reads it back. Hook claims (DESIGN §4.1)
// are markers at `refs/gastown/hooks/<bead>`; any other once-only step (a convoy's landing
// notice) can use a marker of its own under `refs/gastown/`.
import { GastownError } from "../model/errors.ts";
import {
  decodeHolder,
  encodeHolder,
  HOOK_REF_PREFIX,
  type HookHolder,
  hookRef,
  hookTagName,
} from "../model/hook.ts";
import { callGitHub, httpStatus, isHttpError, repositoryNotFound, toGastownError } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

/** `refs/x/y` → `x/y`, the form the get, update and delete ref endpoints take. */
function shortRef(ref: string): string {
  return ref.replace(/^refs\//, "");
}

function checkRef(ref: string): void {
  if (!/^refs\/gastown\/[A-Za-z0-9._/-]+$/.test(ref) || ref.includes("..") || ref.endsWith("/")) {
    throw new GastownError(`"${ref}" is not a marker ref.`, {
      code: "bad-input",
      hint: "Marker refs live under refs/gastown/ and use letters, digits, '.', '_', '-' and '/'.",
    });
  }
}

/** The commit markers' tags point at: the head of the default branch. */
export async function getDefaultBranchHead(gh: GitHubContext): Promise<string> {
  const { octokit, repo } = gh;
  const action = `read the default branch of ${formatRepoRef(repo)}`;
  const { data } = await callGitHub({ action, notFound: repositoryNotFound(formatRepoRef(repo)) }, () =>
    octokit.rest.repos.get({ ...repo }),
  );
  try {
    const ref = await octokit.rest.git.getRef({ ...repo, ref: `heads/${data.default_branch}` });
    return ref.data.object.sha;
  } catch (error: unknown) {
    if (httpStatus(error) === 404 || httpStatus(error) === 409) {
      throw new GastownError(`${formatRepoRef(repo)} has no commits, so hooks cannot be claimed yet.`, {
        code: "conflict",
        hint: "Push a first commit to the default branch, then try again.",
        status: httpStatus(error),
      });
    }
    throw toGastownError(error, { action });
  }
}

export interface MarkerParams {
  /** The full ref, under `refs/gastown/`. */
  ref: string;
  /** The tag object's name (tag objects need one; it is not a ref). */
  tag: string;
  message: string;
  /** The commit the tag points at; default: the head of the default branch (two reads). */
  commitSha?: string;
  /**
   * Point the ref at this existing tag object instead of creating one (`tag`, `message` and
   * `commitSha` are then unused): one request, for a second marker that shares the first's record.
   */
  tagSha?: string;
}

/** `tagSha`: the tag object the new ref points at (to share it with another marker). */
export type MarkerResult = { created: true; tagSha: string } | { created: false; message: string | null };

/** What a marker ref holds: absent, or the message of its tag (null when it is no tag). */
export type MarkerState = { exists: false } | { exists: true; message: string | null };

/** Reads a marker. */
export async function readMarker(gh: GitHubContext, ref: string): Promise<MarkerState> {
  const state = await readMarkerObject(gh, ref);
  return state.exists ? { exists: true, message: state.message } : state;
}

/** A marker with the object its ref points at. */
async function readMarkerObject(
  gh: GitHubContext,
  ref: string,
): Promise<{ exists: false } | { exists: true; sha: string; message: string | null }> {
  const { octokit, repo } = gh;
  checkRef(ref);
  let object: { type: string; sha: string };
  try {
    object = (await octokit.rest.git.getRef({ ...repo, ref: shortRef(ref) })).data.object;
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return { exists: false };
    throw toGastownError(error, { action: `read ${ref} in ${formatRepoRef(repo)}` });
  }
  if (object.type !== "tag") return { exists: true, sha: object.sha, message: null };
  const { data } = await callGitHub({ action: `read the tag of ${ref} in ${formatRepoRef(repo)}` }, () =>
    octokit.rest.git.getTag({ ...repo, tag_sha: object.sha }),
  );
  return { exists: true, sha: object.sha, message: data.message };
}

function alreadyExists(error: unknown): boolean {
  return isHttpError(error) && error.status === 422 && /already exists/i.test(error.message);
}

/**
 * A request whose answer never came (the connection was reset or timed out; Octokit reports it
 * as a 500 without a response): it may or may not have gone through.
 */
function lostAnswer(error: unknown): boolean {
  return isHttpError(error) && error.status === 500 && error.response === undefined;
}

/**
 * Creates a marker unless one exists. Exactly one of any number of concurrent calls for one ref
 * gets `created: true`; the others get the winner's message. A marker released between our failed
 * create and our read is tried again (up to three times). A create whose answer was lost is sent
 * again, which is safe because creating a ref is a compare-and-swap: if the first went through,
 * the ref points at our own new tag object, and that is recognised as ours.
 */
export async function createMarker(gh: GitHubContext, params: MarkerParams): Promise<MarkerResult> {
  const { octokit, repo } = gh;
  checkRef(params.ref);
  let tagSha = params.tagSha;
  if (tagSha === undefined) {
    const commit = params.commitSha ?? (await getDefaultBranchHead(gh));
    const createTag = () =>
      octokit.rest.git.createTag({
        ...repo,
        tag: params.tag,
        message: params.message,
        object: commit,
        type: "commit",
      });
    // A tag object is not a ref: a second one, should the first have gone through, is harmless.
    const tag = await callGitHub(
      { action: `create the tag for ${params.ref} in ${formatRepoRef(repo)}` },
      () => createTag().catch((error: unknown) => (lostAnswer(error) ? createTag() : Promise.reject(error))),
    );
    tagSha = tag.data.sha;
  }
  // Only a tag object this call made identifies its own ref; a shared one (`params.tagSha`) cannot.
  const ownTag = params.tagSha === undefined;
  let uncertain = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await octokit.rest.git.createRef({ ...repo, ref: params.ref, sha: tagSha });
      return { created: true, tagSha };
    } catch (error: unknown) {
      if (lostAnswer(error) && attempt < 2) {
        uncertain = true;
        continue;
      }
      if (!alreadyExists(error))
        throw toGastownError(error, { action: `create ${params.ref} in ${formatRepoRef(repo)}` });
    }
    const state = await readMarkerObject(gh, params.ref);
    if (state.exists && uncertain && ownTag && state.sha === tagSha) return { created: true, tagSha };
    if (state.exists) return { created: false, message: state.message };
  }
  throw new GastownError(`${params.ref} kept appearing and disappearing while claiming it.`, {
    code: "conflict",
    hint: "Someone is claiming and releasing it at the same time; try again in a moment.",
  });
}

/** Deletes a marker; true when it existed. */
export async function deleteMarker(gh: GitHubContext, ref: string): Promise<boolean> {
  const { octokit, repo } = gh;
  checkRef(ref);
  try {
    await octokit.rest.git.deleteRef({ ...repo, ref: shortRef(ref) });
    return true;
  } catch (error: unknown) {
    // GitHub answers 422 "Reference does not exist" (sometimes 404) for a ref that is gone.
    if (
      httpStatus(error) === 404 ||
      (httpStatus(error) === 422 && /does not exist/i.test(String((error as Error).message)))
    ) {
      return false;
    }
    throw toGastownError(error, { action: `delete ${ref} in ${formatRepoRef(repo)}` });
  }
}

/** The outcome of a claim: won, or lost to `holder` (null when its record is unreadable). */
export type HookClaim =
  | { claimed: true; holder: HookHolder }
  | { claimed: false; holder: HookHolder | null; problem?: GastownError };

function sameHolder(a: HookHolder, b: HookHolder): boolean {
  return (
    a.polecat === b.polecat &&
    a.bead === b.bead &&
    a.attempt === b.attempt &&
    a.at === b.at &&
    a.run === b.run
  );
}

/**
 * Claims bead `holder.bead` for `holder.polecat`, atomically. A retried claim whose first try
 * went through (the same holder record is found) counts as won.
 */
export async function claimHook(
  gh: GitHubContext,
  params: { holder: HookHolder; commitSha?: string },
): Promise<HookClaim> {
  const { holder } = params;
  const result = await createMarker(gh, {
    ref: hookRef(holder.bead),
    tag: hookTagName(holder.bead),
    message: encodeHolder(holder),
    ...(params.commitSha === undefined ? {} : { commitSha: params.commitSha }),
  });
  if (result.created) return { claimed: true, holder };
  if (result.message === null) {
    return {
      claimed: false,
      holder: null,
      problem: new GastownError(`${hookRef(holder.bead)} exists but is not a hook claim.`, {
        code: "conflict",
        hint: "Delete the ref (gt hook detach) and claim again.",
      }),
    };
  }
  const decoded = decodeHolder(result.message);
  if (!decoded.ok) return { claimed: false, holder: null, problem: decoded.error };
  if (sameHolder(decoded.value, holder)) return { claimed: true, holder };
  return { claimed: false, holder: decoded.value };
}

/** Who holds a bead's hook. */
export type HookState =
  | { held: false }
  | { held: true; holder: HookHolder }
  | { held: true; holder: null; problem: GastownError };

export async function getHookHolder(gh: GitHubContext, bead: number): Promise<HookState> {
  const state = await readMarker(gh, hookRef(bead));
  if (!state.exists) return { held: false };
  if (state.message === null) {
    return {
      held: true,
      holder: null,
      problem: new GastownError(`${hookRef(bead)} exists but is not a hook claim.`, {
        code: "conflict",
        hint: "Delete the ref (gt hook detach) and claim again.",
      }),
    };
  }
  const decoded = decodeHolder(state.message);
  return decoded.ok
    ? { held: true, holder: decoded.value }
    : { held: true, holder: null, problem: decoded.error };
}

/**
 * Releases a hook. With `onlyIf`, only when that polecat's attempt still holds it (read, then
 * delete: good against a stale job releasing its successor's claim, not a lock in itself).
 */
export async function releaseHook(
  gh: GitHubContext,
  params: { bead: number; onlyIf?: { polecat: string; attempt: number } },
): Promise<{ released: boolean; holder: HookHolder | null }> {
  let holder: HookHolder | null = null;
  if (params.onlyIf) {
    const state = await getHookHolder(gh, params.bead);
    if (!state.held) return { released: false, holder: null };
    holder = state.holder;
    if (!holder || holder.polecat !== params.onlyIf.polecat || holder.attempt !== params.onlyIf.attempt) {
      return { released: false, holder };
    }
  }
  const released = await deleteMarker(gh, hookRef(params.bead));
  return { released, holder };
}

/** Every claimed hook in the repo: bead numbers whose hook ref exists, ascending. */
export async function listHookedBeads(gh: GitHubContext): Promise<number[]> {
  const { octokit, repo } = gh;
  const refs = await callGitHub({ action: `list hook claims of ${formatRepoRef(repo)}` }, () =>
    octokit.paginate(octokit.rest.git.listMatchingRefs, {
      ...repo,
      ref: shortRef(HOOK_REF_PREFIX),
      per_page: 100,
    }),
  );
  return refs
    .map((r) => Number(r.ref.slice(HOOK_REF_PREFIX.length)))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}
