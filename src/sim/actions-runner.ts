// Workflow runs on the loopback GitHub: each run's one job executes as a process with the
// runner's environment in a fresh checkout (runner-process.ts). A run moves queued →
// in_progress → completed and emits `workflow_run` and `workflow_job` as GitHub does; it can be
// cancelled (SIGINT, then SIGTERM, then SIGKILL, as the runner does), killed outright (a crashed
// runner: the job fails), time out, and be re-run as a new attempt. Runs are tracked, so
// `sim.idle()` waits for them. Which runs start is actions-triggers.ts's work.
import type { Principal } from "./auth.ts";
import type { SimContext } from "./context.ts";
import { readCommit } from "./git.ts";
import { HttpError, isoNow } from "./http.ts";
import {
  JobLog,
  prepareWorkspace,
  type RunnerWorkspace,
  readStepFiles,
  removeWorkspace,
  runnerEnv,
  type StepProcess,
  spawnStep,
} from "./runner-process.ts";
import { jobShape, RUNNER, runShape, stepName, workflowShape } from "./shapes-actions.ts";
import type { SimHeadCommit, SimJob, SimRepo, SimState, SimWorkflow, SimWorkflowRun } from "./state.ts";

export type RunConclusion = NonNullable<SimWorkflowRun["conclusion"]>;

const DEFAULT_TIMEOUT_MINUTES = 360;
const MAX_TIMER_MS = 2 ** 31 - 1;
// The runner's cancellation: SIGINT, then SIGTERM, then SIGKILL (GitHub waits 7.5 s and 2.5 s;
// shorter here so tests of cancellation stay quick).
const CANCEL_GRACE_MS = 1500;

type StopReason = "cancelled" | "killed" | "timed_out";

/** The live side of a run: its process, and why it is being stopped. */
interface RunHandle {
  stopReason?: StopReason;
  child?: StepProcess;
  /** The attempt's log while it runs. */
  log?: JobLog;
  timers: NodeJS.Timeout[];
  done: Promise<void>;
}

const handles = new WeakMap<SimState, Map<number, RunHandle>>();

function liveRuns(state: SimState): Map<number, RunHandle> {
  let map = handles.get(state);
  if (!map) {
    map = new Map();
    handles.set(state, map);
  }
  return map;
}

/** A run by id in any repo. */
export function findRun(state: SimState, runId: number): { repo: SimRepo; run: SimWorkflowRun } | undefined {
  for (const repo of state.repos.values()) {
    const run = repo.runs.get(runId);
    if (run) return { repo, run };
  }
  return undefined;
}

// ---- Starting runs ----------------------------------------------------------------------------

async function headCommit(repo: SimRepo, sha: string): Promise<SimHeadCommit | null> {
  const commit = await readCommit(repo.gitDir, sha);
  if (!commit) return null;
  return {
    id: commit.sha,
    tree_id: commit.tree,
    message: commit.message.trimEnd(),
    timestamp: commit.committer.date ? `${commit.committer.date.slice(0, 19)}Z` : isoNow(),
    author: { name: commit.author.name, email: commit.author.email },
    committer: { name: commit.committer.name, email: commit.committer.email },
  };
}

export interface StartRun {
  sim: SimContext;
  repo: SimRepo;
  workflow: SimWorkflow;
  event: string;
  ref: string;
  sha: string;
  actor: string;
  inputs: Record<string, string>;
  eventPayload: Record<string, unknown>;
  principal?: Principal;
}

