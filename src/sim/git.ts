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
        // `--force-remove` wants a work tree; a mode-0 index-info line removes the entry without one.
        await git(args.gitDir, ["update-index", "-z", "--index-info"], {
          env,
          input: `0 ${ZERO}\t${path}\0`,
        });
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

export interface LoggedCommit extends CommitInfo {
  /** Paths the commit added, removed and modified relative to its first parent (with `files`). */
  added: string[];
  removed: string[];
  modified: string[];
}

/**
 * Commits reachable from `include` but from none of `exclude`, oldest first, read in one git
 * call (push payloads and closing keywords need many at once). `limit` keeps the newest ones;
 * `files` adds each commit's added/removed/modified paths.
 */
export async function logCommits(args: {
  gitDir: string;
  include: string[];
  exclude?: string[];
  limit?: number;
  files?: boolean;
}): Promise<LoggedCommit[]> {
  if (args.include.length === 0) return [];
  const argv = [
    "log",
    "--reverse",
    "--topo-order",
    "--format=%x1e%H%x1f%T%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1f",
  ];
  if (args.limit !== undefined) argv.push(`--max-count=${args.limit}`);
  if (args.files) argv.push("--name-status", "--no-renames", "-m", "--first-parent");
  argv.push(...args.include);
  const exclude = (args.exclude ?? []).filter((sha) => sha !== ZERO);
  if (exclude.length > 0) argv.push("--not", ...exclude);
  argv.push("--");
  const raw = (await git(args.gitDir, argv)).stdout.toString("utf8");
  const commits: LoggedCommit[] = [];
  for (const record of raw.split("\x1e")) {
    if (!record.trim()) continue;
    const [
      sha = "",
      tree = "",
      parents = "",
      an = "",
      ae = "",
      ad = "",
      cn = "",
      ce = "",
      cd = "",
      body = "",
      rest = "",
    ] = record.split("\x1f");
    const commit: LoggedCommit = {
      sha,
      tree,
      parents: parents ? parents.split(" ") : [],
      author: { name: an, email: ae, date: new Date(ad).toISOString() },
      committer: { name: cn, email: ce, date: new Date(cd).toISOString() },
      message: body,
      added: [],
      removed: [],
      modified: [],
    };
    for (const line of rest.split("\n")) {
      const [code = "", path] = line.split("\t");
      if (!path) continue;
      if (code.startsWith("A")) commit.added.push(path);
      else if (code.startsWith("D")) commit.removed.push(path);
      else commit.modified.push(path);
    }
    commits.push(commit);
  }
  return commits;
}

// --- Git Data API and smart-HTTP helpers (appended by the git REST/HTTP work) ---

/** The well-known empty tree: the "parent" a root commit is diffed against. */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** Entries of a tree-ish (commit, tag or tree SHA, or ref), recursively when asked; undefined if not one. */
export async function lsTree(args: {
  gitDir: string;
  treeish: string;
  recursive?: boolean;
}): Promise<{ sha: string; entries: TreeEntry[] } | undefined> {
  const sha = await resolveRef(args.gitDir, `${args.treeish}^{tree}`);
  if (!sha) return undefined;
  const argv = ["ls-tree", "-l", "-z", "--full-tree"];
  if (args.recursive) argv.push("-r", "-t");
  argv.push(sha);
  const out = (await git(args.gitDir, argv)).stdout.toString("utf8");
  const entries = out
    .split("\0")
    .filter((record) => record.length > 0)
    .map((record): TreeEntry => {
      const tab = record.indexOf("\t");
      const [mode = "", type = "blob", entrySha = "", size = "-"] = record.slice(0, tab).split(/\s+/);
      const path = record.slice(tab + 1);
      return {
        mode,
        type: type as TreeEntry["type"],
        sha: entrySha,
        size: size === "-" ? 0 : Number(size),
        path,
        name: path.slice(path.lastIndexOf("/") + 1),
      };
    });
  return { sha, entries };
}

/** Writes `content` as a blob object; returns its SHA. */
export async function writeBlob(gitDir: string, content: Buffer): Promise<string> {
  return text(gitDir, ["hash-object", "-w", "--stdin"], { input: content });
}

/** A blob's bytes by SHA, or undefined when `sha` is not a blob. */
export async function readBlobObject(gitDir: string, sha: string): Promise<Buffer | undefined> {
  if ((await objectType(gitDir, sha)) !== "blob") return undefined;
  return (await git(gitDir, ["cat-file", "blob", sha])).stdout;
}

