// Check runs, check suites and commit statuses: the records, their REST/webhook shapes, and the
// rules that read them (suite conclusions, combined status, required checks). The checks and
// statuses routes, CI and the pulls routes all go through here so events and rules agree.
import type { Principal } from "./auth.ts";
import type { SimContext } from "./context.ts";
import { listRefs, readCommit } from "./git.ts";
import { isoNow } from "./http.ts";
import { repoShape, userByLogin } from "./shapes.ts";
import type { SimCheckRun, SimCheckSuite, SimRepo, SimState, SimStatus } from "./state.ts";

export type CheckConclusion = NonNullable<SimCheckRun["conclusion"]>;

/** The app a principal acts as: `gastown[bot]` is the `gastown` app. Users act as no app. */
export function appSlugOf(principal: Principal): string | undefined {
  const token = principal.token;
  if (!token || token.kind === "user") return undefined;
  return token.login.replace(/\[bot\]$/, "");
}

/** The principal CI acts as: GitHub Actions' bot, with no token (its events start no workflows). */
export const ACTIONS_PRINCIPAL: Principal = { token: undefined, login: "github-actions[bot]" };

/** A stable id for an app: the id of its bot account. */
export function appId(state: SimState, slug: string): number {
  return state.user(`${slug}[bot]`).id;
}

export function appShape(state: SimState, baseUrl: string, slug: string): Record<string, unknown> {
  const id = appId(state, slug);
  return {
    id,
    slug,
    node_id: `A_${id}`,
    owner: userByLogin(state, baseUrl, slug === "github-actions" ? "github" : slug),
    name: slug === "github-actions" ? "GitHub Actions" : slug,
    description: "",
    external_url: `${baseUrl}/apps/${slug}`,
    html_url: `${baseUrl}/apps/${slug}`,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    permissions: { checks: "write", contents: "write", issues: "write", metadata: "read", statuses: "write" },
    events: [],
  };
}

const repoApi = (baseUrl: string, repo: SimRepo): string => `${baseUrl}/repos/${repo.owner}/${repo.name}`;

/** Open PRs of the repo whose head is this commit, in the minimal shape check runs carry. */
function pullsForSha(baseUrl: string, repo: SimRepo, sha: string): Record<string, unknown>[] {
  const repoRef = { id: repo.id, url: repoApi(baseUrl, repo), name: repo.name };
  const result: Record<string, unknown>[] = [];
  for (const pull of repo.pulls.values()) {
    const issue = repo.issues.get(pull.number);
    if (pull.head_sha !== sha || issue?.state !== "open") continue;
    result.push({
      url: `${repoApi(baseUrl, repo)}/pulls/${pull.number}`,
      id: pull.id,
      number: pull.number,
      head: { ref: pull.head_ref, sha: pull.head_sha, repo: repoRef },
      base: { ref: pull.base_ref, sha: pull.base_sha, repo: repoRef },
    });
  }
  return result;
}

function suiteSummary(sim: SimContext, repo: SimRepo, suite: SimCheckSuite): Record<string, unknown> {
  return {
    id: suite.id,
    node_id: `CS_${suite.id}`,
    head_branch: suite.head_branch,
    head_sha: suite.head_sha,
    status: suite.status,
    conclusion: suite.conclusion,
    url: `${repoApi(sim.baseUrl, repo)}/check-suites/${suite.id}`,
    before: null,
    after: suite.head_sha,
    pull_requests: pullsForSha(sim.baseUrl, repo, suite.head_sha),
    app: appShape(sim.state, sim.baseUrl, suite.app),
    created_at: suite.created_at,
    updated_at: suite.updated_at,
  };
}

