// What a hosted runner does around a job's command: a runner directory laid out as GitHub's
// (`work/<repo>/<repo>` checkout, `work/_temp` with the event file and file commands), a checkout
// of the run's commit whose `origin` is the sim over HTTP with the job token (as
// actions/checkout leaves it), the runner's environment, the command's log with secrets masked,
// and the file commands (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`) read back afterwards.
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { SimRepo, SimWorkflow, SimWorkflowRun } from "./state.ts";

/** The runner's directories and files for one job. */
export interface RunnerWorkspace {
  root: string;
  /** `GITHUB_WORKSPACE`: the checkout. */
  workspace: string;
  /** `RUNNER_WORKSPACE`: the checkout's parent. */
  runnerWorkspace: string;
  /** `RUNNER_TEMP`. */
  temp: string;
  toolCache: string;
  eventPath: string;
  output: string;
  summary: string;
  env: string;
  path: string;
  state: string;
}

// GitHub refuses a step summary over 1 MiB; the log keeps its tail within this many characters.
const SUMMARY_LIMIT = 1024 * 1024;
const LOG_LIMIT = 2 * 1024 * 1024;

/** Lays out the runner directory, writes the event file and checks out `sha` as actions/checkout does. */
export async function prepareWorkspace(args: {
  repo: SimRepo;
  run: SimWorkflowRun;
  baseUrl: string;
  token: string;
}): Promise<RunnerWorkspace> {
  const { repo, run, baseUrl, token } = args;
  const root = await mkdtemp(join(tmpdir(), "gastown-sim-runner-"));
  const runnerWorkspace = join(root, "work", repo.name);
  const temp = join(root, "work", "_temp");
  const commands = join(temp, "_runner_file_commands");
  const id = randomUUID();
  const ws: RunnerWorkspace = {
    root,
    workspace: join(runnerWorkspace, repo.name),
    runnerWorkspace,
    temp,
    toolCache: join(root, "tool-cache"),
    eventPath: join(temp, "_github_workflow", "event.json"),
    output: join(commands, `set_output_${id}`),
    summary: join(commands, `step_summary_${id}`),
    env: join(commands, `set_env_${id}`),
    path: join(commands, `add_path_${id}`),
    state: join(commands, `save_state_${id}`),
  };
  await Promise.all([
    mkdir(commands, { recursive: true }),
    mkdir(join(temp, "_github_workflow"), { recursive: true }),
    mkdir(ws.toolCache, { recursive: true }),
    mkdir(runnerWorkspace, { recursive: true }),
  ]);
  await Promise.all([
    writeFile(ws.eventPath, run.event_payload),
    ...[ws.output, ws.summary, ws.env, ws.path, ws.state].map((file) => writeFile(file, "")),
  ]);
  await checkout({ repo, run, baseUrl, token, dir: ws.workspace });
  return ws;
}

