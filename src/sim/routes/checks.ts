// Check runs and check suites: apps create and update runs on commits (a suite per app and
// commit appears on demand); anyone with read lists them by ref. Re-requesting a CI run runs CI
// on that commit again.
import type { Principal } from "../auth.ts";
import {
  appId,
  appSlugOf,
  type CheckConclusion,
  type CheckRunInput,
  checkRunEventShape,
  checkRunShape,
  checkSuiteShape,
  createCheckRun,
  latestRuns,
  updateCheckRun,
} from "../checks-core.ts";
import { CI_APP, startCi } from "../ci.ts";
import type { SimContext } from "../context.ts";
import { resolveCommit } from "../git.ts";
import { repoFor, resolveCommitish } from "../git-rest.ts";
import { bodyObject, HttpError, notFound, ok, paginate, type SimRequest, type SimResponse } from "../http.ts";
import type { Router } from "../router.ts";
import type { SimCheckRun, SimRepo } from "../state.ts";

export function register(router: Router): void {
  router.post("/repos/{owner}/{repo}/check-runs", createRun);
  router.get("/repos/{owner}/{repo}/check-runs/{check_run_id}", getRun);
  router.patch("/repos/{owner}/{repo}/check-runs/{check_run_id}", updateRun);
  router.post("/repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest", rerequestRun);
  router.get("/repos/{owner}/{repo}/commits/{ref}/check-runs", listRunsForRef);
  router.get("/repos/{owner}/{repo}/commits/{ref}/check-suites", listSuitesForRef);
  router.get("/repos/{owner}/{repo}/check-suites/{check_suite_id}", getSuite);
  router.get("/repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs", listRunsForSuite);
}

const STATUSES: readonly SimCheckRun["status"][] = [
  "queued",
  "in_progress",
  "completed",
  "waiting",
  "requested",
  "pending",
];
const CONCLUSIONS: readonly CheckConclusion[] = [
  "success",
  "failure",
  "neutral",
  "cancelled",
  "skipped",
  "timed_out",
  "action_required",
];

const invalid = (field: string, value: unknown): HttpError =>
  new HttpError(422, "Invalid request.", [
    {
      resource: "CheckRun",
      field,
      code: "invalid",
      message: `${JSON.stringify(value)} is not a valid ${field}.`,
    },
  ]);

/** Check runs are written by apps; people's tokens are refused, as on GitHub. */
function requireApp(principal: Principal): string {
  const app = appSlugOf(principal);
  if (!app) throw new HttpError(403, "You must authenticate via a GitHub App.");
  return app;
}

/** Reads the writable fields of a create or update body. */
function parseInput(body: Record<string, unknown>): CheckRunInput {
  const input: CheckRunInput = {};
  const text = (field: string): string | undefined => {
    const value = body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw invalid(field, value);
    return value;
  };
  const name = text("name");
  if (name !== undefined) input.name = name;
  const status = text("status");
  if (status !== undefined) {
    if (!STATUSES.includes(status as SimCheckRun["status"])) throw invalid("status", status);
    input.status = status as SimCheckRun["status"];
  }
  const conclusion = text("conclusion");
  if (conclusion !== undefined) {
    if (!CONCLUSIONS.includes(conclusion as CheckConclusion)) throw invalid("conclusion", conclusion);
    input.conclusion = conclusion as CheckConclusion;
  }
  if (input.status === "completed" && input.conclusion === undefined) {
    throw new HttpError(422, "Invalid request.", [
      {
        resource: "CheckRun",
        field: "conclusion",
        code: "missing_field",
        message: "conclusion is required when status is completed.",
      },
    ]);
  }
  const startedAt = text("started_at");
  if (startedAt !== undefined) input.started_at = startedAt;
  const completedAt = text("completed_at");
  if (completedAt !== undefined) input.completed_at = completedAt;
  const detailsUrl = text("details_url");
  if (detailsUrl !== undefined) input.details_url = detailsUrl;
  const externalId = text("external_id");
  if (externalId !== undefined) input.external_id = externalId;
  const output = body.output;
  if (output !== undefined && output !== null) {
    if (typeof output !== "object" || Array.isArray(output)) throw invalid("output", output);
    const fields = output as Record<string, unknown>;
    const part = (key: "title" | "summary" | "text"): void => {
      const value = fields[key];
      if (value === undefined) return;
      if (value !== null && typeof value !== "string") throw invalid(`output.${key}`, value);
      input.output = { ...input.output, [key]: value };
    };
    part("title");
    part("summary");
    part("text");
  }
  return input;
}

async function createRun(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const app = requireApp(req.principal);
  const body = bodyObject(req);
  if (typeof body.name !== "string" || body.name === "") {
    throw new HttpError(422, 'Invalid request.\n\n"name" wasn\'t supplied.');
  }
  if (typeof body.head_sha !== "string" || body.head_sha === "") {
    throw new HttpError(422, 'Invalid request.\n\n"head_sha" wasn\'t supplied.');
  }
  const headSha = /^[0-9a-f]{40}$/i.test(body.head_sha)
    ? await resolveCommit(repo.gitDir, body.head_sha)
    : undefined;
  if (!headSha) throw new HttpError(422, `No commit found for SHA: ${body.head_sha}`);
  const run = await createCheckRun({
    sim,
    repo,
    app,
    headSha,
    name: body.name,
    input: parseInput(body),
    principal: req.principal,
  });
  return ok(checkRunShape(sim, repo, run), 201);
}

