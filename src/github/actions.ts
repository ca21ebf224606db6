// Actions: dispatching the polecat workflow and stopping its runs. Dispatch asks GitHub for the
// run's details (`return_run_details`), so the run id is known at once and the hook can name it
// without polling the runs list.
import { GastownError } from "../model/errors.ts";
import { callGitHub, httpStatus, toGastownError } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

/** A workflow run the town started. */
export interface DispatchedRun {
  id: number;
  /** The run's API URL. */
  url: string;
  /** The run's page, for people. */
  htmlUrl: string;
}

export interface DispatchWorkflowParams {
  /** The workflow file name (`polecat.yml`) or id. */
  workflow: string;
  /** The branch or tag to run on. */
  ref: string;
  /** `workflow_dispatch` inputs; GitHub takes strings only (25 at most). */
  inputs: Record<string, string>;
}

/** Dispatches a workflow and returns the run it started. */
export async function dispatchWorkflow(
  gh: GitHubContext,
  params: DispatchWorkflowParams,
): Promise<DispatchedRun> {
  const { octokit, repo } = gh;
  const response = await callGitHub(
    { action: `dispatch ${params.workflow} on ${params.ref} in ${formatRepoRef(repo)}` },
    () =>
      octokit.rest.actions.createWorkflowDispatch({
        ...repo,
        workflow_id: params.workflow,
        ref: params.ref,
        inputs: params.inputs,
        return_run_details: true,
      }),
  );
  const data: unknown = response.data;
  if (
    typeof data !== "object" ||
    data === null ||
    typeof (data as { workflow_run_id?: unknown }).workflow_run_id !== "number"
  ) {
    throw new GastownError(`GitHub started ${params.workflow} but did not say which run it is.`, {
      code: "github",
      hint: "The GitHub server may predate return_run_details; the run shows in the Actions tab.",
    });
  }
  const details = data as { workflow_run_id: number; run_url?: string; html_url?: string };
  return {
    id: details.workflow_run_id,
    url: details.run_url ?? "",
    htmlUrl: details.html_url ?? "",
  };
}

/** The state of a run: still going, or finished with a conclusion. */
export interface RunState {
  id: number;
  status: string;
  conclusion: string | null;
  htmlUrl: string;
}

/** Reads a run; null when it does not exist. */
export async function findRun(gh: GitHubContext, runId: number): Promise<RunState | null> {
  const { octokit, repo } = gh;
  try {
    const { data } = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: runId });
    return {
      id: data.id,
      status: data.status ?? "unknown",
      conclusion: data.conclusion,
      htmlUrl: data.html_url,
    };
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return null;
    throw toGastownError(error, { action: `read run ${runId} of ${formatRepoRef(repo)}` });
  }
}

/**
 * Asks GitHub to cancel a run. True when cancellation was requested; false when the run had
 * already completed or does not exist (nothing to stop).
 */
export async function cancelRun(gh: GitHubContext, runId: number): Promise<boolean> {
  const { octokit, repo } = gh;
  try {
    await octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: runId });
    return true;
  } catch (error: unknown) {
    const status = httpStatus(error);
    if (status === 409 || status === 404) return false;
    throw toGastownError(error, { action: `cancel run ${runId} of ${formatRepoRef(repo)}` });
  }
}

/** A finished run, as the patrol reads it back for gates whose event it missed. */
export interface FinishedRun {
  id: number;
  name: string;
  path: string;
  conclusion: string | null;
  createdAt: string;
  htmlUrl: string;
}

/**
 * Completed runs created at or after `since`, newest first: of one workflow file, or of the whole
 * repository. One page (the newest 100): a gate opens on any success among them.
 */
export async function listFinishedRuns(
  gh: GitHubContext,
  params: { workflow?: string; since: string },
): Promise<FinishedRun[]> {
  const { octokit, repo } = gh;
  // GitHub's `created` filter takes search syntax its own description does not allow for; the
  // newest 100 are read and filtered here instead.
  const filter = { status: "completed" as const, per_page: 100 };
  try {
    const { data } =
      params.workflow === undefined
        ? await octokit.rest.actions.listWorkflowRunsForRepo({ ...repo, ...filter })
        : await octokit.rest.actions.listWorkflowRuns({ ...repo, workflow_id: params.workflow, ...filter });
    const since = Date.parse(params.since);
    return data.workflow_runs
      .filter((run) => Date.parse(run.created_at) >= since)
      .map((run) => ({
        id: run.id,
        name: run.name ?? "",
        path: run.path ?? "",
        conclusion: run.conclusion,
        createdAt: run.created_at,
        htmlUrl: run.html_url,
      }));
  } catch (error: unknown) {
    // A workflow file that does not exist (yet) has no runs.
    if (httpStatus(error) === 404) return [];
    throw toGastownError(error, {
      action: `list the runs of ${params.workflow ?? "the workflows"} in ${formatRepoRef(repo)}`,
    });
  }
}
