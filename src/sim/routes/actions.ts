// GitHub Actions' REST API: workflows (list, get, enable, disable, dispatch), workflow runs
// (list with GitHub's filters, get, cancel, force-cancel, re-run) and jobs. The runs themselves
// live in actions-runner.ts.
import { dispatchWorkflow, findWorkflow } from "../actions-triggers.ts";
import { cancelRun, rerunRun } from "../actions-runner.ts";
import type { SimContext } from "../context.ts";
import { repoFor } from "../git-rest.ts";
import {
  bodyObject,
  HttpError,
  noContent,
  notFound,
  ok,
  paginate,
  type SimRequest,
  type SimResponse,
  validationFailed,
} from "../http.ts";
import type { Router } from "../router.ts";
import { jobShape, runShape, workflowShape } from "../shapes-actions.ts";
import type { SimRepo, SimWorkflow, SimWorkflowRun } from "../state.ts";

const REPO = "/repos/{owner}/{repo}/actions";

export function register(router: Router): void {
  router.get(`${REPO}/workflows`, listWorkflows);
  router.get(`${REPO}/workflows/{workflow_id}`, getWorkflow);
  router.put(`${REPO}/workflows/{workflow_id}/enable`, (req, sim) => setWorkflowState(req, sim, "active"));
  router.put(`${REPO}/workflows/{workflow_id}/disable`, (req, sim) =>
    setWorkflowState(req, sim, "disabled_manually"),
  );
  router.post(`${REPO}/workflows/{workflow_id}/dispatches`, dispatch);
  router.get(`${REPO}/workflows/{workflow_id}/runs`, listWorkflowRuns);
  router.get(`${REPO}/runs`, listRuns);
  router.get(`${REPO}/runs/{run_id}`, getRun);
  router.post(`${REPO}/runs/{run_id}/cancel`, (req, sim) => cancel(req, sim, false));
  router.post(`${REPO}/runs/{run_id}/force-cancel`, (req, sim) => cancel(req, sim, true));
  router.post(`${REPO}/runs/{run_id}/rerun`, rerun);
  router.get(`${REPO}/runs/{run_id}/jobs`, listJobs);
  router.get(`${REPO}/jobs/{job_id}`, getJob);
}

/** A page of `items` under `key`, with `total_count`, as the Actions lists answer. */
function pageOf<T>(
  req: SimRequest,
  key: string,
  items: readonly T[],
  map: (item: T) => unknown,
): SimResponse {
  const page = paginate(req, items, map);
  return { ...page, body: { total_count: items.length, [key]: page.body } };
}

function workflowFor(req: SimRequest, repo: SimRepo): SimWorkflow {
  const workflow = findWorkflow(repo, req.params.workflow_id ?? "");
  if (!workflow) throw notFound();
  return workflow;
}

function runFor(req: SimRequest, repo: SimRepo): SimWorkflowRun {
  const run = repo.runs.get(Number(req.params.run_id));
  if (!run) throw notFound();
  return run;
}

function listWorkflows(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const workflows = [...repo.workflows.values()].sort((a, b) => a.id - b.id);
  return pageOf(req, "workflows", workflows, (w) => workflowShape(sim.baseUrl, repo, w));
}

function getWorkflow(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  return ok(workflowShape(sim.baseUrl, repo, workflowFor(req, repo)));
}

function setWorkflowState(req: SimRequest, sim: SimContext, state: SimWorkflow["state"]): SimResponse {
  const repo = repoFor(req, sim, "write");
  workflowFor(req, repo).state = state;
  return noContent();
}

/**
 * 204, or with `return_run_details: true` (or API version 2026-03-10, where it is the only
 * answer) 200 with the run's id and URLs.
 */
async function dispatch(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const workflow = workflowFor(req, repo);
  const body = bodyObject(req);
  if (typeof body.ref !== "string" || body.ref === "") {
    throw validationFailed(`Invalid request.\n\n"ref" wasn't supplied.`);
  }
  const details = body.return_run_details;
  if (details !== undefined && typeof details !== "boolean") {
    throw validationFailed(
      `Invalid request.\n\nFor 'properties/return_run_details', ${JSON.stringify(details)} is not a boolean.`,
    );
  }
  const run = await dispatchWorkflow({
    sim,
    repo,
    workflow,
    ref: body.ref,
    inputs: body.inputs,
    principal: req.principal,
  });
  const version = String(req.headers["x-github-api-version"] ?? "");
  if (details !== true && version < "2026-03-10") return noContent();
  const shape = runShape(sim, repo, run);
  return ok({ workflow_run_id: run.id, run_url: shape.url, html_url: shape.html_url });
}

