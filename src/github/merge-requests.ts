// Pull requests as the refinery reads and merges them: every open PR into a base branch in one
// paginated list (heads, labels, bodies, drafts), one PR's merge state, its reviews, and the merge
// itself with GitHub's head-SHA guard.
import type { QueueReview } from "../model/merge-queue/entry.ts";
import { callGitHub, httpStatus, toGastownError } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

/** A pull request as the queue sees it. */
export interface PullSummary {
  number: number;
  /** GraphQL node id (native mode enqueues by it). */
  nodeId: string;
  title: string;
  body: string;
  headSha: string;
  headRef: string;
  /** The head branch lives in this repository (not a fork): the refinery may update and delete it. */
  sameRepo: boolean;
  base: string;
  draft: boolean;
  labels: string[];
  author: string | null;
  createdAt: string;
  url: string;
}

/** One PR's state, including what only a single-PR read carries. */
export interface PullDetails extends PullSummary {
  state: "open" | "closed";
  merged: boolean;
  /** The merge commit (or, for a PR merged by a push, the base commit that took its head). */
  mergeCommitSha: string | null;
  /** False on conflict; null while GitHub is still computing it. */
  mergeable: boolean | null;
}

interface PullRecord {
  number: number;
  node_id: string;
  title: string;
  body?: string | null;
  html_url: string;
  head: { sha: string; ref: string; repo: { full_name: string } | null };
  base: { ref: string; repo: { full_name: string } };
  draft?: boolean;
  labels: Array<{ name?: string } | string>;
  user: { login: string } | null;
  created_at: string;
}

function toSummary(record: PullRecord): PullSummary {
  return {
    number: record.number,
    nodeId: record.node_id,
    title: record.title,
    body: record.body ?? "",
    headSha: record.head.sha,
    headRef: record.head.ref,
    sameRepo: record.head.repo?.full_name === record.base.repo.full_name,
    base: record.base.ref,
    draft: record.draft === true,
    labels: record.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean),
    author: record.user?.login ?? null,
    createdAt: record.created_at,
    url: record.html_url,
  };
}

/** Every open pull request into `base`, oldest first. */
export async function listOpenPulls(gh: GitHubContext, base: string): Promise<PullSummary[]> {
  const { octokit, repo } = gh;
  const records = await callGitHub(
    { action: `list the open pull requests into ${base} of ${formatRepoRef(repo)}` },
    () =>
      octokit.paginate(octokit.rest.pulls.list, {
        ...repo,
        state: "open",
        base,
        sort: "created",
        direction: "asc",
        per_page: 100,
      }),
  );
  return records.map((r) => toSummary(r as PullRecord));
}

/** One pull request, or null when there is none with that number. */
export async function getPullDetails(gh: GitHubContext, number: number): Promise<PullDetails | null> {
  const { octokit, repo } = gh;
  try {
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
    return {
      ...toSummary(data as PullRecord),
      state: data.state === "open" ? "open" : "closed",
      merged: data.merged === true || Boolean(data.merged_at),
      mergeCommitSha: data.merge_commit_sha ?? null,
      mergeable: data.mergeable ?? null,
    };
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return null;
    throw toGastownError(error, { action: `read pull request #${number} of ${formatRepoRef(repo)}` });
  }
}

/** A pull request's reviews, oldest first. */
export async function listPullReviews(gh: GitHubContext, number: number): Promise<QueueReview[]> {
  const { octokit, repo } = gh;
  const records = await callGitHub(
    { action: `read the reviews of #${number} in ${formatRepoRef(repo)}` },
    () => octokit.paginate(octokit.rest.pulls.listReviews, { ...repo, pull_number: number, per_page: 100 }),
  );
  return records
    .filter((r) => r.user !== null && r.commit_id !== null)
    .map((r) => ({
      reviewer: r.user?.login ?? "ghost",
      state: r.state as QueueReview["state"],
      commitSha: r.commit_id as string,
      submittedAt: r.submitted_at ?? new Date(0).toISOString(),
    }));
}

export type MergePullResult =
  | { kind: "merged"; sha: string }
  /** The head is no longer `sha`: GitHub refused, nothing was merged. */
  | { kind: "head-moved" }
  /** GitHub will not merge it (conflict, protection, checks): its message says why. */
  | { kind: "refused"; message: string };

/** Merges a pull request only if its head is still `sha`. */
export async function mergePull(
  gh: GitHubContext,
  params: { number: number; sha: string; method: "merge" | "squash" | "rebase" },
): Promise<MergePullResult> {
  const { octokit, repo } = gh;
  try {
    const { data } = await octokit.rest.pulls.merge({
      ...repo,
      pull_number: params.number,
      sha: params.sha,
      merge_method: params.method,
    });
    return { kind: "merged", sha: data.sha };
  } catch (error: unknown) {
    const status = httpStatus(error);
    if (status === 409) return { kind: "head-moved" };
    if (status === 405 || status === 422) {
      const data = (error as { response?: { data?: { message?: unknown } } }).response?.data;
      return { kind: "refused", message: typeof data?.message === "string" ? data.message : "not mergeable" };
    }
    throw toGastownError(error, { action: `merge pull request #${params.number} of ${formatRepoRef(repo)}` });
  }
}

/** The pull requests whose head is `branch` in this repository, closed ones included, newest first. */
export async function listPullsFromBranch(gh: GitHubContext, branch: string): Promise<PullDetails[]> {
  const { octokit, repo } = gh;
  const { data } = await callGitHub(
    { action: `list the pull requests from ${branch} in ${formatRepoRef(repo)}` },
    () => octokit.rest.pulls.list({ ...repo, state: "all", head: `${repo.owner}:${branch}`, per_page: 100 }),
  );
  return data.map((record) => ({
    ...toSummary(record as PullRecord),
    state: record.state === "open" ? ("open" as const) : ("closed" as const),
    merged: Boolean(record.merged_at),
    mergeCommitSha: record.merge_commit_sha ?? null,
    mergeable: null,
  }));
}