async function checkout(args: {
  repo: SimRepo;
  run: SimWorkflowRun;
  baseUrl: string;
  token: string;
  dir: string;
}): Promise<void> {
  const { repo, run, baseUrl, token, dir } = args;
  const env = { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
  const git = (gitArgs: string[], cwd = dir) => execa("git", gitArgs, { cwd, env, stdin: "ignore" });
  // A local clone is fast; then origin is pointed at the sim's smart HTTP, so fetch and push go
  // through the same token checks and ref effects as on GitHub.
  await git(["clone", "--quiet", "--no-checkout", repo.gitDir, dir], join(dir, ".."));
  const server = new URL(baseUrl);
  await git(["remote", "set-url", "origin", `${server.origin}/${repo.owner}/${repo.name}.git`]);
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  await git(["config", "--local", `http.${server.origin}/.extraheader`, `AUTHORIZATION: basic ${basic}`]);
  if (run.ref.startsWith("refs/heads/")) {
    const branch = run.ref.slice("refs/heads/".length);
    await git(["checkout", "--quiet", "--force", "-B", branch, run.head_sha]);
    await git(["branch", "--quiet", `--set-upstream-to=origin/${branch}`, branch]).catch(() => undefined);
  } else {
    await git(["checkout", "--quiet", "--force", "--detach", run.head_sha]);
  }
}

export async function removeWorkspace(ws: RunnerWorkspace): Promise<void> {
  await rm(ws.root, { recursive: true, force: true });
}

/** The name Actions gives an input's variable: `INPUT_` + upper-cased name, spaces as `_`. */
export const inputVariable = (name: string): string => `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;

// Variables of the machine running the sim that must not leak into a job (the sim may itself
// run inside GitHub Actions).
const RUNNER_PREFIXES = ["GITHUB_", "INPUT_", "RUNNER_", "ACTIONS_", "STATE_"];

/** The job's environment: the machine's minus runner variables, then the runner's, inputs, the workflow's. */
export function runnerEnv(args: {
  repo: SimRepo;
  workflow: SimWorkflow;
  run: SimWorkflowRun;
  ws: RunnerWorkspace;
  baseUrl: string;
  token: string;
  actorId: number;
  ownerId: number;
  inputs: Record<string, string>;
}): Record<string, string> {
  const { repo, workflow, run, ws, baseUrl, token } = args;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !RUNNER_PREFIXES.some((p) => key.startsWith(p))) env[key] = value;
  }
  const full = `${repo.owner}/${repo.name}`;
  const refName = run.ref.replace(/^refs\/(heads|tags)\//, "");
  Object.assign(env, {
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_ACTION: "__run",
    GITHUB_ACTOR: run.actor,
    GITHUB_ACTOR_ID: String(args.actorId),
    GITHUB_TRIGGERING_ACTOR: run.triggering_actor,
    GITHUB_API_URL: baseUrl,
    GITHUB_GRAPHQL_URL: `${baseUrl}/graphql`,
    GITHUB_SERVER_URL: baseUrl,
    GITHUB_REPOSITORY: full,
    GITHUB_REPOSITORY_ID: String(repo.id),
    GITHUB_REPOSITORY_OWNER: repo.owner,
    GITHUB_REPOSITORY_OWNER_ID: String(args.ownerId),
    GITHUB_RUN_ID: String(run.id),
    GITHUB_RUN_NUMBER: String(run.run_number),
    GITHUB_RUN_ATTEMPT: String(run.run_attempt),
    GITHUB_RETENTION_DAYS: "90",
    GITHUB_JOB: workflow.job,
    GITHUB_WORKFLOW: workflow.name,
    GITHUB_WORKFLOW_REF: `${full}/.github/workflows/${workflow.path}@${run.ref}`,
    GITHUB_WORKFLOW_SHA: run.head_sha,
    GITHUB_EVENT_NAME: run.event,
    GITHUB_EVENT_PATH: ws.eventPath,
    GITHUB_REF: run.ref,
    GITHUB_REF_NAME: refName,
    GITHUB_REF_TYPE: run.ref.startsWith("refs/tags/") ? "tag" : "branch",
    GITHUB_REF_PROTECTED: String(
      run.ref === `refs/heads/${repo.default_branch}` && repo.requiredChecks.length > 0,
    ),
    GITHUB_SHA: run.head_sha,
    GITHUB_WORKSPACE: ws.workspace,
    GITHUB_OUTPUT: ws.output,
    GITHUB_STEP_SUMMARY: ws.summary,
    GITHUB_ENV: ws.env,
    GITHUB_PATH: ws.path,
    GITHUB_STATE: ws.state,
    GITHUB_TOKEN: token,
    RUNNER_ARCH: "X64",
    RUNNER_ENVIRONMENT: "github-hosted",
    RUNNER_NAME: "GitHub Actions 1",
    RUNNER_OS: "Linux",
    RUNNER_TEMP: ws.temp,
    RUNNER_TOOL_CACHE: ws.toolCache,
    RUNNER_WORKSPACE: ws.runnerWorkspace,
  });
  if (run.event === "pull_request" && run.head_branch) env.GITHUB_HEAD_REF = run.head_branch;
  for (const [name, value] of Object.entries(args.inputs)) env[inputVariable(name)] = value;
  Object.assign(env, workflow.env ?? {});
  return env;
}

/** The job's log: lines with masked values as `***`; `::add-mask::` registers one, as the runner does. */
export class JobLog {
  readonly #masks = new Set<string>();
  #lines: string[] = [];
  #size = 0;
  #head = 0;
  #partial = "";
  #dropped = false;

  constructor(masks: readonly string[]) {
    for (const mask of masks) this.mask(mask);
  }

  mask(value: string): void {
    if (value.trim().length > 0) this.#masks.add(value);
  }

  write(chunk: string): void {
    const text = this.#partial + chunk;
    const lines = text.split("\n");
    this.#partial = lines.pop() ?? "";
    for (const line of lines) this.line(line.replace(/\r$/, ""));
  }

  /** Adds one line (a note of the runner's own, e.g. `##[error]...`). */
  line(raw: string): void {
    const command = /^::add-mask::(.*)$/.exec(raw);
    if (command) {
      this.mask(command[1] ?? "");
      return;
    }
    const line = this.#masked(raw);
    this.#lines.push(line);
    this.#size += line.length + 1;
    // Drop from the front by index, compacting now and then, so a chatty job stays linear.
    while (this.#size > LOG_LIMIT && this.#head < this.#lines.length - 1) {
      this.#size -= (this.#lines[this.#head] ?? "").length + 1;
      this.#head += 1;
      this.#dropped = true;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#lines.length) {
      this.#lines = this.#lines.slice(this.#head);
      this.#head = 0;
    }
  }

  #masked(line: string): string {
    let out = line;
    for (const mask of this.#masks) out = out.split(mask).join("***");
    return out;
  }

  /** The lines so far, without ending a partial line. */
  snapshot(): string {
    const lines = this.#lines.slice(this.#head);
    if (this.#partial) lines.push(this.#masked(this.#partial));
    const body = lines.join("\n");
    return this.#dropped ? `[earlier lines dropped]\n${body}` : body;
  }

  /** The whole log, once the step is over. */
  text(): string {
    if (this.#partial) {
      this.line(this.#partial);
      this.#partial = "";
    }
    const body = this.#lines.slice(this.#head).join("\n");
    return this.#dropped ? `[earlier lines dropped]\n${body}` : body;
  }
}

/** Starts the command in the checkout, in its own process group so a kill takes its children too. */
export function spawnStep(args: {
  command: readonly string[];
  ws: RunnerWorkspace;
  env: Record<string, string>;
  log: JobLog;
}) {
  const [file = "", ...rest] = args.command;
  const child = execa(file, rest, {
    cwd: args.ws.workspace,
    env: args.env,
    extendEnv: false,
    stdin: "ignore",
    all: true,
    buffer: false,
    reject: false,
    killDescendants: true,
    forceKillAfterDelay: false,
  });
  child.all?.setEncoding("utf8");
  child.all?.on("data", (chunk: string) => args.log.write(chunk));
  return child;
}

/** A running step's process. */
export type StepProcess = ReturnType<typeof spawnStep>;

/** What the step left in its file commands. */
export interface StepFiles {
  outputs: Record<string, string>;
  summary: string;
  /** Problems the runner reports as step errors (a malformed output file). */
  errors: string[];
}

export async function readStepFiles(ws: RunnerWorkspace): Promise<StepFiles> {
  const errors: string[] = [];
  let outputs: Record<string, string> = {};
  try {
    outputs = parseFileCommand(await readFile(ws.output, "utf8"));
  } catch (error: unknown) {
    errors.push(
      `Unable to process file command 'output' successfully: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let summary = await readFile(ws.summary, "utf8").catch(() => "");
  if (Buffer.byteLength(summary) > SUMMARY_LIMIT) {
    errors.push(
      `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got ${Math.ceil(Buffer.byteLength(summary) / 1024)}k.`,
    );
    summary = "";
  }
  return { outputs, summary, errors };
}

/**
 * Parses a `GITHUB_OUTPUT`/`GITHUB_ENV` file: `name=value` lines and `name<<DELIMITER` blocks
 * ending at a line equal to the delimiter. Throws on a line of neither form or an unclosed block.
 */
export function parseFileCommand(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    if (line.trim() === "") continue;
    const equals = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (heredoc >= 0 && (equals < 0 || heredoc < equals)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (!name || !delimiter) throw new Error(`Invalid format '${line}'`);
      const body: string[] = [];
      let closed = false;
      for (i += 1; i < lines.length; i += 1) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        body.push(lines[i] ?? "");
      }
      if (!closed) throw new Error(`Matching delimiter not found '${delimiter}'`);
      values[name] = body.join("\n");
    } else if (equals > 0) {
      values[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new Error(`Invalid format '${line}'`);
    }
  }
  return values;
}
