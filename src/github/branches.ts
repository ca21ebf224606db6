// The branches gateway, as the refinery needs it: read a branch's tip, create, move and delete
// branches, merge a commit into a branch (GitHub's merges API: a real merge, or a conflict), and
// write a commit object. Moving a branch without `force` is GitHub's fast-forward-only update: it
// refuses when the branch moved meanwhile, which is how the base is never overwritten.
import { callGitHub, httpStatus, toGastownError } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

const heads = (branch: string) => `heads/${branch}`;

/** The commit a branch points at, or null when there is no such branch. */
export async function getBranchSha(gh: GitHubContext, branch: string): Promise<string | null> {
  const { octokit, repo } = gh;
  try {
    const { data } = await octokit.rest.git.getRef({ ...repo, ref: heads(branch) });
    return data.object.sha;
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return null;
    throw toGastownError(error, { action: `read the branch ${branch} of ${formatRepoRef(repo)}` });
  }
}

export type MoveResult = "moved" | "not-fast-forward" | "missing";

/**
 * Points `branch` at `sha`. Without `force` GitHub only fast-forwards, answering "not a fast
 * forward" when the branch is no longer an ancestor of `sha`. `create` makes a missing branch.
 */
export async function moveBranch(
  gh: GitHubContext,
  params: { branch: string; sha: string; force: boolean; create?: boolean },
): Promise<MoveResult> {
  const { octokit, repo } = gh;
  const action = `move ${params.branch} of ${formatRepoRef(repo)} to ${params.sha.slice(0, 7)}`;
  try {
    await octokit.rest.git.updateRef({
      ...repo,
      ref: heads(params.branch),
      sha: params.sha,
      force: params.force,
    });
    return "moved";
  } catch (error: unknown) {
    const status = httpStatus(error);
    if (status === 422 && /fast.forward/i.test(messageOf(error))) return "not-fast-forward";
    if (status === 422 || status === 404) {
      if (!params.create) return "missing";
      await callGitHub({ action }, () =>
        octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${params.branch}`, sha: params.sha }),
      );
      return "moved";
    }
    throw toGastownError(error, { action });
  }
}

function messageOf(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown } } }).response?.data;
  return typeof data?.message === "string" ? data.message : error instanceof Error ? error.message : "";
}

/** Creates `branch` at `sha`; false when it already exists. */
export async function createBranch(
  gh: GitHubContext,
  params: { branch: string; sha: string },
): Promise<boolean> {
  const { octokit, repo } = gh;
  try {
    await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${params.branch}`, sha: params.sha });
    return true;
  } catch (error: unknown) {
    if (httpStatus(error) === 422) return false;
    throw toGastownError(error, { action: `create the branch ${params.branch} in ${formatRepoRef(repo)}` });
  }
}

/** Deletes a branch; false when it was already gone. */
export async function deleteBranch(gh: GitHubContext, branch: string): Promise<boolean> {
  const { octokit, repo } = gh;
  try {
    await octokit.rest.git.deleteRef({ ...repo, ref: heads(branch) });
    return true;
  } catch (error: unknown) {
    const status = httpStatus(error);
    if (status === 404 || status === 422) return false;
    throw toGastownError(error, { action: `delete the branch ${branch} of ${formatRepoRef(repo)}` });
  }
}

export type MergeIntoResult =
  | { kind: "merged"; sha: string; treeSha: string }
  /** The branch already contains `head`: nothing to merge. */
  | { kind: "up-to-date" }
  | { kind: "conflict" };

/** Merges `head` (a SHA or branch) into `branch`, as GitHub's merges API does. */
export async function mergeInto(
  gh: GitHubContext,
  params: { branch: string; head: string; message: string },
): Promise<MergeIntoResult> {
  const { octokit, repo } = gh;
  try {
    const response = await octokit.rest.repos.merge({
      ...repo,
      base: params.branch,
      head: params.head,
      commit_message: params.message,
    });
    if ((response.status as number) === 204) return { kind: "up-to-date" };
    return { kind: "merged", sha: response.data.sha, treeSha: response.data.commit.tree.sha };
  } catch (error: unknown) {
    if (httpStatus(error) === 409) return { kind: "conflict" };
    throw toGastownError(error, {
      action: `merge ${params.head.slice(0, 12)} into ${params.branch} of ${formatRepoRef(repo)}`,
    });
  }
}

/** A commit's tree and parents. */
export async function getCommitObject(
  gh: GitHubContext,
  sha: string,
): Promise<{ sha: string; treeSha: string; parents: string[]; message: string }> {
  const { octokit, repo } = gh;
  const { data } = await callGitHub(
    { action: `read commit ${sha.slice(0, 7)} of ${formatRepoRef(repo)}` },
    () => octokit.rest.git.getCommit({ ...repo, commit_sha: sha }),
  );
  return {
    sha: data.sha,
    treeSha: data.tree.sha,
    parents: data.parents.map((p) => p.sha),
    message: data.message,
  };
}

/** Writes a commit object (no branch moves); returns its SHA. */
export async function createCommitObject(
  gh: GitHubContext,
  params: { message: string; treeSha: string; parents: readonly string[] },
): Promise<string> {
  const { octokit, repo } = gh;
  const { data } = await callGitHub({ action: `write a commit in ${formatRepoRef(repo)}` }, () =>
    octokit.rest.git.createCommit({
      ...repo,
      message: params.message,
      tree: params.treeSha,
      parents: [...params.parents],
    }),
  );
  return data.sha;
}

/** How far `head` is behind `base` (commits of the base it lacks). */
export async function countBehind(
  gh: GitHubContext,
  params: { base: string; head: string },
): Promise<number> {
  const { octokit, repo } = gh;
  const { data } = await callGitHub(
    { action: `compare ${params.head.slice(0, 12)} with ${params.base} in ${formatRepoRef(repo)}` },
    () =>
      octokit.rest.repos.compareCommitsWithBasehead({
        ...repo,
        basehead: `${params.base}...${params.head}`,
        per_page: 1,
      }),
  );
  return data.behind_by;
}
