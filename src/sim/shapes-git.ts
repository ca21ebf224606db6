// GitHub's REST shapes for git things: refs, tags, commits (both the Git Data API's `git-commit`
// and the repos API's `commit`), diff entries and file contents. Shared by the refs, git-data,
// branches, compare, merges and contents routes, and by anything else that answers commits
// (pull request commits, for one).
import type { SimContext } from "./context.ts";
import {
  type CommitInfo,
  diffBlobShas,
  diffFiles,
  EMPTY_TREE,
  type GitIdentity,
  type RefEntry,
  type TagInfo,
  ZERO,
} from "./git.ts";
import { isoNow } from "./http.ts";
import { userShape } from "./shapes.ts";
import type { SimRepo, SimState } from "./state.ts";

/** `${baseUrl}/repos/{owner}/{repo}`: the prefix of every API URL of a repo. */
export function repoApiUrl(baseUrl: string, repo: SimRepo): string {
  return `${baseUrl}/repos/${repo.owner}/${repo.name}`;
}

/** `${baseUrl}/{owner}/{repo}`: the prefix of every web URL of a repo. */
export function repoHtmlUrl(baseUrl: string, repo: SimRepo): string {
  return `${baseUrl}/${repo.owner}/${repo.name}`;
}

/** Encodes each segment of a slash-separated path or ref for use in a URL. */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** GitHub's opaque GraphQL ids; stable for a given kind, repo and key. */
export function nodeId(kind: string, repo: SimRepo, key: string): string {
  return `${kind}_${Buffer.from(`${repo.id}:${key}`).toString("base64url")}`;
}

const NOREPLY = /^(?:(\d+)\+)?([^@]+)@users\.noreply\.github\.com$/i;

/**
 * The git identity GitHub writes for an account: its login and its noreply address, which maps
 * back to the account in commit shapes.
 */
export function identityOf(state: SimState, login: string | undefined): GitIdentity {
  if (!login) return { name: "GitHub", email: "noreply@github.com" };
  const user = state.user(login);
  return { name: user.login, email: `${user.id}+${user.login}@users.noreply.github.com` };
}

/**
 * The account behind a commit's author or committer email, as GitHub links it: noreply
 * addresses map to their account, GitHub's own address to `web-flow`, anything else to null.
 */
export function accountFor(
  state: SimState,
  baseUrl: string,
  identity: GitIdentity,
): Record<string, unknown> | null {
  if (identity.email.toLowerCase() === "noreply@github.com")
    return userShape(baseUrl, state.user("web-flow"));
  const match = NOREPLY.exec(identity.email);
  const login = match?.[2];
  if (!login) return null;
  const user = state.users.get(login.toLowerCase());
  if (!user || (match?.[1] !== undefined && match[1] !== String(user.id))) return null;
  return userShape(baseUrl, user);
}

/** `{ name, email, date }` with GitHub's second-precision UTC timestamp. */
export function gitUserShape(identity: GitIdentity): { name: string; email: string; date: string } {
  return {
    name: identity.name,
    email: identity.email,
    date: isoNow(identity.date ? new Date(identity.date) : new Date()),
  };
}

/** GitHub answers messages without git's trailing newline. */
export function messageOf(raw: string): string {
  return raw.replace(/\n+$/, "");
}

export const UNSIGNED = {
  verified: false,
  reason: "unsigned",
  signature: null,
  payload: null,
  verified_at: null,
} as const;

export function gitRefShape(baseUrl: string, repo: SimRepo, entry: RefEntry): Record<string, unknown> {
  const api = repoApiUrl(baseUrl, repo);
  const kind = entry.type === "tag" ? "tags" : entry.type === "commit" ? "commits" : `${entry.type}s`;
  return {
    ref: entry.ref,
    node_id: nodeId("REF", repo, entry.ref),
    url: `${api}/git/${encodePath(entry.ref)}`,
    object: { type: entry.type, sha: entry.sha, url: `${api}/git/${kind}/${entry.sha}` },
  };
}

export function gitTagShape(baseUrl: string, repo: SimRepo, tag: TagInfo): Record<string, unknown> {
  const api = repoApiUrl(baseUrl, repo);
  const kind = tag.type === "tag" ? "tags" : `${tag.type}s`;
  return {
    node_id: nodeId("TAG", repo, tag.sha),
    tag: tag.tag,
    sha: tag.sha,
    url: `${api}/git/tags/${tag.sha}`,
    message: messageOf(tag.message),
    tagger: gitUserShape(tag.tagger),
    object: { sha: tag.object, type: tag.type, url: `${api}/git/${kind}/${tag.object}` },
    verification: UNSIGNED,
  };
}

/** The Git Data API's `git-commit` shape. */
export function gitCommitShape(baseUrl: string, repo: SimRepo, commit: CommitInfo): Record<string, unknown> {
  const api = repoApiUrl(baseUrl, repo);
  const html = repoHtmlUrl(baseUrl, repo);
  return {
    sha: commit.sha,
    node_id: nodeId("C", repo, commit.sha),
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${html}/commit/${commit.sha}`,
    author: gitUserShape(commit.author),
    committer: gitUserShape(commit.committer),
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    message: messageOf(commit.message),
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/git/commits/${sha}`,
      html_url: `${html}/commit/${sha}`,
    })),
    verification: UNSIGNED,
  };
}

