// GitHub's sub-issues: parent/child for epics and molecules. Like dependencies, writes take the
// child's issue id; GitHub allows one parent per issue, 100 children and 8 levels.
import { type Bead, beadFromIssue } from "../model/bead.ts";
import { defaultTaxonomy } from "../model/labels.ts";
import type { IssueHandle } from "./dependencies.ts";
import { callGitHub, httpStatus, toGastownError } from "./errors.ts";
import { getIssueId } from "./issues.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

async function idOf(gh: GitHubContext, handle: IssueHandle): Promise<number> {
  return typeof handle === "number" ? getIssueId(gh, handle) : handle.id;
}

function numberOf(handle: IssueHandle): number {
  return typeof handle === "number" ? handle : handle.number;
}

/** The children of `parent`, in GitHub's priority order. */
export async function listSubIssues(gh: GitHubContext, parent: number): Promise<Bead[]> {
  const { octokit, repo } = gh;
  const issues = await callGitHub({ action: `list sub-issues of ${formatRepoRef(repo)}#${parent}` }, () =>
    octokit.paginate(octokit.rest.issues.listSubIssues, { ...repo, issue_number: parent, per_page: 100 }),
  );
  return issues.map((issue) => beadFromIssue(issue, gh.taxonomy ?? defaultTaxonomy));
}

/** Makes `child` a sub-issue of `parent`; `replaceParent` moves it from another parent. */
export async function addSubIssue(
  gh: GitHubContext,
  params: { parent: number; child: IssueHandle; replaceParent?: boolean },
): Promise<void> {
  const { octokit, repo } = gh;
  const subIssueId = await idOf(gh, params.child);
  await callGitHub(
    { action: `add #${numberOf(params.child)} as a sub-issue of ${formatRepoRef(repo)}#${params.parent}` },
    () =>
      octokit.rest.issues.addSubIssue({
        ...repo,
        issue_number: params.parent,
        sub_issue_id: subIssueId,
        ...(params.replaceParent === undefined ? {} : { replace_parent: params.replaceParent }),
      }),
  );
}

/** Detaches `child` from `parent`; a child that is not there is not an error. */
export async function removeSubIssue(
  gh: GitHubContext,
  params: { parent: number; child: IssueHandle },
): Promise<void> {
  const { octokit, repo } = gh;
  const subIssueId = await idOf(gh, params.child);
  try {
    await octokit.rest.issues.removeSubIssue({
      ...repo,
      issue_number: params.parent,
      sub_issue_id: subIssueId,
    });
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return;
    throw toGastownError(error, {
      action: `remove #${numberOf(params.child)} from the sub-issues of ${formatRepoRef(repo)}#${params.parent}`,
    });
  }
}