export function checkRunShape(sim: SimContext, repo: SimRepo, run: SimCheckRun): Record<string, unknown> {
  const api = repoApi(sim.baseUrl, repo);
  return {
    id: run.id,
    head_sha: run.head_sha,
    node_id: `CR_${run.id}`,
    external_id: run.external_id ?? "",
    url: `${api}/check-runs/${run.id}`,
    html_url: `${sim.baseUrl}/${repo.owner}/${repo.name}/runs/${run.id}`,
    details_url: run.details_url ?? `${sim.baseUrl}/${repo.owner}/${repo.name}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: 0,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.check_suite_id },
    app: appShape(sim.state, sim.baseUrl, run.app),
    pull_requests: pullsForSha(sim.baseUrl, repo, run.head_sha),
  };
}

/** The run as `check_run` events carry it: the REST shape with its whole suite inlined. */
export function checkRunEventShape(
  sim: SimContext,
  repo: SimRepo,
  run: SimCheckRun,
): Record<string, unknown> {
  const suite = repo.checkSuites.get(run.check_suite_id);
  const shape = checkRunShape(sim, repo, run);
  return suite ? { ...shape, check_suite: suiteSummary(sim, repo, suite) } : shape;
}

export async function checkSuiteShape(
  sim: SimContext,
  repo: SimRepo,
  suite: SimCheckSuite,
): Promise<Record<string, unknown>> {
  const commit = await readCommit(repo.gitDir, suite.head_sha);
  const runs = [...repo.checkRuns.values()].filter((r) => r.check_suite_id === suite.id);
  return {
    ...suiteSummary(sim, repo, suite),
    repository: repoShape(sim.state, sim.baseUrl, repo),
    head_commit: {
      id: suite.head_sha,
      tree_id: commit?.tree ?? "",
      message: commit?.message.trimEnd() ?? "",
      timestamp: commit?.committer.date ?? suite.created_at,
      author: { name: commit?.author.name ?? "", email: commit?.author.email ?? "" },
      committer: { name: commit?.committer.name ?? "", email: commit?.committer.email ?? "" },
    },
    latest_check_runs_count: latestRuns(runs).length,
    check_runs_url: `${repoApi(sim.baseUrl, repo)}/check-suites/${suite.id}/check-runs`,
    rerequestable: true,
    runs_rerequestable: true,
  };
}

/** The newest run per (app, name): what GitHub's `filter=latest` lists and what rules read. */
export function latestRuns(runs: readonly SimCheckRun[]): SimCheckRun[] {
  const latest = new Map<string, SimCheckRun>();
  for (const run of runs) {
    const key = `${run.app}\u0000${run.name}`;
    const seen = latest.get(key);
    if (!seen || run.id > seen.id) latest.set(key, run);
  }
  return [...latest.values()].sort((a, b) => b.id - a.id);
}

// Worst first: a suite concludes with the worst conclusion among its runs.
const SEVERITY: CheckConclusion[] = [
  "action_required",
  "failure",
  "timed_out",
  "cancelled",
  "stale",
  "success",
  "neutral",
  "skipped",
];

/** A suite's status and conclusion from its latest runs (`null` conclusion until all complete). */
export function aggregateSuite(runs: readonly SimCheckRun[]): Pick<SimCheckSuite, "status" | "conclusion"> {
  const latest = latestRuns(runs);
  if (latest.length === 0) return { status: "queued", conclusion: null };
  if (latest.some((r) => r.status !== "completed")) {
    return {
      status: latest.some((r) => r.status === "in_progress") ? "in_progress" : "queued",
      conclusion: null,
    };
  }
  const conclusions = latest.map((r) => r.conclusion ?? "neutral");
  if (conclusions.every((c) => c === "skipped")) return { status: "completed", conclusion: "skipped" };
  if (conclusions.every((c) => c === "neutral" || c === "skipped")) {
    return { status: "completed", conclusion: "neutral" };
  }
  const worst = SEVERITY.find((s) => conclusions.includes(s)) ?? "success";
  return { status: "completed", conclusion: worst };
}

/** The name of a branch whose tip is `sha`, if any (a suite's `head_branch`). */
async function branchAt(repo: SimRepo, sha: string): Promise<string | null> {
  const pull = [...repo.pulls.values()].find((p) => p.head_sha === sha);
  if (pull) return pull.head_ref;
  const heads = await listRefs(repo.gitDir, "refs/heads/");
  const hit = heads.find((h) => h.sha === sha);
  return hit ? hit.ref.slice("refs/heads/".length) : null;
}

/** The suite of an app for a commit, created on first use as GitHub does. */
export async function ensureSuite(
  repo: SimRepo,
  state: SimState,
  app: string,
  sha: string,
): Promise<SimCheckSuite> {
  for (const suite of repo.checkSuites.values()) {
    if (suite.app === app && suite.head_sha === sha) return suite;
  }
  const now = isoNow();
  const suite: SimCheckSuite = {
    id: state.nextId(),
    head_sha: sha,
    head_branch: await branchAt(repo, sha),
    app,
    status: "queued",
    conclusion: null,
    created_at: now,
    updated_at: now,
  };
  // Another request may have created it while we looked up the branch.
  for (const existing of repo.checkSuites.values()) {
    if (existing.app === app && existing.head_sha === sha) return existing;
  }
  repo.checkSuites.set(suite.id, suite);
  return suite;
}

export interface CheckRunInput {
  name?: string;
  status?: SimCheckRun["status"];
  conclusion?: CheckConclusion | null;
  started_at?: string;
  completed_at?: string | null;
  details_url?: string | null;
  external_id?: string | null;
  output?: Partial<SimCheckRun["output"]>;
}

/** Applies fields to a run: a conclusion completes it, as on GitHub. */
function applyInput(run: SimCheckRun, input: CheckRunInput): void {
  if (input.name !== undefined) run.name = input.name;
  if (input.details_url !== undefined) run.details_url = input.details_url;
  if (input.external_id !== undefined) run.external_id = input.external_id;
  if (input.started_at !== undefined) run.started_at = input.started_at;
  if (input.output) run.output = { ...run.output, ...input.output };
  if (input.status !== undefined) run.status = input.status;
  if (input.conclusion !== undefined && input.conclusion !== null) {
    run.conclusion = input.conclusion;
    run.status = "completed";
  }
  if (run.status === "completed") run.completed_at = input.completed_at ?? run.completed_at ?? isoNow();
  else {
    run.conclusion = null;
    run.completed_at = null;
  }
}

/** Re-reads a suite's runs; emits `check_suite.completed` when it has just completed. */
function refreshSuite(sim: SimContext, repo: SimRepo, suiteId: number, principal: Principal): void {
  const suite = repo.checkSuites.get(suiteId);
  if (!suite) return;
  const before = `${suite.status}/${suite.conclusion}`;
  const runs = [...repo.checkRuns.values()].filter((r) => r.check_suite_id === suiteId);
  Object.assign(suite, aggregateSuite(runs));
  if (`${suite.status}/${suite.conclusion}` === before) return;
  suite.updated_at = isoNow();
  if (suite.status !== "completed") return;
  sim.track(
    checkSuiteShape(sim, repo, suite).then(({ repository: _repository, ...shape }) =>
      // The event carries the repository once, at the top level.
      sim.emit(repo, "check_suite", { action: "completed", check_suite: shape }, { principal }),
    ),
  );
}

/** Creates a check run (and its suite on demand); emits `check_run.created` (and `completed`). */
export async function createCheckRun(args: {
  sim: SimContext;
  repo: SimRepo;
  app: string;
  headSha: string;
  name: string;
  input: CheckRunInput;
  principal: Principal;
}): Promise<SimCheckRun> {
  const { sim, repo, principal } = args;
  const suite = await ensureSuite(repo, sim.state, args.app, args.headSha);
  const run: SimCheckRun = {
    id: sim.state.nextId(),
    head_sha: args.headSha,
    name: args.name,
    status: "queued",
    conclusion: null,
    external_id: null,
    details_url: null,
    output: { title: null, summary: null, text: null },
    started_at: isoNow(),
    completed_at: null,
    app: args.app,
    check_suite_id: suite.id,
  };
  applyInput(run, args.input);
  repo.checkRuns.set(run.id, run);
  // The suite reflects the run before the run's events go out (its suite event follows them).
  refreshSuite(sim, repo, suite.id, principal);
  sim.emit(
    repo,
    "check_run",
    { action: "created", check_run: checkRunEventShape(sim, repo, run) },
    { principal },
  );
  if (run.status === "completed") {
    sim.emit(
      repo,
      "check_run",
      { action: "completed", check_run: checkRunEventShape(sim, repo, run) },
      { principal },
    );
  }
  return run;
}

/** Updates a check run; emits `check_run.completed` when this update completes it. */
export function updateCheckRun(args: {
  sim: SimContext;
  repo: SimRepo;
  run: SimCheckRun;
  input: CheckRunInput;
  principal: Principal;
}): SimCheckRun {
  const { sim, repo, run, principal } = args;
  const wasCompleted = run.status === "completed";
  applyInput(run, args.input);
  refreshSuite(sim, repo, run.check_suite_id, principal);
  if (run.status === "completed" && !wasCompleted) {
    sim.emit(
      repo,
      "check_run",
      { action: "completed", check_run: checkRunEventShape(sim, repo, run) },
      { principal },
    );
  }
  return run;
}

// ---- Commit statuses ------------------------------------------------------------------------

export type CombinedState = "failure" | "pending" | "success";

/** The newest status per context for a commit, newest first. */
export function latestStatuses(repo: SimRepo, sha: string): SimStatus[] {
  const latest = new Map<string, SimStatus>();
  for (const status of repo.statuses) {
    if (status.sha !== sha) continue;
    const seen = latest.get(status.context);
    if (!seen || status.id > seen.id) latest.set(status.context, status);
  }
  return [...latest.values()].sort((a, b) => b.id - a.id);
}

/** GitHub's combined state: failure (or error) beats pending beats success; none is pending. */
export function combinedState(statuses: readonly SimStatus[]): CombinedState {
  if (statuses.some((s) => s.state === "failure" || s.state === "error")) return "failure";
  if (statuses.length === 0 || statuses.some((s) => s.state === "pending")) return "pending";
  return "success";
}

// ---- Required checks --------------------------------------------------------------------------

export type ContextVerdict = "passed" | "failed" | "pending" | "missing";

/** Where each context stands on a commit, from check runs (any app) and commit statuses. */
export function contextVerdicts(
  repo: SimRepo,
  sha: string,
  contexts: readonly string[],
): Map<string, ContextVerdict> {
  const runs = latestRuns([...repo.checkRuns.values()].filter((r) => r.head_sha === sha));
  const statuses = latestStatuses(repo, sha);
  const verdicts = new Map<string, ContextVerdict>();
  for (const context of contexts) {
    const run = runs.find((r) => r.name === context);
    const status = statuses.find((s) => s.context === context);
    let verdict: ContextVerdict = "missing";
    if (run) {
      if (run.status !== "completed") verdict = "pending";
      else verdict = ["success", "neutral", "skipped"].includes(run.conclusion ?? "") ? "passed" : "failed";
    }
    // A passing status for the same context satisfies it too, as GitHub treats both as checks.
    if (status && verdict !== "passed") {
      if (status.state === "success") verdict = "passed";
      else if (status.state === "pending") verdict = verdict === "missing" ? "pending" : verdict;
      else verdict = "failed";
    }
    verdicts.set(context, verdict);
  }
  return verdicts;
}

/** Whether any check run or status on the commit (required or not) failed or is still running. */
export function anyCheckUnsettled(repo: SimRepo, sha: string): boolean {
  const runs = latestRuns([...repo.checkRuns.values()].filter((r) => r.head_sha === sha));
  if (
    runs.some(
      (r) => r.status !== "completed" || !["success", "neutral", "skipped"].includes(r.conclusion ?? ""),
    )
  ) {
    return true;
  }
  const statuses = latestStatuses(repo, sha);
  return statuses.length > 0 && combinedState(statuses) !== "success";
}
