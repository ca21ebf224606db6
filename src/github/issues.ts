// The issues gateway: beads in, beads out. Lists paginate and leave pull requests out (GitHub's
// issues API returns both); writes check what GitHub would refuse (label names over 50
// characters, bodies over 65,536) before sending anything.
import {
  type Bead,
  type BeadDraft,
  type BeadMetadata,
  beadFromIssue,
  type CloseState,
  type IssueRecord,
  issueFieldsFromBead,
  type LabelChanges,
  renderBeadBody,
} from "../model/bead.ts";
import { GastownError } from "../model/errors.ts";
import { defaultTaxonomy, validateLabelName } from "../model/labels.ts";
import { checkBodyLength } from "../model/limits.ts";
import { callGitHub, httpStatus, repositoryNotFound, toGastownError } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

function toBead(gh: GitHubContext, issue: IssueRecord): Bead {
  return beadFromIssue(issue, gh.taxonomy ?? defaultTaxonomy);
}

function where(gh: GitHubContext, number?: number): string {
  return number === undefined ? formatRepoRef(gh.repo) : `${formatRepoRef(gh.repo)}#${number}`;
}

function checkLabels(labels: readonly string[]): void {
  for (const label of labels) {
    const problem = validateLabelName(label);
    if (problem) throw problem;
  }
}

function checkBody(body: string): void {
  const problem = checkBodyLength(body, "The issue body");
  if (problem) throw problem;
}

function notABead(gh: GitHubContext, number: number): GastownError {
  return new GastownError(`${where(gh, number)} is a pull request, not a bead.`, {
    code: "bad-input",
    hint: "Name an issue number; pull requests are handled by the refinery.",
  });
}

function missing(gh: GitHubContext, number: number): GastownError {
  return new GastownError(`Bead ${where(gh, number)} does not exist.`, {
    code: "not-found",
    hint: `Check the number (bd list shows the beads of ${formatRepoRef(gh.repo)}), and that the token can see the repository.`,
    status: 404,
  });
}

export interface ListBeadsFilter {
  /** Default `open`. */
  state?: "open" | "closed" | "all";
  /** Only issues with all of these labels. */
  labels?: readonly string[];
  /** A milestone (convoy) number, `none` or `*` (any). */
  milestone?: number | "none" | "*";
  /** A login, `none` or `*`. */
  assignee?: string;
  creator?: string;
  /** Only issues updated at or after this time (ISO 8601). */
  since?: string;
  sort?: "created" | "updated" | "comments";
  direction?: "asc" | "desc";
}

/** Every issue matching the filter, as beads (pull requests left out). One request per 100. */
export async function listBeads(gh: GitHubContext, filter: ListBeadsFilter = {}): Promise<Bead[]> {
  const { octokit, repo } = gh;
  const issues = await callGitHub(
    { action: `list issues of ${where(gh)}`, notFound: repositoryNotFound(where(gh)) },
    () =>
      octokit.paginate(octokit.rest.issues.listForRepo, {
        ...repo,
        per_page: 100,
        state: filter.state ?? "open",
        ...(filter.labels && filter.labels.length > 0 ? { labels: filter.labels.join(",") } : {}),
        ...(filter.milestone === undefined ? {} : { milestone: String(filter.milestone) }),
        ...(filter.assignee === undefined ? {} : { assignee: filter.assignee }),
        ...(filter.creator === undefined ? {} : { creator: filter.creator }),
        ...(filter.since === undefined ? {} : { since: filter.since }),
        ...(filter.sort === undefined ? {} : { sort: filter.sort }),
        ...(filter.direction === undefined ? {} : { direction: filter.direction }),
      }),
  );
  return issues.filter((issue) => issue.pull_request === undefined).map((issue) => toBead(gh, issue));
}

/** A bead, or null when no issue has that number. Fails on a pull request. */
export async function findBead(gh: GitHubContext, number: number): Promise<Bead | null> {
  const { octokit, repo } = gh;
  try {
    const { data } = await octokit.rest.issues.get({ ...repo, issue_number: number });
    if (data.pull_request !== undefined) throw notABead(gh, number);
    return toBead(gh, data);
  } catch (error: unknown) {
    if (httpStatus(error) === 404 || httpStatus(error) === 410) return null;
    throw toGastownError(error, { action: `read ${where(gh, number)}` });
  }
}

/** A bead; fails with a not-found error that names it. */
export async function getBead(gh: GitHubContext, number: number): Promise<Bead> {
  const bead = await findBead(gh, number);
  if (!bead) throw missing(gh, number);
  return bead;
}

/** GitHub's numeric id of an issue (the dependency and sub-issue APIs take ids, not numbers). */
export async function getIssueId(gh: GitHubContext, number: number): Promise<number> {
  return (await getBead(gh, number)).id;
}

