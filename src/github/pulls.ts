// The pull requests gateway, as the polecat runner needs it: find the open PR of a branch, open
// one, or update its title and body. A polecat's branch has at most one open PR; a re-run finds
// and updates it instead of opening a second.
import { checkBodyLength } from "../model/limits.ts";
import { callGitHub } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

/** A pull request as the runner sees it. */
export interface PullRequest {
  number: number;
  url: string;
  title: string;
  body: string;
  head: string;
  base: string;
  state: "open" | "closed";
  merged: boolean;
}

interface PullRecord {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  head: { ref: string };
  base: { ref: string };
  state: string;
  merged_at?: string | null;
}

function toPull(record: PullRecord): PullRequest {
  return {
    number: record.number,
    url: record.html_url,
    title: record.title,
    body: record.body ?? "",
    head: record.head.ref,
    base: record.base.ref,
    state: record.state === "open" ? "open" : "closed",
    merged: Boolean(record.merged_at),
  };
}

function checked(body: string): string {
  const problem = checkBodyLength(body);
  if (problem) throw problem;
  return body;
}

/** The open pull request whose head is `branch` in this repository, or null. */
export async function findOpenPull(gh: GitHubContext, branch: string): Promise<PullRequest | null> {
  const { octokit, repo } = gh;
  const records = await callGitHub(
    { action: `list pull requests of ${formatRepoRef(repo)} from ${branch}` },
    () =>
      octokit.paginate(octokit.rest.pulls.list, {
        ...repo,
        state: "open",
        head: `${repo.owner}:${branch}`,
        per_page: 100,
      }),
  );
  const match = records.find((record) => record.head.ref === branch);
  return match ? toPull(match) : null;
}

/** Opens a pull request from `head` into `base`. */
export async function openPull(
  gh: GitHubContext,
  params: { head: string; base: string; title: string; body: string },
): Promise<PullRequest> {
  const { octokit, repo } = gh;
  const { data } = await callGitHub(
    { action: `open a pull request from ${params.head} in ${formatRepoRef(repo)}` },
    () =>
      octokit.rest.pulls.create({
        ...repo,
        head: params.head,
        base: params.base,
        title: params.title,
        body: checked(params.body),
      }),
  );
  return toPull(data);
}

/** Sets a pull request's title and body. */
export async function updatePull(
  gh: GitHubContext,
  params: { number: number; title: string; body: string },
): Promise<PullRequest> {
  const { octokit, repo } = gh;
  const { data } = await callGitHub(
    { action: `update pull request #${params.number} of ${formatRepoRef(repo)}` },
    () =>
      octokit.rest.pulls.update({
        ...repo,
        pull_number: params.number,
        title: params.title,
        body: checked(params.body),
      }),
  );
  return toPull(data);
}
