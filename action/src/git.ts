// The runner's git work in the checkout. The workflow checks out without persisted credentials
// (and any left behind are removed before the agent starts), so every command that talks to
// origin carries the runner's token for that one command only. Only the runner pushes, and only
// `origin <its branch>`.

/** Runs a command without a shell; never throws for a non-zero exit. */
export type Exec = (
  file: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

export interface GitParams {
  exec: Exec;
  cwd: string;
  /** The token the runner pushes and fetches with. */
  token: string;
}

/** Where the branch starts: reused from origin (crash recovery) or new from the base. */
export type BranchStart = { reused: true; head: string } | { reused: false; head: string };

function authHeader(token: string): string {
  return `http.extraheader=AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
}

async function git(params: GitParams, args: readonly string[], options: { remote?: boolean } = {}) {
  const full = options.remote ? ["-c", authHeader(params.token), ...args] : [...args];
  return params.exec("git", full, { cwd: params.cwd, env: { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" } });
}

async function gitOk(
  params: GitParams,
  args: readonly string[],
  options: { remote?: boolean } = {},
): Promise<string> {
  const result = await git(params, args, options);
  if (result.exitCode !== 0) {
    const shown = args.filter((a) => !a.startsWith("http.extraheader")).join(" ");
    throw new Error(
      `git ${shown} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result.stdout.trim();
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