export interface DiffEntry {
  sha: string | null;
  filename: string;
  status: "added" | "removed" | "modified" | "renamed";
  additions: number;
  deletions: number;
  changes: number;
  blob_url: string;
  raw_url: string;
  contents_url: string;
  previous_filename?: string;
}

/** GitHub's `diff-entry` list for the change from one commit to another (`undefined`: a root). */
export async function diffEntries(args: {
  baseUrl: string;
  repo: SimRepo;
  from: string | undefined;
  to: string;
}): Promise<DiffEntry[]> {
  const { baseUrl, repo, to } = args;
  const from = args.from ?? EMPTY_TREE;
  const [changes, shas] = await Promise.all([
    diffFiles(repo.gitDir, from, to),
    diffBlobShas(repo.gitDir, from, to),
  ]);
  const api = repoApiUrl(baseUrl, repo);
  const html = repoHtmlUrl(baseUrl, repo);
  return changes.map((change) => {
    const blobs = shas.get(change.filename);
    const blob = change.status === "removed" ? blobs?.before : blobs?.after;
    const path = encodePath(change.filename);
    const entry: DiffEntry = {
      sha: blob && blob !== ZERO ? blob : null,
      filename: change.filename,
      status: change.status,
      additions: change.additions,
      deletions: change.deletions,
      changes: change.additions + change.deletions,
      blob_url: `${html}/blob/${to}/${path}`,
      raw_url: `${html}/raw/${to}/${path}`,
      contents_url: `${api}/contents/${path}?ref=${to}`,
    };
    if (change.previous_filename !== undefined) entry.previous_filename = change.previous_filename;
    return entry;
  });
}

/**
 * The repos API's `commit` shape. With `files`, adds `stats` and `files` as the single-commit
 * endpoint does; lists (compare, list commits, branches) leave them out as GitHub does.
 */
export function commitShape(args: {
  sim: SimContext;
  repo: SimRepo;
  commit: CommitInfo;
  files?: DiffEntry[];
}): Record<string, unknown> {
  const { sim, repo, commit } = args;
  const api = repoApiUrl(sim.baseUrl, repo);
  const html = repoHtmlUrl(sim.baseUrl, repo);
  const shape: Record<string, unknown> = {
    url: `${api}/commits/${commit.sha}`,
    sha: commit.sha,
    node_id: nodeId("C", repo, commit.sha),
    html_url: `${html}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${commit.sha}`,
      author: gitUserShape(commit.author),
      committer: gitUserShape(commit.committer),
      message: messageOf(commit.message),
      comment_count: 0,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      verification: UNSIGNED,
    },
    author: accountFor(sim.state, sim.baseUrl, commit.author),
    committer: accountFor(sim.state, sim.baseUrl, commit.committer),
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${html}/commit/${sha}`,
    })),
  };
  if (args.files) {
    const additions = args.files.reduce((n, f) => n + f.additions, 0);
    const deletions = args.files.reduce((n, f) => n + f.deletions, 0);
    shape.stats = { total: additions + deletions, additions, deletions };
    shape.files = args.files;
  }
  return shape;
}

/** Base64 in lines of 60 characters, each ending in a newline, as the contents API answers. */
export function base64Lines(content: Buffer): string {
  const encoded = content.toString("base64");
  let out = "";
  for (let i = 0; i < encoded.length; i += 60) out += `${encoded.slice(i, i + 60)}\n`;
  return out;
}

export type ContentType = "file" | "dir" | "symlink" | "submodule";

/** The fields every contents-API entry carries (file, directory entry, symlink, submodule). */
export function contentEntryShape(args: {
  baseUrl: string;
  repo: SimRepo;
  /** The ref the caller asked for (or the default branch), echoed in URLs as GitHub does. */
  ref: string;
  type: ContentType;
  path: string;
  sha: string;
  size: number;
}): Record<string, unknown> {
  const { baseUrl, repo, ref, type, path, sha } = args;
  const api = repoApiUrl(baseUrl, repo);
  const html = repoHtmlUrl(baseUrl, repo);
  const encoded = encodePath(path);
  const self = `${api}/contents/${encoded}?ref=${encodeURIComponent(ref)}`;
  const gitUrl =
    type === "dir" ? `${api}/git/trees/${sha}` : type === "submodule" ? null : `${api}/git/blobs/${sha}`;
  const htmlUrl = `${html}/${type === "dir" ? "tree" : "blob"}/${encodePath(ref)}/${encoded}`;
  return {
    type,
    size: args.size,
    name: path.slice(path.lastIndexOf("/") + 1),
    path,
    sha,
    url: self,
    git_url: gitUrl,
    html_url: type === "submodule" ? null : htmlUrl,
    download_url: type === "file" || type === "symlink" ? `${html}/raw/${encodePath(ref)}/${encoded}` : null,
    _links: { self, git: gitUrl, html: type === "submodule" ? null : htmlUrl },
  };
}

/** Maps a tree entry's git mode to the contents API's type. */
export function contentTypeOf(mode: string): ContentType {
  if (mode === "040000") return "dir";
  if (mode === "120000") return "symlink";
  if (mode === "160000") return "submodule";
  return "file";
}
