// The repository-wide comment list (`GET /repos/{owner}/{repo}/issues/comments`), which the
// comments gateway (src/github/comments.ts) does not offer: mail lives on mailboxes *and* on the
// beads it concerns, so an inbox reads every comment since the reader's cursor in one paginated
// call. Kept in the gateway's style: paginated, mapped to the model's Comment, errors mapped.
import { callGitHub, repositoryNotFound } from "../github/errors.ts";
import { formatRepoRef, type GitHubContext } from "../github/octokit.ts";
import { issueRefFromUrl } from "../model/bead.ts";
import type { Comment } from "../model/mail.ts";

/** Every comment of the repository, oldest first; with `since`, those updated at or after it. */
export async function listRepoComments(
  gh: GitHubContext,
  params: { since?: string } = {},
): Promise<Comment[]> {
  const { octokit, repo } = gh;
  const records = await callGitHub(
    {
      action: `list the comments of ${formatRepoRef(repo)}`,
      notFound: repositoryNotFound(formatRepoRef(repo)),
    },
    () =>
      octokit.paginate(octokit.rest.issues.listCommentsForRepo, {
        ...repo,
        per_page: 100,
        sort: "created",
        direction: "asc",
        ...(params.since === undefined ? {} : { since: params.since }),
      }),
  );
  return records
    .map((record) => ({
      id: Number(record.id),
      issue: issueRefFromUrl(record.issue_url)?.number ?? 0,
      body: record.body ?? "",
      author: record.user?.login ?? null,
      createdAt: record.created_at,
      updatedAt: record.updated_at,
      url: record.html_url,
    }))
    .sort((a, b) => a.id - b.id);
}