/** Creates a bead from a draft (labels for status, priority, type; metadata in the body). */
export async function createBead(gh: GitHubContext, draft: BeadDraft): Promise<Bead> {
  const { octokit, repo } = gh;
  if (draft.title.trim() === "") {
    throw new GastownError("A bead needs a title.", { code: "bad-input", hint: "Give a short title." });
  }
  const fields = issueFieldsFromBead(draft, gh.taxonomy ?? defaultTaxonomy);
  checkLabels(fields.labels);
  checkBody(fields.body);
  const created = await callGitHub(
    { action: `create an issue in ${where(gh)}`, notFound: repositoryNotFound(where(gh)) },
    () =>
      octokit.rest.issues.create({
        ...repo,
        title: fields.title,
        body: fields.body,
        labels: fields.labels,
        assignees: fields.assignees,
        ...(fields.milestone === null ? {} : { milestone: fields.milestone }),
      }),
  );
  if (fields.state === "closed") {
    return closeBead(gh, { number: created.data.number, reason: fields.stateReason ?? "completed" });
  }
  return toBead(gh, created.data);
}

/** Changes to an issue. The body is given as text and metadata, and rendered here. */
export interface BeadUpdate {
  number: number;
  title?: string;
  body?: { text: string; metadata: BeadMetadata };
  /** Replaces all labels. Prefer {@link applyLabelChanges} for status changes (no race with humans). */
  labels?: readonly string[];
  assignees?: readonly string[];
  milestone?: number | null;
  state?: "open" | "closed";
  stateReason?: CloseState | "reopened";
}

/** Updates an issue and returns the bead as GitHub now has it. */
export async function updateBead(gh: GitHubContext, update: BeadUpdate): Promise<Bead> {
  const { octokit, repo } = gh;
  const body = update.body === undefined ? undefined : renderBeadBody(update.body.text, update.body.metadata);
  if (update.labels) checkLabels(update.labels);
  if (body !== undefined) checkBody(body);
  const { data } = await callGitHub({ action: `update ${where(gh, update.number)}` }, () =>
    octokit.rest.issues.update({
      ...repo,
      issue_number: update.number,
      ...(update.title === undefined ? {} : { title: update.title }),
      ...(body === undefined ? {} : { body }),
      ...(update.labels === undefined ? {} : { labels: [...update.labels] }),
      ...(update.assignees === undefined ? {} : { assignees: [...update.assignees] }),
      ...(update.milestone === undefined ? {} : { milestone: update.milestone }),
      ...(update.state === undefined ? {} : { state: update.state }),
      ...(update.stateReason === undefined ? {} : { state_reason: update.stateReason }),
    }),
  );
  return toBead(gh, data);
}

/** Closes a bead: `completed` (done), `not_planned` (burned) or `duplicate`. */
export async function closeBead(
  gh: GitHubContext,
  params: { number: number; reason?: CloseState },
): Promise<Bead> {
  return updateBead(gh, {
    number: params.number,
    state: "closed",
    stateReason: params.reason ?? "completed",
  });
}

export async function reopenBead(gh: GitHubContext, number: number): Promise<Bead> {
  return updateBead(gh, { number, state: "open", stateReason: "reopened" });
}

/** Adds labels (checked first: GitHub would create a missing label without checking its name). */
export async function addLabels(
  gh: GitHubContext,
  params: { number: number; labels: readonly string[] },
): Promise<string[]> {
  const { octokit, repo } = gh;
  checkLabels(params.labels);
  if (params.labels.length === 0) return [];
  const { data } = await callGitHub({ action: `label ${where(gh, params.number)}` }, () =>
    octokit.rest.issues.addLabels({ ...repo, issue_number: params.number, labels: [...params.labels] }),
  );
  return data.map((label) => label.name);
}

/** Removes one label; a label the issue does not carry is not an error. */
export async function removeLabel(
  gh: GitHubContext,
  params: { number: number; label: string },
): Promise<void> {
  const { octokit, repo } = gh;
  try {
    await octokit.rest.issues.removeLabel({ ...repo, issue_number: params.number, name: params.label });
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return;
    throw toGastownError(error, {
      action: `remove label "${params.label}" from ${where(gh, params.number)}`,
    });
  }
}

/** Applies a {@link LabelChanges} plan: removals first, then one add. Writes nothing when empty. */
export async function applyLabelChanges(
  gh: GitHubContext,
  params: { number: number; changes: LabelChanges },
): Promise<void> {
  checkLabels(params.changes.add);
  for (const label of params.changes.remove) await removeLabel(gh, { number: params.number, label });
  if (params.changes.add.length > 0)
    await addLabels(gh, { number: params.number, labels: params.changes.add });
}

/** Sets the assignees to exactly `assignees` (GitHub drops logins that cannot be assigned). */
export async function setAssignees(
  gh: GitHubContext,
  params: { number: number; assignees: readonly string[] },
): Promise<Bead> {
  return updateBead(gh, { number: params.number, assignees: params.assignees });
}