const STATUSES = new Set(["queued", "in_progress", "completed", "requested", "waiting", "pending"]);

/** GitHub's run filters: actor, branch, event, status (a status or a conclusion), head_sha, created, check_suite_id. */
function filterRuns(req: SimRequest, runs: Iterable<SimWorkflowRun>): SimWorkflowRun[] {
  const q = req.query;
  const actor = q.get("actor")?.toLowerCase();
  const branch = q.get("branch");
  const event = q.get("event");
  const status = q.get("status");
  const headSha = q.get("head_sha");
  const suite = q.get("check_suite_id");
  const created = q.get("created");
  const inCreated = created ? createdFilter(created) : undefined;
  return [...runs]
    .filter((run) => {
      if (actor && run.actor.toLowerCase() !== actor) return false;
      if (branch && run.head_branch !== branch) return false;
      if (event && run.event !== event) return false;
      if (headSha && run.head_sha !== headSha) return false;
      if (suite && String(run.check_suite_id) !== suite) return false;
      if (status && (STATUSES.has(status) ? run.status !== status : run.conclusion !== status)) return false;
      return !inCreated || inCreated(run.created_at);
    })
    .sort((a, b) => b.id - a.id);
}

/** GitHub's date range syntax: `>=D`, `>D`, `<=D`, `<D`, `A..B`, or one day `D`. */
function createdFilter(range: string): (iso: string) => boolean {
  const time = (text: string): number => {
    const value = Date.parse(text);
    if (Number.isNaN(value)) throw validationFailed(`Invalid created filter: ${range}`);
    return value;
  };
  const compare = /^(>=|<=|>|<)(.+)$/.exec(range);
  if (compare) {
    const bound = time(compare[2] ?? "");
    const op = compare[1];
    return (iso) => {
      const t = Date.parse(iso);
      return op === ">=" ? t >= bound : op === "<=" ? t <= bound : op === ">" ? t > bound : t < bound;
    };
  }
  const [from = "", to] = range.split("..");
  const start = from === "*" ? -Infinity : time(from);
  const end = to === undefined ? start + 86_400_000 - 1 : to === "*" ? Infinity : time(to);
  return (iso) => {
    const t = Date.parse(iso);
    return t >= start && t <= end;
  };
}

function listRuns(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  return pageOf(req, "workflow_runs", filterRuns(req, repo.runs.values()), (run) => runShape(sim, repo, run));
}

function listWorkflowRuns(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const workflow = workflowFor(req, repo);
  const runs = [...repo.runs.values()].filter((run) => run.workflow_id === workflow.id);
  return pageOf(req, "workflow_runs", filterRuns(req, runs), (run) => runShape(sim, repo, run));
}

function getRun(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  return ok(runShape(sim, repo, runFor(req, repo)));
}

function cancel(req: SimRequest, sim: SimContext, force: boolean): SimResponse {
  const repo = repoFor(req, sim, "write");
  cancelRun(sim, runFor(req, repo), { force });
  return ok({}, 202);
}

function rerun(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  rerunRun(sim, repo, runFor(req, repo), req.principal);
  return ok({}, 201);
}

function listJobs(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const run = runFor(req, repo);
  const filter = req.query.get("filter") ?? "latest";
  if (filter !== "latest" && filter !== "all")
    throw validationFailed(`Invalid filter: ${filter} (latest or all)`);
  const jobs = run.jobs
    .map((id) => repo.jobs.get(id))
    .filter((job) => job !== undefined && (filter === "all" || job.run_attempt === run.run_attempt))
    .map((job) => job as NonNullable<typeof job>);
  return pageOf(req, "jobs", jobs, (job) => jobShape(sim, repo, run, job));
}

function getJob(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const job = repo.jobs.get(Number(req.params.job_id));
  const run = job ? repo.runs.get(job.run_id) : undefined;
  if (!job || !run) throw new HttpError(404, "Not Found");
  return ok(jobShape(sim, repo, run, job));
}
