// Repository contents (read a file or directory at a ref; create, update or delete a file as a
// commit on a branch) and the commits API (one commit with its files, or a branch's history).
// Writes move the branch by compare-and-swap and retry on a lost race, re-checking the file's
// blob SHA each time, so a stale `sha` still answers 409 however the race went.
import type { SimContext } from "../context.ts";
import {
  type CommitInfo,
  commitTree,
  listCommitShas,
  listTree,
  readBlobObject,
  readCommit,
  type TreeEntry,
  updateRef,
  writeBlob,
  writeTree,
} from "../git.ts";
import {
  announceRefMove,
  assertMayUpdateBranch,
  branchHead,
  identityFrom,
  optionalString,
  repoFor,
  requiredString,
  resolveCommitish,
} from "../git-rest.ts";
import {
  bodyObject,
  HttpError,
  notFound,
  ok,
  paginate,
  type SimRequest,
  type SimResponse,
  validationFailed,
} from "../http.ts";
import type { Router } from "../router.ts";
import {
  accountFor,
  base64Lines,
  commitShape,
  contentEntryShape,
  contentTypeOf,
  diffEntries,
  gitCommitShape,
  identityOf,
} from "../shapes-git.ts";
import type { SimRepo } from "../state.ts";

const CAS_ATTEMPTS = 20;
/** Past this size GitHub answers a file's metadata with `encoding: "none"` and no content. */
const INLINE_LIMIT = 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/=\s]*$/;

function cleanPath(param: string | undefined): string {
  return (param ?? "").replace(/^\/+|\/+$/g, "");
}

/** The tree entry at `path` in `commit`, or undefined. */
async function entryAt(repo: SimRepo, commit: string, path: string): Promise<TreeEntry | undefined> {
  const slash = path.lastIndexOf("/");
  const dir = slash === -1 ? "" : path.slice(0, slash);
  const name = path.slice(slash + 1);
  return (await listTree(repo.gitDir, commit, dir))?.find((entry) => entry.name === name);
}

function entryShape(sim: SimContext, repo: SimRepo, ref: string, entry: TreeEntry): Record<string, unknown> {
  return contentEntryShape({
    baseUrl: sim.baseUrl,
    repo,
    ref,
    type: contentTypeOf(entry.mode),
    path: entry.path,
    sha: entry.sha,
    size: entry.size,
  });
}

async function getContent(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const ref = req.query.get("ref") || repo.default_branch;
  const commit = await resolveCommitish(repo, ref);
  if (!commit) throw new HttpError(404, `No commit found for the ref ${ref}`);
  const path = cleanPath(req.params.path);
  const entry = path ? await entryAt(repo, commit, path) : undefined;
  if (!entry) throw notFound();
  const type = contentTypeOf(entry.mode);
  if (type === "dir") {
    const children = (await listTree(repo.gitDir, commit, path)) ?? [];
    return ok(children.map((child) => entryShape(sim, repo, ref, child)));
  }
  const shape = entryShape(sim, repo, ref, entry);
  if (type === "submodule") return ok({ ...shape, submodule_git_url: "" });
  const content = (await readBlobObject(repo.gitDir, entry.sha)) ?? Buffer.alloc(0);
  if (type === "symlink") return ok({ ...shape, target: content.toString("utf8") });
  if (content.length > INLINE_LIMIT) return ok({ ...shape, content: "", encoding: "none" });
  return ok({ ...shape, content: base64Lines(content), encoding: "base64" });
}

/** The `file-commit` answer of a contents write. */
async function fileCommit(args: {
  sim: SimContext;
  repo: SimRepo;
  branch: string;
  commit: string;
  path: string;
  deleted: boolean;
}): Promise<Record<string, unknown>> {
  const { sim, repo, branch, commit, path } = args;
  const info = await readCommit(repo.gitDir, commit);
  if (!info) throw new Error(`commit ${commit} vanished right after it was written`);
  const entry = args.deleted ? undefined : await entryAt(repo, commit, path);
  return {
    content: entry ? entryShape(sim, repo, branch, entry) : null,
    commit: gitCommitShape(sim.baseUrl, repo, info),
  };
}

/** 422 when a directory of `path` is a file on the branch (`README.md/x`). */
async function refuseFileInPath(repo: SimRepo, commit: string, path: string, branch: string): Promise<void> {
  const parts = path.split("/");
  for (let i = 1; i < parts.length; i += 1) {
    const prefix = parts.slice(0, i).join("/");
    const entry = await entryAt(repo, commit, prefix);
    if (!entry) return;
    if (contentTypeOf(entry.mode) !== "dir") {
      throw validationFailed(`Cannot write ${path} on ${branch}: ${prefix} is a file, not a directory.`);
    }
  }
}

