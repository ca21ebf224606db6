// The runner's git work in the checkout. The workflow checks out without persisted credentials
// (and any left behind are removed before the agent starts), so every command that talks to
// origin carries the runner's token for that one command only. Only the runner pushes, and only
// `origin <its branch>`.
//
// The agent can write anywhere in the checkout, `.git/` included: a hook, `core.fsmonitor`, a
// credential helper or a new `origin` URL planted there would run (or send the token) when the
// runner next calls git. So the runner snapshots `.git/config` before the agent starts and puts
// it back after, and every runner command turns hooks, fsmonitor and credential helpers off and
// runs with an environment that holds no secret.
import { readFile, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";

/** Runs a command without a shell, with exactly `env` as its environment; never throws for a non-zero exit. */
export type Exec = (
  file: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string> },
) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

export interface GitParams {
  exec: Exec;
  cwd: string;
  /** The token the runner pushes and fetches with. */
  token: string;
  /** The environment git runs with: the runner's without any secret (`withoutSecrets`). */
  env: Record<string, string>;
}

// Overrides on every runner command, whatever the checkout's config says by then.
const HARDENED = [
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "core.fsmonitor=false",
  "-c",
  "credential.helper=",
  "-c",
  "core.askPass=",
];

function authHeader(token: string): string {
  return `http.extraheader=AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
}

async function git(params: GitParams, args: readonly string[], options: { remote?: boolean } = {}) {
  const full = [...HARDENED, ...(options.remote ? ["-c", authHeader(params.token)] : []), ...args];
  return params.exec("git", full, {
    cwd: params.cwd,
    env: { ...params.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
  });
}

async function gitOk(
  params: GitParams,
  args: readonly string[],
  options: { remote?: boolean } = {},
): Promise<string> {
  const result = await git(params, args, options);
  if (result.exitCode !== 0) {
    throw new Error(
      `git ${args.join(" ")} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result.stdout.trim();
}

/** Puts `.git/config` back as it was when the snapshot was taken. */
export type RestoreConfig = () => Promise<boolean>;

/**
 * Takes a copy of the checkout's `.git/config`; the function it returns writes the copy back
 * (and says whether anything had changed), undoing whatever the agent configured.
 */
export async function snapshotConfig(params: GitParams): Promise<RestoreConfig> {
  const gitDir = await gitOk(params, ["rev-parse", "--git-dir"]);
  const path = join(isAbsolute(gitDir) ? gitDir : join(params.cwd, gitDir), "config");
  const saved = await readFile(path, "utf8");
  return async () => {
    const now = await readFile(path, "utf8").catch(() => null);
    if (now === saved) return false;
    await writeFile(path, saved);
    return true;
  };
}

/** Removes credentials a checkout left in `.git/config`, so the agent cannot read them. */
export async function dropPersistedCredentials(params: GitParams): Promise<string[]> {
  const found = await git(params, [
    "config",
    "--local",
    "--name-only",
    "--get-regexp",
    "^http\\..*extraheader$",
  ]);
  const names = [
    ...new Set(
      found.stdout
        .split("\n")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  ];
  for (const name of names) await gitOk(params, ["config", "--local", "--unset-all", name]);
  return names;
}

/** Where the branch starts: reused from origin (crash recovery) or new from the base. */
export type BranchStart = { reused: true; head: string } | { reused: false; head: string };

/** Checks out `branch`: origin's copy when it exists (keeping every commit), else a new one from `base`. */
export async function checkoutBranch(
  params: GitParams & { branch: string; base: string },
): Promise<BranchStart> {
  await gitOk(
    params,
    [
      "fetch",
      "--quiet",
      "--no-tags",
      "origin",
      `+refs/heads/${params.base}:refs/remotes/origin/${params.base}`,
    ],
    {
      remote: true,
    },
  );
  const remote = await git(params, ["ls-remote", "--heads", "origin", `refs/heads/${params.branch}`], {
    remote: true,
  });
  if (remote.exitCode !== 0) throw new Error(`git ls-remote failed: ${remote.stderr.trim()}`);
  const reused = remote.stdout.trim() !== "";
  if (reused) {
    await gitOk(
      params,
      [
        "fetch",
        "--quiet",
        "--no-tags",
        "origin",
        `+refs/heads/${params.branch}:refs/remotes/origin/${params.branch}`,
      ],
      { remote: true },
    );
  }
  const start = reused ? `origin/${params.branch}` : `origin/${params.base}`;
  await gitOk(params, ["checkout", "--quiet", "--force", "-B", params.branch, start]);
  return { reused, head: await gitOk(params, ["rev-parse", "HEAD"]) };
}

/** Sets the identity commits are made with, when the checkout has none. */
export async function ensureIdentity(params: GitParams & { name: string; email: string }): Promise<void> {
  const name = await git(params, ["config", "user.name"]);
  if (name.stdout.trim() === "") await gitOk(params, ["config", "--local", "user.name", params.name]);
  const email = await git(params, ["config", "user.email"]);
  if (email.stdout.trim() === "") await gitOk(params, ["config", "--local", "user.email", params.email]);
}

/** Commits whatever the agent left uncommitted; returns whether there was anything. */
export async function commitLeftovers(params: GitParams & { message: string }): Promise<boolean> {
  const status = await gitOk(params, ["status", "--porcelain"]);
  if (status === "") return false;
  await gitOk(params, ["add", "--all"]);
  await gitOk(params, ["commit", "--quiet", "--no-verify", "-m", params.message]);
  return true;
}

/** Paths changed on HEAD against `origin/<base>`. */
export async function changedFiles(params: GitParams & { base: string }): Promise<string[]> {
  const out = await gitOk(params, ["diff", "--name-only", `origin/${params.base}...HEAD`]);
  return out.split("\n").filter((s) => s !== "");
}

/** The subjects of the commits on HEAD that `origin/<base>` lacks, newest first, at most `max`. */
export async function commitSubjects(params: GitParams & { base: string; max: number }): Promise<string[]> {
  const out = await gitOk(params, [
    "log",
    `--max-count=${params.max}`,
    "--format=%s",
    `origin/${params.base}..HEAD`,
  ]);
  return out.split("\n").filter((s) => s !== "");
}

/** A file's text on `origin/<base>`; null when the base has no such file. */
export async function readBaseFile(
  params: GitParams & { base: string; path: string },
): Promise<string | null> {
  const result = await git(params, ["show", `origin/${params.base}:${params.path}`]);
  return result.exitCode === 0 ? result.stdout : null;
}

/** Commits on HEAD that `origin/<base>` lacks. */
export async function commitsAhead(params: GitParams & { base: string }): Promise<number> {
  return Number(await gitOk(params, ["rev-list", "--count", `origin/${params.base}..HEAD`]));
}

/** Whether the work tree has uncommitted changes. */
export async function isDirty(params: GitParams): Promise<boolean> {
  return (await gitOk(params, ["status", "--porcelain"])) !== "";
}

/** Pushes HEAD to `origin <branch>`, and nothing else. */
export async function pushBranch(params: GitParams & { branch: string }): Promise<void> {
  await gitOk(params, ["push", "--quiet", "origin", `HEAD:refs/heads/${params.branch}`], { remote: true });
}
