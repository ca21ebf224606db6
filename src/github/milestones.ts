// The milestones gateway: convoys in, convoys out. Settings and the landing record ride in the
// description's metadata block (model/convoy.ts).
import {
  type Convoy,
  type ConvoyMetadata,
  convoyFromMilestone,
  renderConvoyDescription,
} from "../model/convoy.ts";
import { GastownError } from "../model/errors.ts";
import { checkBodyLength } from "../model/limits.ts";
import { callGitHub, httpStatus, repositoryNotFound, toGastownError } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

function where(gh: GitHubContext, number?: number): string {
  return number === undefined
    ? formatRepoRef(gh.repo)
    : `convoy (milestone) ${number} of ${formatRepoRef(gh.repo)}`;
}

function render(description: { text: string; metadata: ConvoyMetadata }): string {
  const body = renderConvoyDescription(description.text, description.metadata);
  const problem = checkBodyLength(body, "The convoy description");
  if (problem) throw problem;
  return body;
}

/** Convoys of the repo; default open ones. */
export async function listConvoys(
  gh: GitHubContext,
  filter: { state?: "open" | "closed" | "all" } = {},
): Promise<Convoy[]> {
  const { octokit, repo } = gh;
  const milestones = await callGitHub(
    { action: `list milestones of ${where(gh)}`, notFound: repositoryNotFound(where(gh)) },
    () =>
      octokit.paginate(octokit.rest.issues.listMilestones, {
        ...repo,
        per_page: 100,
        state: filter.state ?? "open",
      }),
  );
  return milestones.map(convoyFromMilestone);
}

/** A convoy, or null when there is no milestone with that number. */
export async function findConvoy(gh: GitHubContext, number: number): Promise<Convoy | null> {
  const { octokit, repo } = gh;
  try {
    const { data } = await octokit.rest.issues.getMilestone({ ...repo, milestone_number: number });
    return convoyFromMilestone(data);
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return null;
    throw toGastownError(error, { action: `read ${where(gh, number)}` });
  }
}

export async function getConvoy(gh: GitHubContext, number: number): Promise<Convoy> {
  const convoy = await findConvoy(gh, number);
  if (convoy) return convoy;
  throw new GastownError(`Convoy ${number} does not exist in ${formatRepoRef(gh.repo)}.`, {
    code: "not-found",
    hint: "Check the number with `gt convoy list --all`.",
    status: 404,
  });
}

export interface CreateConvoyParams {
  title: string;
  description?: { text: string; metadata: ConvoyMetadata };
  /** ISO 8601 date-time. */
  dueOn?: string;
}

/** Creates a convoy. GitHub refuses a title already used by another milestone (422). */
export async function createConvoy(gh: GitHubContext, params: CreateConvoyParams): Promise<Convoy> {
  const { octokit, repo } = gh;
  if (params.title.trim() === "") {
    throw new GastownError("A convoy needs a name.", {
      code: "bad-input",
      hint: "Give the convoy a short title.",
    });
  }
  const description = params.description === undefined ? undefined : render(params.description);
  const { data } = await callGitHub(
    { action: `create convoy "${params.title}" in ${where(gh)}`, notFound: repositoryNotFound(where(gh)) },
    () =>
      octokit.rest.issues.createMilestone({
        ...repo,
        title: params.title,
        ...(description === undefined ? {} : { description }),
        ...(params.dueOn === undefined ? {} : { due_on: params.dueOn }),
      }),
  );
  return convoyFromMilestone(data);
}

export interface UpdateConvoyParams {
  number: number;
  title?: string;
  description?: { text: string; metadata: ConvoyMetadata };
  state?: "open" | "closed";
  dueOn?: string;
}

export async function updateConvoy(gh: GitHubContext, params: UpdateConvoyParams): Promise<Convoy> {
  const { octokit, repo } = gh;
  const description = params.description === undefined ? undefined : render(params.description);
  const { data } = await callGitHub({ action: `update ${where(gh, params.number)}` }, () =>
    octokit.rest.issues.updateMilestone({
      ...repo,
      milestone_number: params.number,
      ...(params.title === undefined ? {} : { title: params.title }),
      ...(description === undefined ? {} : { description }),
      ...(params.state === undefined ? {} : { state: params.state }),
      ...(params.dueOn === undefined ? {} : { due_on: params.dueOn }),
    }),
  );
  return convoyFromMilestone(data);
}

export async function closeConvoy(gh: GitHubContext, number: number): Promise<Convoy> {
  return updateConvoy(gh, { number, state: "closed" });
}

export async function reopenConvoy(gh: GitHubContext, number: number): Promise<Convoy> {
  return updateConvoy(gh, { number, state: "open" });
}
