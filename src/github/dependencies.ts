// GitHub's native issue dependencies ("blocked by" / "blocking"). The write APIs take the
// blocker's numeric issue *id*, not its number; this gateway maps numbers to ids (one read each,
// skipped when the caller already has the bead). A closed blocker's edge stays: readiness counts
// only open blockers (model/ready.ts).
import type { Bead } from "../model/bead.ts";
import { beadFromIssue } from "../model/bead.ts";
import { GastownError } from "../model/errors.ts";
import { defaultTaxonomy } from "../model/labels.ts";
import { callGitHub, httpStatus, toGastownError } from "./errors.ts";
import { getIssueId } from "./issues.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

/** A bead named by number, or with its id already known. */
export type IssueHandle = number | { number: number; id: number };

async function idOf(gh: GitHubContext, handle: IssueHandle): Promise<number> {
  return typeof handle === "number" ? getIssueId(gh, handle) : handle.id;
}

function numberOf(handle: IssueHandle): number {
  return typeof handle === "number" ? handle : handle.number;
}

function ref(gh: GitHubContext, number: number): string {
  return `${formatRepoRef(gh.repo)}#${number}`;
}

/** The beads `number` is blocked by (open and closed). */
export async function listBlockedBy(gh: GitHubContext, number: number): Promise<Bead[]> {
  const { octokit, repo } = gh;
  const issues = await callGitHub({ action: `list the blockers of ${ref(gh, number)}` }, () =>
    octokit.paginate(octokit.rest.issues.listDependenciesBlockedBy, {
      ...repo,
      issue_number: number,
      per_page: 100,
    }),
  );
  return issues.map((issue) => beadFromIssue(issue, gh.taxonomy ?? defaultTaxonomy));
}

/** The beads `number` blocks (open and closed). */
export async function listBlocking(gh: GitHubContext, number: number): Promise<Bead[]> {
  const { octokit, repo } = gh;
  const issues = await callGitHub({ action: `list what ${ref(gh, number)} blocks` }, () =>
    octokit.paginate(octokit.rest.issues.listDependenciesBlocking, {
      ...repo,
      issue_number: number,
      per_page: 100,
    }),
  );
  return issues.map((issue) => beadFromIssue(issue, gh.taxonomy ?? defaultTaxonomy));
}

/**
 * Records "`blocked` is blocked by `blocker`". Checking for cycles is the caller's job (it needs
 * the graph: model/deps.ts `findCycleForEdge`); GitHub refuses some cycles itself (422).
 */
export async function addBlockedBy(
  gh: GitHubContext,
  params: { blocked: number; blocker: IssueHandle },
): Promise<void> {
  const { octokit, repo } = gh;
  const blocker = numberOf(params.blocker);
  if (blocker === params.blocked) {
    throw new GastownError(`#${blocker} cannot block itself.`, {
      code: "cycle",
      hint: "Name two different beads: bd dep add <blocked> <blocker>.",
    });
  }
  const issueId = await idOf(gh, params.blocker);
  await callGitHub({ action: `record ${ref(gh, params.blocked)} as blocked by #${blocker}` }, () =>
    octokit.rest.issues.addBlockedByDependency({ ...repo, issue_number: params.blocked, issue_id: issueId }),
  );
}

/** Removes "`blocked` is blocked by `blocker`"; an edge that is not there is not an error. */
export async function removeBlockedBy(
  gh: GitHubContext,
  params: { blocked: number; blocker: IssueHandle },
): Promise<void> {
  const { octokit, repo } = gh;
  const issueId = await idOf(gh, params.blocker);
  try {
    await octokit.rest.issues.removeDependencyBlockedBy({
      ...repo,
      issue_number: params.blocked,
      issue_id: issueId,
    });
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return;
    throw toGastownError(error, {
      action: `remove #${numberOf(params.blocker)} from the blockers of ${ref(gh, params.blocked)}`,
    });
  }
}