/** Creates, updates (`content`) or deletes (`content` null) one file as a commit on a branch. */
async function writeFile(req: SimRequest, sim: SimContext, mode: "put" | "delete"): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const body = bodyObject(req);
  const path = cleanPath(req.params.path);
  const message = requiredString(body, "message");
  let content: Buffer | null = null;
  if (mode === "put") {
    const encoded = requiredString(body, "content");
    if (!BASE64.test(encoded)) throw validationFailed("content is not valid Base64");
    content = Buffer.from(encoded, "base64");
  }
  const expectedSha = mode === "delete" ? requiredString(body, "sha") : optionalString(body, "sha");
  const branch = optionalString(body, "branch") ?? repo.default_branch;
  const caller = { ...identityOf(sim.state, req.principal.login), date: new Date().toISOString() };
  const committer = identityFrom(body.committer, caller, "committer");
  const author = identityFrom(body.author, committer, "author");

  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
    const parent = await branchHead(repo, branch);
    if (!parent) throw new HttpError(404, `Branch ${branch} not found`);
    const existing = await entryAt(repo, parent, path);
    if (existing && contentTypeOf(existing.mode) === "dir") {
      throw validationFailed(`${path} is a directory in ${branch}; give the path of a file.`);
    }
    if (mode === "delete" && !existing) throw notFound();
    if (existing && expectedSha === undefined)
      throw validationFailed(`Invalid request.\n\n"sha" wasn't supplied.`);
    if (existing && expectedSha !== undefined && existing.sha !== expectedSha) {
      throw new HttpError(409, `${path} does not match ${expectedSha}`);
    }
    await refuseFileInPath(repo, parent, path, branch);
    const blob = content === null ? null : await writeBlob(repo.gitDir, content);
    const tree = await writeTree({
      gitDir: repo.gitDir,
      base: parent,
      entries: [{ path, mode: existing?.mode ?? "100644", sha: blob }],
    });
    const commit = await commitTree({
      gitDir: repo.gitDir,
      tree,
      parents: [parent],
      message,
      author,
      committer,
    });
    assertMayUpdateBranch({ repo, branch, sha: commit, principal: req.principal, status: 409 });
    const ref = `refs/heads/${branch}`;
    const moved = await updateRef({ gitDir: repo.gitDir, ref, sha: commit, expected: parent });
    if (!moved.ok) continue;
    await announceRefMove(sim, { repo, ref, before: parent, after: commit, principal: req.principal });
    const answer = await fileCommit({ sim, repo, branch, commit, path, deleted: mode === "delete" });
    return ok(answer, mode === "put" && !existing ? 201 : 200);
  }
  throw new HttpError(409, `Branch ${branch} kept moving while writing ${path}; try again.`);
}

async function getCommit(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const ref = req.params.ref ?? "";
  const sha = await resolveCommitish(repo, ref);
  const commit = sha ? await readCommit(repo.gitDir, sha) : undefined;
  if (!commit) throw validationFailed(`No commit found for SHA: ${ref}`);
  const files = await diffEntries({ baseUrl: sim.baseUrl, repo, from: commit.parents[0], to: commit.sha });
  return ok(commitShape({ sim, repo, commit, files }));
}

/** Whether `login` (or an email) authored a commit, as the list endpoint's `author` filter means. */
function authoredBy(sim: SimContext, commit: CommitInfo, who: string): boolean {
  if (commit.author.email.toLowerCase() === who.toLowerCase()) return true;
  const account = accountFor(sim.state, sim.baseUrl, commit.author);
  return typeof account?.login === "string" && account.login.toLowerCase() === who.toLowerCase();
}

async function listCommits(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const rev = req.query.get("sha") || repo.default_branch;
  const head = await resolveCommitish(repo, rev);
  if (!head) throw notFound();
  const since = req.query.get("since") ?? undefined;
  const until = req.query.get("until") ?? undefined;
  const path = req.query.get("path") ?? undefined;
  const shas = await listCommitShas({
    gitDir: repo.gitDir,
    rev: head,
    ...(path ? { path: cleanPath(path) } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  });
  const author = req.query.get("author");
  if (author) {
    const all = await Promise.all(shas.map((sha) => readCommit(repo.gitDir, sha)));
    const matching = all.filter((c): c is CommitInfo => c !== undefined && authoredBy(sim, c, author));
    return paginate(req, matching, (commit) => commitShape({ sim, repo, commit }));
  }
  // Read only the requested page's commits: histories can be long.
  const page = paginate(req, shas);
  const commits = await Promise.all((page.body as string[]).map((sha) => readCommit(repo.gitDir, sha)));
  return {
    ...page,
    body: commits
      .filter((c): c is CommitInfo => c !== undefined)
      .map((commit) => commitShape({ sim, repo, commit })),
  };
}

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}/contents/{path}", getContent);
  router.put("/repos/{owner}/{repo}/contents/{path}", (req, sim) => writeFile(req, sim, "put"));
  router.delete("/repos/{owner}/{repo}/contents/{path}", (req, sim) => writeFile(req, sim, "delete"));
  router.get("/repos/{owner}/{repo}/commits", listCommits);
  router.get("/repos/{owner}/{repo}/commits/{ref}", getCommit);
}
