// Real git operations on the sim's bare repositories. The REST routes (refs, merges, pulls,
// contents, tags) and the smart-HTTP endpoint all work on the same repos through these, so a
// branch moved by the API is exactly what a later `git fetch` sees.
//
// Functions: git, initBareRepo, commitFiles, resolveRef, listRefs, updateRef, deleteRef,
// objectType, readCommit, readBlob, listTree, isAncestor, mergeBase, mergeTrees, commitTree,
// createTag, readTag, revList, diffFiles, cherryPickOnto.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ZERO = "0000000000000000000000000000000000000000";

export interface GitIdentity {
  name: string;
  email: string;
  /** ISO 8601; now when omitted. */
  date?: string;
}

export class GitError extends Error {
  readonly code: number | null;
  readonly stderr: string;
  constructor(args: string[], code: number | null, stderr: string) {
    super(`git ${args.join(" ")} failed (${code}): ${stderr.trim()}`);
    this.name = "GitError";
    this.code = code;
    this.stderr = stderr;
  }
}

interface GitOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. `merge-base --is-ancestor`). */
  okCodes?: number[];
}

/** Runs git against a bare repository; resolves with stdout (binary-safe) and the exit code. */
export function git(
  gitDir: string,
  args: string[],
  options: GitOptions = {},
): Promise<{ stdout: Buffer; code: number }> {
  const full = ["--git-dir", gitDir, ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      full,
      {
        encoding: "buffer",
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", ...options.env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        if (error && !(options.okCodes ?? []).includes(code)) {
          reject(new GitError(args, code, stderr.toString("utf8")));
          return;
        }
        resolve({ stdout, code });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

async function text(gitDir: string, args: string[], options: GitOptions = {}): Promise<string> {
  const { stdout } = await git(gitDir, args, options);
  return stdout.toString("utf8").trim();
}

function identityEnv(author: GitIdentity, committer: GitIdentity = author): Record<string, string> {
  const env: Record<string, string> = {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
  if (author.date) env.GIT_AUTHOR_DATE = author.date;
  if (committer.date) env.GIT_COMMITTER_DATE = committer.date;
  return env;
}

export const SIM_IDENTITY: GitIdentity = { name: "GitHub", email: "noreply@github.com" };

/** Creates a bare repository whose default branch holds `files`; returns the commit SHA. */
export async function initBareRepo(args: {
  gitDir: string;
  branch: string;
  files: Record<string, string>;
}): Promise<string> {
  await mkdir(args.gitDir, { recursive: true });
  await git(args.gitDir, ["init", "--bare", "-q", `--initial-branch=${args.branch}`]);
  // Let pushes over smart HTTP in, and keep every object reachable or not (hook tags, merges).
  await git(args.gitDir, ["config", "http.receivepack", "true"]);
  await git(args.gitDir, ["config", "gc.auto", "0"]);
  const sha = await commitFiles({
    gitDir: args.gitDir,
    parent: undefined,
    files: args.files,
    message: "Initial commit",
  });
  await git(args.gitDir, ["update-ref", `refs/heads/${args.branch}`, sha, ZERO]);
  return sha;
}

/**
 * Makes a commit on top of `parent` (or a root commit) with the given file contents; `null`
 * deletes a path. Touches no ref: the caller moves one with `updateRef`.
 */
export async function commitFiles(args: {
  gitDir: string;
  parent: string | undefined;
  files: Record<string, string | Buffer | null>;
  message: string;
  author?: GitIdentity;
  committer?: GitIdentity;
}): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), "gastown-sim-index-"));
  const env = { GIT_INDEX_FILE: join(scratch, "index") };
  try {
    if (args.parent) await git(args.gitDir, ["read-tree", args.parent], { env });
    else await git(args.gitDir, ["read-tree", "--empty"], { env });
    for (const [path, content] of Object.entries(args.files)) {
      if (content === null) {
        await git(args.gitDir, ["update-index", "--force-remove", "--", path], { env });
        continue;
      }
      const blob = await text(args.gitDir, ["hash-object", "-w", "--stdin"], { input: content });
      await git(args.gitDir, ["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`], { env });
    }
    const tree = await text(args.gitDir, ["write-tree"], { env });
    return await commitTree({
      gitDir: args.gitDir,
      tree,
      parents: args.parent ? [args.parent] : [],
      message: args.message,
      ...(args.author ? { author: args.author } : {}),
      ...(args.committer ? { committer: args.committer } : {}),
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The object a ref points at directly (a tag ref gives the tag object), or undefined. */
export async function resolveRef(gitDir: string, ref: string): Promise<string | undefined> {
  const { stdout, code } = await git(gitDir, ["rev-parse", "--verify", "--quiet", ref], {
    okCodes: [1, 128],
  });
  return code === 0 ? stdout.toString("utf8").trim() : undefined;
}

/** Resolves any revision (SHA, branch, `sha^{commit}`) to a commit SHA, or undefined. */
export async function resolveCommit(gitDir: string, rev: string): Promise<string | undefined> {
  return resolveRef(gitDir, `${rev}^{commit}`);
}

export interface RefEntry {
  ref: string;
  sha: string;
  type: "commit" | "tag" | "tree" | "blob";
}

/** Refs under a prefix (`refs/heads/`, `refs/`), sorted by name. */
export async function listRefs(gitDir: string, prefix = "refs/"): Promise<RefEntry[]> {
  const out = await text(gitDir, ["for-each-ref", "--format=%(refname) %(objectname) %(objecttype)", prefix]);
  if (!out) return [];
  return out.split("\n").map((line) => {
    const [ref = "", sha = "", type = "commit"] = line.split(" ");
    return { ref, sha, type: type as RefEntry["type"] };
  });
}

export type RefUpdateResult = { ok: true } | { ok: false; current: string | undefined };

/**
 * Compare-and-swap on a ref: moves `ref` to `sha` only when it currently holds `expected`
 * (`ZERO` = must not exist; undefined = any value). Git's lock file makes this atomic, so
 * concurrent creators of one ref get exactly one success.
 */
export async function updateRef(args: {
  gitDir: string;
  ref: string;
  sha: string;
  expected?: string | undefined;
}): Promise<RefUpdateResult> {
  const argv = ["update-ref", args.ref, args.sha];
  if (args.expected !== undefined) argv.push(args.expected);
  const { code } = await git(args.gitDir, argv, { okCodes: [1, 128] });
  if (code === 0) return { ok: true };
  return { ok: false, current: await resolveRef(args.gitDir, args.ref) };
}

/** Deletes a ref (only if it holds `expected`, when given). */
export async function deleteRef(args: {
  gitDir: string;
  ref: string;
  expected?: string | undefined;
}): Promise<RefUpdateResult> {
  const argv = ["update-ref", "-d", args.ref];
  if (args.expected !== undefined) argv.push(args.expected);
  const { code } = await git(args.gitDir, argv, { okCodes: [1, 128] });
  if (code === 0) return { ok: true };
  return { ok: false, current: await resolveRef(args.gitDir, args.ref) };
}

export async function objectType(gitDir: string, sha: string): Promise<RefEntry["type"] | undefined> {
  const { stdout, code } = await git(gitDir, ["cat-file", "-t", sha], { okCodes: [1, 128] });
  return code === 0 ? (stdout.toString("utf8").trim() as RefEntry["type"]) : undefined;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  message: string;
}

function parseIdentity(line: string): GitIdentity {
  const match = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!match) return { name: line, email: "" };
  const seconds = Number(match[3]);
  return { name: match[1] ?? "", email: match[2] ?? "", date: new Date(seconds * 1000).toISOString() };
}

/** Reads a commit object, or undefined when `sha` is not a commit. */
export async function readCommit(gitDir: string, sha: string): Promise<CommitInfo | undefined> {
  const { stdout, code } = await git(gitDir, ["cat-file", "commit", sha], { okCodes: [1, 128] });
  if (code !== 0) return undefined;
  const raw = stdout.toString("utf8");
  const split = raw.indexOf("\n\n");
  const header = split === -1 ? raw : raw.slice(0, split);
  const message = split === -1 ? "" : raw.slice(split + 2);
  const info: CommitInfo = {
    sha: (await resolveCommit(gitDir, sha)) ?? sha,
    tree: "",
    parents: [],
    author: SIM_IDENTITY,
    committer: SIM_IDENTITY,
    message,
  };
  for (const line of header.split("\n")) {
    const space = line.indexOf(" ");
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === "tree") info.tree = value;
    else if (key === "parent") info.parents.push(value);
    else if (key === "author") info.author = parseIdentity(value);
    else if (key === "committer") info.committer = parseIdentity(value);
  }
  return info;
}

/** A file's content at a revision, or undefined when the path is missing or not a file. */
export async function readBlob(gitDir: string, rev: string, path: string): Promise<Buffer | undefined> {
  const spec = `${rev}:${path.replace(/^\/+/, "")}`;
  const type = await objectType(gitDir, spec);
  if (type !== "blob") return undefined;
  const { stdout } = await git(gitDir, ["cat-file", "blob", spec]);
  return stdout;
}

export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  size: number;
  path: string;
  name: string;
}

/** Entries of a directory at a revision (`""` for the root), or undefined if not a directory. */
export async function listTree(gitDir: string, rev: string, path: string): Promise<TreeEntry[] | undefined> {
  const clean = path.replace(/^\/+|\/+$/g, "");
  const spec = clean ? `${rev}:${clean}` : `${rev}^{tree}`;
  if ((await objectType(gitDir, spec)) !== "tree") return undefined;
  const out = await text(gitDir, ["ls-tree", "-l", spec]);
  if (!out) return [];
  return out.split("\n").map((line) => {
    const [meta = "", name = ""] = line.split("\t");
    const [mode = "", type = "blob", sha = "", size = "-"] = meta.split(/\s+/);
    return {
      mode,
      type: type as TreeEntry["type"],
      sha,
      size: size === "-" ? 0 : Number(size),
      name,
      path: clean ? `${clean}/${name}` : name,
    };
  });
}

/** Whether `ancestor` is reachable from `descendant` (equal counts as reachable). */
export async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  const { code } = await git(gitDir, ["merge-base", "--is-ancestor", ancestor, descendant], {
    okCodes: [1, 128],
  });
  return code === 0;
}

export async function mergeBase(gitDir: string, a: string, b: string): Promise<string | undefined> {
  const { stdout, code } = await git(gitDir, ["merge-base", a, b], { okCodes: [1] });
  return code === 0 ? stdout.toString("utf8").trim() : undefined;
}

export type MergeTreeResult = { clean: true; tree: string } | { clean: false; conflicts: string[] };

/** Three-way merges two commits' trees (merge base computed by git) without touching any ref. */
export async function mergeTrees(gitDir: string, ours: string, theirs: string): Promise<MergeTreeResult> {
  const { stdout, code } = await git(
    gitDir,
    ["merge-tree", "--write-tree", "--name-only", "--no-messages", ours, theirs],
    { okCodes: [1] },
  );
  const lines = stdout.toString("utf8").trim().split("\n");
  const tree = lines[0] ?? "";
  if (code === 0) return { clean: true, tree };
  return { clean: false, conflicts: lines.slice(1).filter((l) => l.length > 0) };
}

export async function commitTree(args: {
  gitDir: string;
  tree: string;
  parents: string[];
  message: string;
  author?: GitIdentity;
  committer?: GitIdentity;
}): Promise<string> {
  const argv = ["commit-tree", args.tree];
  for (const parent of args.parents) argv.push("-p", parent);
  return text(args.gitDir, argv, {
    input: args.message.endsWith("\n") ? args.message : `${args.message}\n`,
    env: identityEnv(args.author ?? SIM_IDENTITY, args.committer ?? args.author ?? SIM_IDENTITY),
  });
}

function gitDate(date: string | undefined): string {
  const ms = date ? Date.parse(date) : Date.now();
  return `${Math.floor(ms / 1000)} +0000`;
}

/** Writes an annotated tag object (no ref); returns its SHA. */
export async function createTag(args: {
  gitDir: string;
  tag: string;
  object: string;
  message: string;
  tagger?: GitIdentity;
}): Promise<string> {
  const type = await objectType(args.gitDir, args.object);
  if (!type) throw new GitError(["mktag"], 1, `object ${args.object} does not exist`);
  const tagger = args.tagger ?? SIM_IDENTITY;
  const body = [
    `object ${args.object}`,
    `type ${type}`,
    `tag ${args.tag}`,
    `tagger ${tagger.name} <${tagger.email}> ${gitDate(tagger.date)}`,
    "",
    args.message.endsWith("\n") ? args.message : `${args.message}\n`,
  ].join("\n");
  return text(args.gitDir, ["mktag"], { input: body });
}

export interface TagInfo {
  sha: string;
  tag: string;
  object: string;
  type: RefEntry["type"];
  tagger: GitIdentity;
  message: string;
}

export async function readTag(gitDir: string, sha: string): Promise<TagInfo | undefined> {
  if ((await objectType(gitDir, sha)) !== "tag") return undefined;
  const raw = (await git(gitDir, ["cat-file", "tag", sha])).stdout.toString("utf8");
  const split = raw.indexOf("\n\n");
  const header = raw.slice(0, split === -1 ? raw.length : split);
  const info: TagInfo = {
    sha,
    tag: "",
    object: "",
    type: "commit",
    tagger: SIM_IDENTITY,
    message: split === -1 ? "" : raw.slice(split + 2),
  };
  for (const line of header.split("\n")) {
    const space = line.indexOf(" ");
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === "object") info.object = value;
    else if (key === "type") info.type = value as RefEntry["type"];
    else if (key === "tag") info.tag = value;
    else if (key === "tagger") info.tagger = parseIdentity(value);
  }
  return info;
}