/** Creates the run (queued) and its job, emits `requested`/`queued`, and runs it in the background. */
export async function startRun(args: StartRun): Promise<SimWorkflowRun> {
  const { sim, repo, workflow } = args;
  const commit = await headCommit(repo, args.sha);
  const now = isoNow();
  const runNumber =
    1 +
    Math.max(
      0,
      ...[...repo.runs.values()].filter((r) => r.workflow_id === workflow.id).map((r) => r.run_number),
    );
  const run: SimWorkflowRun = {
    id: sim.state.nextId(),
    workflow_id: workflow.id,
    name: workflow.name,
    event: args.event,
    head_branch: args.ref
      .replace(/^refs\/(heads|tags)\//, "")
      .replace(/^refs\/pull\/(\d+)\/merge$/, "pull/$1"),
    head_sha: args.sha,
    run_number: runNumber,
    run_attempt: 1,
    status: "queued",
    conclusion: null,
    actor: args.actor,
    inputs: { ...args.inputs },
    created_at: now,
    updated_at: now,
    run_started_at: now,
    jobs: [],
    ref: args.ref,
    triggering_actor: args.actor,
    check_suite_id: sim.state.nextId(),
    display_title:
      args.event === "push" && commit ? (commit.message.split("\n")[0] ?? workflow.name) : workflow.name,
    head_commit: commit,
    event_payload: JSON.stringify(args.eventPayload),
    outputs: {},
    summary: "",
    log: "",
  };
  repo.runs.set(run.id, run);
  beginAttempt(args.sim, repo, workflow, run, args.principal);
  return run;
}

/** Queues a fresh job for the run's current attempt and executes it in the background. */
function beginAttempt(
  sim: SimContext,
  repo: SimRepo,
  workflow: SimWorkflow,
  run: SimWorkflowRun,
  principal: Principal | undefined,
): void {
  const job: SimJob = {
    id: sim.state.nextId(),
    run_id: run.id,
    run_attempt: run.run_attempt,
    created_at: isoNow(),
    name: workflow.job,
    status: "queued",
    conclusion: null,
    started_at: null,
    completed_at: null,
  };
  repo.jobs.set(job.id, job);
  run.jobs.push(job.id);
  const live = liveRuns(sim.state);
  const handle: RunHandle = { timers: [], done: Promise.resolve() };
  live.set(run.id, handle);
  const emitter = events(sim, repo, workflow, run, principal);
  emitter.run("requested");
  emitter.job(job, "queued");
  handle.done = executeRun({ sim, repo, workflow, run, job, handle, emitter }).finally(() => {
    for (const timer of handle.timers) clearTimeout(timer);
    if (live.get(run.id) === handle) live.delete(run.id);
  });
  sim.track(handle.done);
}

function events(
  sim: SimContext,
  repo: SimRepo,
  workflow: SimWorkflow,
  run: SimWorkflowRun,
  principal: Principal | undefined,
) {
  const options = principal
    ? { principal }
    : { principal: { token: undefined, login: run.triggering_actor } };
  return {
    run(action: "requested" | "in_progress" | "completed"): void {
      sim.emit(
        repo,
        "workflow_run",
        {
          action,
          workflow: workflowShape(sim.baseUrl, repo, workflow),
          workflow_run: runShape(sim, repo, run),
        },
        options,
      );
    },
    job(job: SimJob, action: "queued" | "in_progress" | "completed"): void {
      sim.emit(repo, "workflow_job", { action, workflow_job: jobShape(sim, repo, run, job) }, options);
    },
  };
}

type Emitter = ReturnType<typeof events>;

// ---- Executing -----------------------------------------------------------------------------------

interface Execution {
  sim: SimContext;
  repo: SimRepo;
  workflow: SimWorkflow;
  run: SimWorkflowRun;
  job: SimJob;
  handle: RunHandle;
  emitter: Emitter;
}

async function executeRun(exec: Execution): Promise<void> {
  const { sim, repo, workflow, run, job, handle, emitter } = exec;
  run.outputs = {};
  run.summary = "";
  run.log = "";
  if (handle.stopReason) {
    finish(exec, conclusionOf(handle.stopReason, null), new JobLog([]));
    return;
  }
  const token = sim.state.issueToken({
    kind: "workflow",
    login: "github-actions[bot]",
    repos: [`${repo.owner}/${repo.name}`],
    permission: "write",
  });
  const log = new JobLog([token.token]);
  handle.log = log;
  let ws: RunnerWorkspace | undefined;
  let conclusion: RunConclusion = "failure";
  const now = isoNow();
  run.status = "in_progress";
  run.updated_at = now;
  job.status = "in_progress";
  job.started_at = now;
  emitter.run("in_progress");
  emitter.job(job, "in_progress");
  try {
    ws = await prepareWorkspace({ repo, run, baseUrl: sim.baseUrl, token: token.token });
    if (handle.stopReason) {
      conclusion = conclusionOf(handle.stopReason, null);
    } else {
      const env = runnerEnv({
        repo,
        workflow,
        run,
        ws,
        baseUrl: sim.baseUrl,
        token: token.token,
        actorId: sim.state.user(run.actor).id,
        ownerId: sim.state.user(repo.owner).id,
        inputs: Object.fromEntries(Object.entries(run.inputs).map(([k, v]) => [k, String(v)])),
      });
      log.line(`##[group]${stepName(workflow)}`);
      log.line("##[endgroup]");
      const child = spawnStep({ command: workflow.command, ws, env, log });
      handle.child = child;
      const minutes = workflow.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES;
      const timer = setTimeout(() => stopRun(handle, "timed_out"), Math.min(minutes * 60_000, MAX_TIMER_MS));
      timer.unref();
      handle.timers.push(timer);
      const result = await child;
      const files = await readStepFiles(ws);
      run.outputs = files.outputs;
      run.summary = files.summary;
      for (const error of files.errors) log.line(`##[error]${error}`);
      const exitCode = result.exitCode ?? null;
      if (exitCode === null && !result.isTerminated && !handle.stopReason) {
        // The command could not start (not found, not executable).
        log.line(`##[error]${result.shortMessage}`);
      }
      conclusion = conclusionOf(handle.stopReason, exitCode);
      if (conclusion === "success" && files.errors.length > 0) conclusion = "failure";
      noteEnd(log, handle.stopReason, exitCode, minutes);
    }
  } catch (error: unknown) {
    log.line(`##[error]${error instanceof Error ? error.message : String(error)}`);
    conclusion = handle.stopReason ? conclusionOf(handle.stopReason, null) : "failure";
  } finally {
    // The job token dies with the job, as GITHUB_TOKEN does.
    sim.state.tokens.delete(token.token);
    if (ws) await removeWorkspace(ws);
  }
  finish(exec, conclusion, log);
}

function conclusionOf(reason: StopReason | undefined, exitCode: number | null): RunConclusion {
  if (reason === "cancelled") return "cancelled";
  if (reason === "timed_out") return "timed_out";
  if (reason === "killed") return "failure";
  return exitCode === 0 ? "success" : "failure";
}

function noteEnd(
  log: JobLog,
  reason: StopReason | undefined,
  exitCode: number | null,
  minutes: number,
): void {
  if (reason === "cancelled") log.line("##[error]The operation was canceled.");
  else if (reason === "timed_out") {
    log.line(
      `##[error]The job running on runner ${RUNNER.name} has exceeded the maximum execution time of ${minutes} minutes.`,
    );
  } else if (reason === "killed") {
    log.line(`##[error]The runner has received a shutdown signal. The job was lost.`);
  } else if (exitCode !== 0) log.line(`##[error]Process completed with exit code ${exitCode ?? "unknown"}.`);
}

function finish(exec: Execution, conclusion: RunConclusion, log: JobLog): void {
  const { run, job, emitter } = exec;
  const now = isoNow();
  run.log = log.text();
  job.status = "completed";
  // A job past its timeout shows as cancelled (its run as timed_out), as on GitHub.
  job.conclusion = conclusion === "timed_out" ? "cancelled" : conclusion;
  job.completed_at = now;
  run.status = "completed";
  run.conclusion = conclusion;
  run.updated_at = now;
  emitter.job(job, "completed");
  emitter.run("completed");
}

// ---- Stopping and re-running ---------------------------------------------------------------------

/**
 * Stops a run's process. The first reason decides the conclusion (a run cancelled, then killed
 * while it winds down, stays cancelled); a kill is SIGKILL at once, the others escalate.
 */
function stopRun(handle: RunHandle, reason: StopReason): void {
  const first = handle.stopReason === undefined;
  handle.stopReason ??= reason;
  const child = handle.child;
  if (!child) return;
  if (reason === "killed") {
    child.kill("SIGKILL");
    return;
  }
  if (!first) return;
  child.kill("SIGINT");
  const term = setTimeout(() => child.kill("SIGTERM"), CANCEL_GRACE_MS);
  const kill = setTimeout(() => child.kill("SIGKILL"), CANCEL_GRACE_MS * 2);
  term.unref();
  kill.unref();
  handle.timers.push(term, kill);
}

/** Cancels a queued or running run (the process gets SIGINT, then SIGTERM, then SIGKILL); 409 when completed. */
export function cancelRun(sim: SimContext, run: SimWorkflowRun, options: { force?: boolean } = {}): void {
  const handle = liveRuns(sim.state).get(run.id);
  if (run.status === "completed" || !handle) {
    throw new HttpError(409, "Cannot cancel a workflow run that is completed.");
  }
  stopRun(handle, "cancelled");
  if (options.force) handle.child?.kill("SIGKILL");
}

/**
 * SIGKILLs a run's process group, as a runner that dies mid-job: the job and run conclude
 * `failure`. Resolves once the run has completed (at once for a finished run).
 */
export async function killRun(sim: SimContext, runId: number): Promise<void> {
  const handle = liveRuns(sim.state).get(runId);
  if (!handle) {
    if (!findRun(sim.state, runId)) throw new Error(`No workflow run ${runId}.`);
    return;
  }
  stopRun(handle, "killed");
  await handle.done;
}

/** A run's log: as far as it has got while running, complete once it has. */
export function runLog(sim: SimContext, runId: number): string | undefined {
  const live = liveRuns(sim.state).get(runId)?.log;
  return live ? live.snapshot() : findRun(sim.state, runId)?.run.log;
}

/** Kills every live run (the sim is stopping). */
export async function killAllRuns(sim: SimContext): Promise<void> {
  const live = [...liveRuns(sim.state).values()];
  for (const handle of live) stopRun(handle, "killed");
  await Promise.all(live.map((h) => h.done));
}

/** Re-runs a completed run as a new attempt of the same run id; 403 while it is still running. */
export function rerunRun(sim: SimContext, repo: SimRepo, run: SimWorkflowRun, principal: Principal): void {
  if (run.status !== "completed") throw new HttpError(403, "This workflow is already running");
  const workflow = repo.workflows.get(run.workflow_id);
  if (!workflow) throw new HttpError(404, "Not Found");
  const now = isoNow();
  run.run_attempt += 1;
  run.status = "queued";
  run.conclusion = null;
  run.updated_at = now;
  run.run_started_at = now;
  run.triggering_actor = principal.login ?? run.actor;
  beginAttempt(sim, repo, workflow, run, principal);
}
