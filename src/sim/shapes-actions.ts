// GitHub's REST and webhook shapes for Actions: workflows, workflow runs and jobs. One shape
// serves both, since the webhook schemas (closed objects) are the stricter of the two.
import type { SimContext } from "./context.ts";
import { repoShape, userByLogin } from "./shapes.ts";
import type { SimJob, SimRepo, SimState, SimWorkflow, SimWorkflowRun } from "./state.ts";

/** The runner every job here runs on, as GitHub names its hosted runners. */
export const RUNNER = { id: 1, name: "GitHub Actions 1", groupId: 0, groupName: "GitHub Actions" } as const;

/** The keys of GitHub's `repository-lite` (webhooks) / `minimal-repository` (REST). */
const REPO_LITE_KEYS = [
  "id",
  "node_id",
  "name",
  "full_name",
  "private",
  "owner",
  "html_url",
  "description",
  "fork",
  "url",
  "archive_url",
  "assignees_url",
  "blobs_url",
  "branches_url",
  "collaborators_url",
  "comments_url",
  "commits_url",
  "compare_url",
  "contents_url",
  "contributors_url",
  "deployments_url",
  "downloads_url",
  "events_url",
  "forks_url",
  "git_commits_url",
  "git_refs_url",
  "git_tags_url",
  "hooks_url",
  "issue_comment_url",
  "issue_events_url",
  "issues_url",
  "keys_url",
  "labels_url",
  "languages_url",
  "merges_url",
  "milestones_url",
  "notifications_url",
  "pulls_url",
  "releases_url",
  "stargazers_url",
  "statuses_url",
  "subscribers_url",
  "subscription_url",
  "tags_url",
  "teams_url",
  "trees_url",
] as const;

export function repoLiteShape(state: SimState, baseUrl: string, repo: SimRepo): Record<string, unknown> {
  const full = repoShape(state, baseUrl, repo);
  return Object.fromEntries(REPO_LITE_KEYS.map((key) => [key, full[key]]));
}

/** `.github/workflows/<file>`, the path GitHub reports. */
export const workflowPath = (workflow: SimWorkflow): string => `.github/workflows/${workflow.path}`;

const repoApi = (baseUrl: string, repo: SimRepo): string => `${baseUrl}/repos/${repo.owner}/${repo.name}`;
const repoHtml = (baseUrl: string, repo: SimRepo): string => `${baseUrl}/${repo.owner}/${repo.name}`;

/** GitHub's `workflow`. */
export function workflowShape(
  baseUrl: string,
  repo: SimRepo,
  workflow: SimWorkflow,
): Record<string, unknown> {
  const html = repoHtml(baseUrl, repo);
  return {
    id: workflow.id,
    node_id: `W_${workflow.id}`,
    name: workflow.name,
    path: workflowPath(workflow),
    state: workflow.state,
    created_at: workflow.created_at,
    updated_at: workflow.created_at,
    url: `${repoApi(baseUrl, repo)}/actions/workflows/${workflow.id}`,
    html_url: `${html}/blob/${repo.default_branch}/${workflowPath(workflow)}`,
    badge_url: `${html}/workflows/${encodeURIComponent(workflow.name)}/badge.svg`,
  };
}

/** GitHub's `workflow-run`. */
export function runShape(sim: SimContext, repo: SimRepo, run: SimWorkflowRun): Record<string, unknown> {
  const api = repoApi(sim.baseUrl, repo);
  const url = `${api}/actions/runs/${run.id}`;
  const workflow = repo.workflows.get(run.workflow_id);
  const lite = repoLiteShape(sim.state, sim.baseUrl, repo);
  return {
    id: run.id,
    name: run.name,
    node_id: `WFR_${run.id}`,
    head_branch: run.head_branch,
    head_sha: run.head_sha,
    path: workflow ? workflowPath(workflow) : "",
    display_title: run.display_title,
    run_number: run.run_number,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflow_id,
    check_suite_id: run.check_suite_id,
    check_suite_node_id: `CS_${run.check_suite_id}`,
    url,
    html_url: `${repoHtml(sim.baseUrl, repo)}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.created_at,
    updated_at: run.updated_at,
    actor: userByLogin(sim.state, sim.baseUrl, run.actor),
    run_attempt: run.run_attempt,
    referenced_workflows: [],
    run_started_at: run.run_started_at ?? run.created_at,
    triggering_actor: userByLogin(sim.state, sim.baseUrl, run.triggering_actor),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${api}/check-suites/${run.check_suite_id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: run.run_attempt > 1 ? `${url}/attempts/${run.run_attempt - 1}` : null,
    workflow_url: `${api}/actions/workflows/${run.workflow_id}`,
    head_commit: run.head_commit ? { ...run.head_commit } : null,
    repository: lite,
    head_repository: lite,
  };
}

/** The job's step name for its command, as the runner titles a `run:` step. */
export function stepName(workflow: SimWorkflow | undefined): string {
  const command = workflow?.command.join(" ") ?? "";
  return `Run ${command.length > 80 ? `${command.slice(0, 77)}...` : command}`;
}

/** GitHub's `job`, with the steps a one-command job shows: set up, the command, complete. */
export function jobShape(
  sim: SimContext,
  repo: SimRepo,
  run: SimWorkflowRun,
  job: SimJob,
): Record<string, unknown> {
  const api = repoApi(sim.baseUrl, repo);
  const started = job.started_at ?? job.created_at;
  const onRunner = job.started_at !== null;
  return {
    id: job.id,
    run_id: run.id,
    workflow_name: run.name,
    head_branch: run.head_branch,
    run_url: `${api}/actions/runs/${run.id}`,
    run_attempt: job.run_attempt,
    node_id: `CR_${job.id}`,
    head_sha: run.head_sha,
    url: `${api}/actions/jobs/${job.id}`,
    html_url: `${repoHtml(sim.baseUrl, repo)}/actions/runs/${run.id}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: job.created_at,
    // GitHub reports a queued job as started when it was created.
    started_at: started,
    completed_at: job.completed_at,
    name: job.name,
    steps: jobSteps(job, stepName(repo.workflows.get(run.workflow_id))),
    check_run_url: `${api}/check-runs/${job.id}`,
    labels: ["ubuntu-latest"],
    runner_id: onRunner ? RUNNER.id : null,
    runner_name: onRunner ? RUNNER.name : null,
    runner_group_id: onRunner ? RUNNER.groupId : null,
    runner_group_name: onRunner ? RUNNER.groupName : null,
  };
}

function jobSteps(job: SimJob, command: string): Record<string, unknown>[] {
  if (job.started_at === null) return [];
  const started = job.started_at;
  const setUp = {
    name: "Set up job",
    status: "completed",
    conclusion: "success",
    number: 1,
    started_at: started,
    completed_at: started,
  };
  if (job.status !== "completed" || job.completed_at === null) {
    return [
      setUp,
      {
        name: command,
        status: "in_progress",
        conclusion: null,
        number: 2,
        started_at: started,
        completed_at: null,
      },
    ];
  }
  const done = job.completed_at;
  const stepConclusion =
    job.conclusion === "success" ? "success" : job.conclusion === "cancelled" ? "cancelled" : "failure";
  return [
    setUp,
    {
      name: command,
      status: "completed",
      conclusion: stepConclusion,
      number: 2,
      started_at: started,
      completed_at: done,
    },
    {
      name: "Complete job",
      status: "completed",
      conclusion: "success",
      number: 3,
      started_at: done,
      completed_at: done,
    },
  ];
}
