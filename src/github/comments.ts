// The comments gateway. Mail reads comments `since` the recipient's cursor, so an inbox costs
// what is new, not what was read; every write is checked against GitHub's body limit first.
import { checkBodyLength } from "../model/limits.ts";
import type { Comment } from "../model/mail.ts";
import { issueRefFromUrl } from "../model/bead.ts";
import { callGitHub, httpStatus, toGastownError } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

interface CommentRecord {
  id: number | bigint;
  body?: string;
  user: { login: string } | null;
  created_at: string;
  updated_at: string;
  html_url: string;
  issue_url: string;
}

function toComment(record: CommentRecord): Comment {
  return {
    id: Number(record.id),
    issue: issueRefFromUrl(record.issue_url)?.number ?? 0,
    body: record.body ?? "",
    author: record.user?.login ?? null,
    createdAt: record.created_at,
    updatedAt: record.updated_at,
    url: record.html_url,
  };
}

function checked(body: string): string {
  const problem = checkBodyLength(body);
  if (problem) throw problem;
  return body;
}

/** Comments of an issue, oldest first; with `since`, only those updated at or after it. */
export async function listComments(
  gh: GitHubContext,
  params: { issue: number; since?: string },
): Promise<Comment[]> {
  const { octokit, repo } = gh;
  const records = await callGitHub(
    { action: `list comments of ${formatRepoRef(repo)}#${params.issue}` },
    () =>
      octokit.paginate(octokit.rest.issues.listComments, {
        ...repo,
        issue_number: params.issue,
        per_page: 100,
        ...(params.since === undefined ? {} : { since: params.since }),
      }),
  );
  return records.map(toComment);
}

/** A comment, or null when it does not exist (deleted). */
export async function findComment(gh: GitHubContext, id: number): Promise<Comment | null> {
  const { octokit, repo } = gh;
  try {
    const { data } = await octokit.rest.issues.getComment({ ...repo, comment_id: id });
    return toComment(data);
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return null;
    throw toGastownError(error, { action: `read comment ${id} in ${formatRepoRef(repo)}` });
  }
}

/** Posts a comment; refuses (before sending) a body over 65,536 characters. */
export async function createComment(
  gh: GitHubContext,
  params: { issue: number; body: string },
): Promise<Comment> {
  const { octokit, repo } = gh;
  const body = checked(params.body);
  const { data } = await callGitHub({ action: `comment on ${formatRepoRef(repo)}#${params.issue}` }, () =>
    octokit.rest.issues.createComment({ ...repo, issue_number: params.issue, body }),
  );
  return toComment(data);
}

/** Edits a comment in place (no notification, unlike a new comment). */
export async function updateComment(
  gh: GitHubContext,
  params: { id: number; body: string },
): Promise<Comment> {
  const { octokit, repo } = gh;
  const body = checked(params.body);
  const { data } = await callGitHub({ action: `edit comment ${params.id} in ${formatRepoRef(repo)}` }, () =>
    octokit.rest.issues.updateComment({ ...repo, comment_id: params.id, body }),
  );
  return toComment(data);
}

/** Deletes a comment; one already gone is not an error. */
export async function deleteComment(gh: GitHubContext, id: number): Promise<void> {
  const { octokit, repo } = gh;
  try {
    await octokit.rest.issues.deleteComment({ ...repo, comment_id: id });
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return;
    throw toGastownError(error, { action: `delete comment ${id} in ${formatRepoRef(repo)}` });
  }
}