function findRun(repo: SimRepo, param: string | undefined): SimCheckRun {
  const run = repo.checkRuns.get(Number(param));
  if (!run) throw notFound();
  return run;
}

function getRun(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  return ok(checkRunShape(sim, repo, findRun(repo, req.params.check_run_id)));
}

function updateRun(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const app = requireApp(req.principal);
  const run = findRun(repo, req.params.check_run_id);
  if (run.app !== app)
    throw new HttpError(403, "Only the GitHub App that created a check run can update it.");
  updateCheckRun({ sim, repo, run, input: parseInput(bodyObject(req)), principal: req.principal });
  return ok(checkRunShape(sim, repo, run));
}

/**
 * Asks the run's app to run it again: CI's own runs re-run the command on the commit; other
 * apps get a `check_run.rerequested` event to act on.
 */
function rerequestRun(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const run = findRun(repo, req.params.check_run_id);
  if (run.status !== "completed")
    throw new HttpError(422, "This check run is not rerequestable: it has not completed.");
  if (run.app === CI_APP && repo.ci && run.name === repo.ci.name) {
    const suite = repo.checkSuites.get(run.check_suite_id);
    const ref = suite?.head_branch ? `refs/heads/${suite.head_branch}` : run.head_sha;
    startCi(sim, repo, { sha: run.head_sha, ref, event: "push", rerun: true });
  } else {
    sim.emit(
      repo,
      "check_run",
      { action: "rerequested", check_run: checkRunEventShape(sim, repo, run) },
      { principal: req.principal },
    );
  }
  return ok({}, 201);
}

/** The commit a `{ref}` path parameter names, or GitHub's 422. */
async function commitForRef(repo: SimRepo, ref: string): Promise<string> {
  const sha = await resolveCommitish(repo, ref);
  if (!sha) throw new HttpError(422, `No commit found for SHA: ${ref}`);
  return sha;
}

/** Paginates a `{ total_count, <key> }` list, GitHub's envelope for check runs and suites. */
function paginateEnvelope<T>(
  req: SimRequest,
  key: string,
  items: readonly T[],
  map: (item: T) => unknown,
): SimResponse {
  const page = paginate(req, items, map);
  return { ...page, body: { total_count: items.length, [key]: page.body } };
}

function filterRuns(req: SimRequest, sim: SimContext, runs: SimCheckRun[]): SimCheckRun[] {
  const name = req.query.get("check_name");
  const status = req.query.get("status");
  const app = req.query.get("app_id");
  let picked = req.query.get("filter") === "all" ? [...runs].sort((a, b) => b.id - a.id) : latestRuns(runs);
  if (name) picked = picked.filter((r) => r.name === name);
  if (status) picked = picked.filter((r) => r.status === status);
  if (app) picked = picked.filter((r) => String(appId(sim.state, r.app)) === app);
  return picked;
}

async function listRunsForRef(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const sha = await commitForRef(repo, req.params.ref ?? "");
  const runs = filterRuns(
    req,
    sim,
    [...repo.checkRuns.values()].filter((r) => r.head_sha === sha),
  );
  return paginateEnvelope(req, "check_runs", runs, (run) => checkRunShape(sim, repo, run));
}

async function listSuitesForRef(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const sha = await commitForRef(repo, req.params.ref ?? "");
  const name = req.query.get("check_name");
  const app = req.query.get("app_id");
  const suites = [...repo.checkSuites.values()]
    .filter((s) => s.head_sha === sha)
    .filter((s) => !app || String(appId(sim.state, s.app)) === app)
    .filter(
      (s) => !name || [...repo.checkRuns.values()].some((r) => r.check_suite_id === s.id && r.name === name),
    )
    .sort((a, b) => a.id - b.id);
  const page = paginate(req, suites);
  const shapes = await Promise.all(
    (page.body as typeof suites).map((suite) => checkSuiteShape(sim, repo, suite)),
  );
  return { ...page, body: { total_count: suites.length, check_suites: shapes } };
}

async function getSuite(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const suite = repo.checkSuites.get(Number(req.params.check_suite_id));
  if (!suite) throw notFound();
  return ok(await checkSuiteShape(sim, repo, suite));
}

function listRunsForSuite(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const suiteId = Number(req.params.check_suite_id);
  if (!repo.checkSuites.has(suiteId)) throw notFound();
  const runs = filterRuns(
    req,
    sim,
    [...repo.checkRuns.values()].filter((r) => r.check_suite_id === suiteId),
  );
  return paginateEnvelope(req, "check_runs", runs, (run) => checkRunShape(sim, repo, run));
}