/** Commits reachable from `head` but not from `base`, oldest first. */
export async function revList(gitDir: string, base: string, head: string): Promise<string[]> {
  const out = await text(gitDir, ["rev-list", "--reverse", "--topo-order", `${base}..${head}`]);
  return out ? out.split("\n") : [];
}

export interface FileChange {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed";
  previous_filename?: string;
  additions: number;
  deletions: number;
}

/** Files changed between two commits, with line counts. */
export async function diffFiles(gitDir: string, from: string, to: string): Promise<FileChange[]> {
  const status = await text(gitDir, ["diff-tree", "-r", "-M", "--name-status", from, to]);
  const numstat = await text(gitDir, ["diff-tree", "-r", "-M", "--numstat", from, to]);
  const counts = new Map<string, { additions: number; deletions: number }>();
  for (const line of numstat ? numstat.split("\n") : []) {
    const [add = "0", del = "0", ...rest] = line.split("\t");
    const name = rest[rest.length - 1] ?? "";
    counts.set(name, { additions: Number(add) || 0, deletions: Number(del) || 0 });
  }
  const changes: FileChange[] = [];
  for (const line of status ? status.split("\n") : []) {
    const [code = "M", first = "", second] = line.split("\t");
    const kind = code[0];
    const filename = second ?? first;
    const count = counts.get(filename) ?? { additions: 0, deletions: 0 };
    if (kind === "R") changes.push({ filename, status: "renamed", previous_filename: first, ...count });
    else if (kind === "A") changes.push({ filename, status: "added", ...count });
    else if (kind === "D") changes.push({ filename, status: "removed", ...count });
    else changes.push({ filename, status: "modified", ...count });
  }
  return changes;
}