export interface TreeWrite {
  path: string;
  /** `100644`, `100755`, `120000` (symlink), `160000` (submodule) or `040000` (subtree). */
  mode: string;
  /** The object to place at `path`; `null` removes the path (and everything under it). */
  sha: string | null;
}

/**
 * Builds a tree from `base` (a tree-ish; empty when undefined) with `entries` applied in order,
 * as the Git Data API's create-tree does. Uses a scratch index; no ref moves.
 */
export async function writeTree(args: {
  gitDir: string;
  base?: string;
  entries: TreeWrite[];
}): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), "gastown-sim-tree-"));
  const env = { GIT_INDEX_FILE: join(scratch, "index") };
  const removeUnder = async (path: string): Promise<void> => {
    const listed = (await git(args.gitDir, ["ls-files", "-z", "--", path], { env })).stdout.toString("utf8");
    // `--index-info` with mode 0 removes an entry; unlike `--stdin` it needs no work tree.
    const removals = listed
      .split("\0")
      .filter((p) => p.length > 0)
      .map((p) => `0 ${ZERO}\t${p}\0`)
      .join("");
    if (removals) await git(args.gitDir, ["update-index", "-z", "--index-info"], { env, input: removals });
  };
  try {
    await git(args.gitDir, args.base ? ["read-tree", args.base] : ["read-tree", "--empty"], { env });
    for (const entry of args.entries) {
      const path = entry.path.replace(/^\/+|\/+$/g, "");
      await removeUnder(path);
      if (entry.sha === null) continue;
      if (entry.mode === "040000") {
        const subtree = await lsTree({ gitDir: args.gitDir, treeish: entry.sha, recursive: true });
        const lines = (subtree?.entries ?? [])
          .filter((e) => e.type !== "tree")
          .map((e) => `${e.mode} ${e.sha}\t${path}/${e.path}\0`)
          .join("");
        if (lines) await git(args.gitDir, ["update-index", "-z", "--index-info"], { env, input: lines });
        continue;
      }
      await git(
        args.gitDir,
        ["update-index", "--add", "--replace", "--cacheinfo", `${entry.mode},${entry.sha},${path}`],
        { env },
      );
    }
    return await text(args.gitDir, ["write-tree"], { env });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Whether `ref` is a well-formed full ref name (`git check-ref-format`). */
export async function isValidRefName(gitDir: string, ref: string): Promise<boolean> {
  const { code } = await git(gitDir, ["check-ref-format", ref], { okCodes: [1, 128] });
  return code === 0;
}

/**
 * Commit SHAs reachable from `rev`, newest first (GitHub's list-commits order), optionally only
 * those touching `path` and within `since`/`until` (ISO dates).
 */
export async function listCommitShas(args: {
  gitDir: string;
  rev: string;
  path?: string;
  since?: string;
  until?: string;
}): Promise<string[]> {
  const argv = ["rev-list"];
  if (args.since) argv.push(`--since=${args.since}`);
  if (args.until) argv.push(`--until=${args.until}`);
  argv.push(args.rev, "--");
  if (args.path) argv.push(args.path);
  const out = await text(args.gitDir, argv);
  return out ? out.split("\n") : [];
}

/** Old and new blob SHAs of each path changed between two tree-ishes (renames followed). */
export async function diffBlobShas(
  gitDir: string,
  from: string,
  to: string,
): Promise<Map<string, { before: string; after: string }>> {
  const out = (await git(gitDir, ["diff-tree", "-r", "-M", "-z", "--no-abbrev", from, to])).stdout.toString(
    "utf8",
  );
  const fields = out.split("\0");
  const shas = new Map<string, { before: string; after: string }>();
  for (let i = 0; i < fields.length; ) {
    const meta = fields[i] ?? "";
    if (!meta.startsWith(":")) {
      i += 1;
      continue;
    }
    const [, , before = ZERO, after = ZERO, status = "M"] = meta.slice(1).split(" ");
    const renamed = status.startsWith("R") || status.startsWith("C");
    const path = renamed ? (fields[i + 2] ?? "") : (fields[i + 1] ?? "");
    shas.set(path, { before, after });
    i += renamed ? 3 : 2;
  }
  return shas;
}
