// The checks gateway, as the refinery needs it: the verdicts on one exact commit (check runs and
// commit statuses, reduced to pass / fail / pending), which checks a branch requires (branch
// protection, then rulesets), and the refinery's own check run on a pull request's head.
import type { CheckReport, CheckState } from "../model/merge-queue/checks.ts";
import { type CheckRunView, REFINERY_CHECK_NAME } from "../model/merge-queue/status.ts";
import { type CheckRunSummary, listCheckRunsNamed } from "./check-runs.ts";
import { callGitHub, httpStatus, toGastownError } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

/** A check verdict, with the check run's id when it came from one (to re-request it). */
export interface CheckVerdict extends CheckReport {
  checkRunId: number | null;
}

const PASSING = new Set(["success", "neutral", "skipped"]);

function checkRunState(status: string | null, conclusion: string | null): CheckState {
  if (status !== "completed") return "pending";
  return PASSING.has(conclusion ?? "") ? "success" : "failure";
}

function statusState(state: string): CheckState {
  if (state === "success") return "success";
  if (state === "failure" || state === "error") return "failure";
  return "pending";
}

/**
 * Every verdict on `sha`: check runs (latest per name) and commit statuses (latest per context).
 * The refinery's own check run is left out: it reports on the queue, not on the code.
 */
export async function listCheckVerdicts(gh: GitHubContext, sha: string): Promise<CheckVerdict[]> {
  const { octokit, repo } = gh;
  const action = `read the checks on ${sha.slice(0, 7)} in ${formatRepoRef(repo)}`;
  const [runs, combined] = await Promise.all([
    callGitHub({ action }, () =>
      octokit.paginate(octokit.rest.checks.listForRef, {
        ...repo,
        ref: sha,
        filter: "latest",
        per_page: 100,
      }),
    ),
    callGitHub({ action }, () =>
      octokit.rest.repos.getCombinedStatusForRef({ ...repo, ref: sha, per_page: 100 }),
    ),
  ]);
  const verdicts: CheckVerdict[] = [];
  // Newest first: the first run of a name is the one that counts.
  const seen = new Set<string>();
  const ordered = [...runs].sort(
    (a, b) => Date.parse(b.started_at ?? "") - Date.parse(a.started_at ?? "") || b.id - a.id,
  );
  for (const run of ordered) {
    if (run.name === REFINERY_CHECK_NAME || seen.has(run.name)) continue;
    seen.add(run.name);
    verdicts.push({
      name: run.name,
      sha,
      state: checkRunState(run.status, run.conclusion),
      checkRunId: run.id,
    });
  }
  for (const status of combined.data.statuses) {
    if (status.context === REFINERY_CHECK_NAME || seen.has(status.context)) continue;
    seen.add(status.context);
    verdicts.push({ name: status.context, sha, state: statusState(status.state), checkRunId: null });
  }
  return verdicts;
}

/** Where a branch's required checks were found. */
export type RequiredChecks =
  | { source: "protection" | "rulesets"; checks: string[] }
  | { source: "none"; checks: [] };

/**
 * The checks `branch` requires: its branch protection's status checks, else the required status
 * checks of the rulesets that apply to it; none when neither requires any (or the token may not
 * read them: protection needs admin, and GitHub answers 403 or 404 to others).
 */
export async function readRequiredChecks(gh: GitHubContext, branch: string): Promise<RequiredChecks> {
  const { octokit, repo } = gh;
  try {
    const { data } = await octokit.rest.repos.getBranchProtection({ ...repo, branch });
    const checks = data.required_status_checks;
    const names = [...(checks?.contexts ?? []), ...(checks?.checks ?? []).map((c) => c.context)];
    if (names.length > 0) return { source: "protection", checks: [...new Set(names)] };
  } catch (error: unknown) {
    const status = httpStatus(error);
    if (status !== 404 && status !== 403)
      throw toGastownError(error, { action: `read the protection of ${branch}` });
  }
  try {
    const rules = await octokit.paginate(octokit.rest.repos.getBranchRules, {
      ...repo,
      branch,
      per_page: 100,
    });
    const names: string[] = [];
    for (const rule of rules) {
      if (rule.type !== "required_status_checks") continue;
      const parameters = (rule as { parameters?: { required_status_checks?: Array<{ context: string }> } })
        .parameters;
      for (const check of parameters?.required_status_checks ?? []) names.push(check.context);
    }
    if (names.length > 0) return { source: "rulesets", checks: [...new Set(names)] };
  } catch (error: unknown) {
    const status = httpStatus(error);
    if (status !== 404 && status !== 403)
      throw toGastownError(error, { action: `read the rulesets of ${branch}` });
  }
  return { source: "none", checks: [] };
}

/** Asks GitHub to run a check again (a flaky failure); false when it will not (not ours to re-run). */
export async function rerequestCheckRun(gh: GitHubContext, checkRunId: number): Promise<boolean> {
  const { octokit, repo } = gh;
  try {
    await octokit.rest.checks.rerequestRun({ ...repo, check_run_id: checkRunId });
    return true;
  } catch (error: unknown) {
    const status = httpStatus(error);
    if (status === 403 || status === 404 || status === 422) return false;
    throw toGastownError(error, { action: `re-run check run ${checkRunId} in ${formatRepoRef(repo)}` });
  }
}

/** The refinery's latest check run on a commit, or null when there is none. */
export async function findRefineryCheckRun(gh: GitHubContext, sha: string): Promise<CheckRunSummary | null> {
  return (await listCheckRunsNamed(gh, { sha, name: REFINERY_CHECK_NAME }))[0] ?? null;
}

/** Creates the refinery's check run on `sha`, or updates the one with `id`; returns its id. */
export async function publishRefineryCheckRun(
  gh: GitHubContext,
  params: { sha: string; view: CheckRunView; id: number | null; detailsUrl?: string },
): Promise<number> {
  const { octokit, repo } = gh;
  const { view } = params;
  const body = {
    ...repo,
    status: view.status,
    ...(view.conclusion === undefined ? {} : { conclusion: view.conclusion }),
    ...(view.status === "completed" ? { completed_at: new Date().toISOString() } : {}),
    output: { title: view.title, summary: view.summary },
    ...(params.detailsUrl === undefined ? {} : { details_url: params.detailsUrl }),
  };
  const action = `publish the refinery's check on ${params.sha.slice(0, 7)} in ${formatRepoRef(repo)}`;
  if (params.id !== null) {
    const id = params.id;
    const { data } = await callGitHub({ action }, () =>
      octokit.rest.checks.update({ ...body, check_run_id: id }),
    );
    return data.id;
  }
  const { data } = await callGitHub({ action }, () =>
    octokit.rest.checks.create({ ...body, name: view.name, head_sha: params.sha }),
  );
  return data.id;
}