export type CherryPickResult = { clean: true; sha: string } | { clean: false; conflicts: string[] };

/** Runs git inside a (non-bare) work tree; resolves with trimmed stdout and the exit code. */
function inWorkTree(
  work: string,
  argv: string[],
  env: Record<string, string>,
): Promise<{ out: string; code: number }> {
  return new Promise((resolve) => {
    execFile(
      "git",
      ["-C", work, ...argv],
      { env: { ...process.env, ...env, LC_ALL: "C" } },
      (error, stdout) =>
        resolve({
          out: String(stdout).trim(),
          code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
        }),
    );
  });
}

/**
 * Replays `commits` (oldest first) onto `onto`, keeping each author and message — the
 * rebase merge method. Runs in a throwaway worktree; no ref of the repo moves.
 */
export async function cherryPickOnto(args: {
  gitDir: string;
  onto: string;
  commits: string[];
  committer?: GitIdentity;
}): Promise<CherryPickResult> {
  if (args.commits.length === 0) return { clean: true, sha: args.onto };
  const scratch = await mkdtemp(join(tmpdir(), "gastown-sim-pick-"));
  const work = join(scratch, "tree");
  const committer = args.committer ?? SIM_IDENTITY;
  const env = { GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email };
  try {
    await git(args.gitDir, ["worktree", "add", "--detach", "-q", work, args.onto]);
    for (const commit of args.commits) {
      const pick = await inWorkTree(
        work,
        ["cherry-pick", "--allow-empty", "--keep-redundant-commits", commit],
        env,
      );
      if (pick.code !== 0) {
        const unmerged = await inWorkTree(work, ["diff", "--name-only", "--diff-filter=U"], env);
        return { clean: false, conflicts: unmerged.out.split("\n").filter(Boolean) };
      }
    }
    return { clean: true, sha: (await inWorkTree(work, ["rev-parse", "HEAD"], env)).out };
  } finally {
    await git(args.gitDir, ["worktree", "remove", "--force", work], { okCodes: [1, 128] });
    await rm(scratch, { recursive: true, force: true });
    await git(args.gitDir, ["worktree", "prune"], { okCodes: [1, 128] });
  }
}
