// The real `git` CLI for tests: isolated from the machine's git config, never prompting, in
// throwaway directories that `cleanup()` removes.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { mkdir } from "node:fs/promises";
import { Octokit } from "@octokit/rest";
import type { RefUpdate } from "../../src/sim/context.ts";
import type { Sim } from "../../src/sim/index.ts";

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

const ENV = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "Test Polecat",
  GIT_AUTHOR_EMAIL: "polecat@example.com",
  GIT_COMMITTER_NAME: "Test Polecat",
  GIT_COMMITTER_EMAIL: "polecat@example.com",
  LC_ALL: "C",
};

/** Runs git; resolves with its exit code and output instead of throwing. */
export function runGit(args: string[], cwd?: string): Promise<GitResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("GIT_")) env[key] = value;
  return new Promise((resolve) => {
    execFile("git", args, { cwd, env: { ...env, ...ENV } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Runs git and throws with its stderr when it fails. */
export async function mustGit(args: string[], cwd?: string): Promise<string> {
  const result = await runGit(args, cwd);
  if (result.code !== 0) throw new Error(`git ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
  return result.stdout.trim();
}

/** A scratch area for clones; `cleanup()` removes everything made in it. */
export async function scratchDir(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "gastown-git-test-"));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Writes files into a work tree and commits them; returns the new commit SHA. */
export async function commitIn(
  work: string,
  files: Record<string, string>,
  message: string,
): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), content);
  }
  await mustGit(["add", "-A"], work);
  await mustGit(["commit", "-q", "-m", message], work);
  return mustGit(["rev-parse", "HEAD"], work);
}

/**
 * Records every ref movement the sim announces, instead of running the effects (PR sync, CI,
 * events), so tests of the git layer see exactly what it reports.
 */
export function recordRefUpdates(sim: Sim): RefUpdate[] {
  const updates: RefUpdate[] = [];
  sim.context.refUpdated = async (update: RefUpdate) => {
    updates.push(update);
  };
  return updates;
}

/** The status and message of a failed Octokit call (throws if the call succeeded). */
export async function failure(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await call;
  } catch (error: unknown) {
    const e = error as { status?: number; response?: { data?: { message?: string } } };
    return { status: e.status ?? 0, message: e.response?.data?.message ?? "" };
  }
  throw new Error("expected the request to fail, but it succeeded");
}

/** The commit SHA a branch points at, read through the REST API. */
export async function branchSha(
  octokit: Octokit,
  owner: string,
  repo: string,
  branch: string,
): Promise<string> {
  const { data } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
  return data.object.sha;
}

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** An Octokit for the sim that does not log expected 4xx answers. */
export function simOctokit(sim: Sim, token: string): Octokit {
  return new Octokit({ baseUrl: sim.url, auth: token, log: quiet });
}
