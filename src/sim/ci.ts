// The repo's CI: on a push to a matching branch, a PR opened or synchronized, or (with
// `mergeGroups`) a merge queue's group asking for checks, run the
// configured command in a throwaway checkout of the commit and report a check run by GitHub
// Actions (queued → in_progress → completed with the log's tail). Runs are tracked, so
// `sim.idle()` waits for them.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ACTIONS_PRINCIPAL, createCheckRun, updateCheckRun } from "./checks-core.ts";
import type { SimContext } from "./context.ts";
import { git } from "./git.ts";
import type { SimCiConfig, SimRepo } from "./state.ts";

/** The app CI's check runs belong to. */
export const CI_APP = "github-actions";

// GitHub caps a check run's output text at 65,535 characters; keep the tail well inside it.
const TAIL_CHARS = 60_000;
const TAIL_LINES = 200;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

export interface CiTrigger {
  /** The commit to test. */
  sha: string;
  /** The ref the run reports as `GITHUB_REF`, e.g. `refs/heads/gastown/staging`. */
  ref: string;
  event: "push" | "pull_request" | "merge_group";
  /** For `pull_request` runs: the PR's head and base branch names. */
  pull?: { number: number; headRef: string; baseRef: string };
  /** Run even though CI already ran on this commit (a re-request). */
  rerun?: boolean;
}

/** Whether a branch name matches any of the patterns (`*` matches within a path segment, `**` across). */
export function branchMatches(patterns: readonly string[], branch: string): boolean {
  return patterns.some((pattern) => {
    const source = pattern
      .split("**")
      .map((part) =>
        part
          .split("*")
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join("[^/]*"),
      )
      .join(".*");
    return new RegExp(`^${source}$`).test(branch);
  });
}

// Commits CI has been started for, per repo: a push and a PR sync of the same commit test once.
const started = new WeakMap<SimRepo, Set<string>>();

/**
 * Starts a CI run for a commit unless the repo has no CI or CI already ran on it. The run goes
 * on in the background (tracked by `sim.track`); failures to even start become failed runs.
 */
export function startCi(sim: SimContext, repo: SimRepo, trigger: CiTrigger): boolean {
  const config = repo.ci;
  if (!config) return false;
  const seen = started.get(repo) ?? new Set<string>();
  started.set(repo, seen);
  const key = `${config.name}\u0000${trigger.sha}`;
  if (seen.has(key) && !trigger.rerun) return false;
  seen.add(key);
  sim.track(runCi(sim, repo, config, trigger));
  return true;
}

async function runCi(sim: SimContext, repo: SimRepo, config: SimCiConfig, trigger: CiTrigger): Promise<void> {
  const principal = ACTIONS_PRINCIPAL;
  const run = await createCheckRun({
    sim,
    repo,
    app: CI_APP,
    headSha: trigger.sha,
    name: config.name,
    input: { status: "queued" },
    principal,
  });
  updateCheckRun({ sim, repo, run, input: { status: "in_progress" }, principal });
  const startedAt = Date.now();
  let result: RunResult;
  try {
    result = await execute(repo, config, trigger);
  } catch (error: unknown) {
    result = { code: null, log: error instanceof Error ? error.message : String(error), timedOut: false };
  }
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const command = config.command.join(" ");
  const short = trigger.sha.slice(0, 7);
  let conclusion: "success" | "failure" | "timed_out" = result.code === 0 ? "success" : "failure";
  let summary = `\`${command}\` exited with code ${result.code} after ${seconds}s on ${short}.`;
  if (result.timedOut) {
    conclusion = "timed_out";
    summary = `\`${command}\` was killed after ${seconds}s on ${short}: it ran past the CI timeout.`;
  } else if (result.code === null) {
    summary = `\`${command}\` could not run on ${short}.`;
  }
  updateCheckRun({
    sim,
    repo,
    run,
    principal,
    input: {
      conclusion,
      output: {
        title: conclusion === "success" ? `${config.name} passed` : `${config.name} failed`,
        summary,
        text: `\`\`\`\n${tail(result.log)}\n\`\`\``,
      },
    },
  });
}

interface RunResult {
  code: number | null;
  log: string;
  timedOut: boolean;
}

/** The last lines of a log, within GitHub's output limit. */
export function tail(log: string): string {
  const lines = log.trimEnd().split("\n");
  let text = lines.slice(-TAIL_LINES).join("\n");
  if (text.length > TAIL_CHARS) text = text.slice(-TAIL_CHARS);
  return text;
}

/** Runs the command in a detached worktree of the commit; resolves with its exit code and log. */
async function execute(repo: SimRepo, config: SimCiConfig, trigger: CiTrigger): Promise<RunResult> {
  const scratch = await mkdtemp(join(tmpdir(), "gastown-sim-ci-"));
  const work = join(scratch, "checkout");
  try {
    await git(repo.gitDir, ["worktree", "add", "--detach", "-q", work, trigger.sha]);
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_SHA: trigger.sha,
      GITHUB_REF: trigger.ref,
      GITHUB_REF_NAME: trigger.ref.replace(/^refs\/(heads|tags)\//, ""),
      GITHUB_REPOSITORY: `${repo.owner}/${repo.name}`,
      GITHUB_EVENT_NAME: trigger.event,
      GITHUB_WORKSPACE: work,
    };
    if (trigger.pull) {
      env.GITHUB_HEAD_REF = trigger.pull.headRef;
      env.GITHUB_BASE_REF = trigger.pull.baseRef;
    }
    return await spawnLogged({
      command: config.command,
      cwd: work,
      env,
      timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  } finally {
    await git(repo.gitDir, ["worktree", "remove", "--force", work], { okCodes: [1, 128] });
    await rm(scratch, { recursive: true, force: true });
    await git(repo.gitDir, ["worktree", "prune"], { okCodes: [1, 128] });
  }
}

function spawnLogged(args: {
  command: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
}): Promise<RunResult> {
  const [file, ...rest] = args.command;
  if (!file)
    return Promise.resolve({ code: null, log: "CI has an empty command; set its command.", timedOut: false });
  return new Promise((resolve) => {
    const chunks: string[] = [];
    let size = 0;
    let timedOut = false;
    // Keep memory bounded on chatty commands: only the tail is ever reported.
    const keep = (chunk: Buffer): void => {
      chunks.push(chunk.toString("utf8"));
      size += chunk.length;
      while (size > TAIL_CHARS * 4 && chunks.length > 1) size -= (chunks.shift() ?? "").length;
    };
    // Its own process group, so a timeout kills what the command started too (`sh -c "sleep"`).
    const child = spawn(file, rest, {
      cwd: args.cwd,
      env: args.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, args.timeoutMs);
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, log: `${chunks.join("")}\n${error.message}`, timedOut: false });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const log = chunks.join("");
      resolve({ code: code ?? null, log: signal ? `${log}\nkilled by ${signal}` : log, timedOut });
    });
  });
}
