// The Git Data API: tag objects, commits, trees and blobs, written to and read from the real
// bare repository. A hook claim writes a tag object naming its holder, then creates a ref to it.
import type { SimContext } from "../context.ts";
import {
  commitTree,
  createTag,
  lsTree,
  objectType,
  readBlobObject,
  readCommit,
  readTag,
  resolveRef,
  type TreeEntry,
  type TreeWrite,
  writeBlob,
  writeTree,
} from "../git.ts";
import { identityFrom, optionalString, repoFor, requiredString, resolveCommitish } from "../git-rest.ts";
import { bodyObject, notFound, ok, type SimRequest, type SimResponse, validationFailed } from "../http.ts";
import type { Router } from "../router.ts";
import { base64Lines, gitCommitShape, gitTagShape, identityOf, nodeId, repoApiUrl } from "../shapes-git.ts";
import type { SimRepo } from "../state.ts";

const HEX = /^[0-9a-f]{4,40}$/i;
const OBJECT_TYPES = ["commit", "tree", "blob"] as const;
const TREE_MODES = ["100644", "100755", "040000", "160000", "120000"] as const;

/** The full SHA of an object of `type` named by a (possibly short) hex SHA, else undefined. */
async function objectOf(repo: SimRepo, sha: unknown, type: string): Promise<string | undefined> {
  if (typeof sha !== "string" || !HEX.test(sha)) return undefined;
  if ((await objectType(repo.gitDir, sha)) !== type) return undefined;
  return resolveRef(repo.gitDir, `${sha}^{${type}}`);
}

async function createTagObject(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const body = bodyObject(req);
  const tag = requiredString(body, "tag");
  const message = requiredString(body, "message");
  const object = requiredString(body, "object").toLowerCase();
  const type = requiredString(body, "type");
  if (!(OBJECT_TYPES as readonly string[]).includes(type)) {
    throw validationFailed(
      `Invalid request.\n\n${JSON.stringify(type)} is not a member of ${OBJECT_TYPES.join(", ")}.`,
    );
  }
  const actual = HEX.test(object) ? await objectType(repo.gitDir, object) : undefined;
  if (!actual) throw validationFailed("Object does not exist");
  if (actual !== type) throw validationFailed(`Object ${object} is a ${actual}, not a ${type}.`);
  const tagger = identityFrom(
    body.tagger,
    { ...identityOf(sim.state, req.principal.login), date: new Date().toISOString() },
    "tagger",
  );
  const sha = await createTag({ gitDir: repo.gitDir, tag, object, message, tagger });
  const info = await readTag(repo.gitDir, sha);
  if (!info) throw new Error(`tag object ${sha} vanished right after it was written`);
  return ok(gitTagShape(sim.baseUrl, repo, info), 201, {
    location: `${repoApiUrl(sim.baseUrl, repo)}/git/tags/${sha}`,
  });
}

async function getTagObject(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const sha = await objectOf(repo, req.params.tag_sha, "tag");
  const info = sha ? await readTag(repo.gitDir, sha) : undefined;
  if (!info) throw notFound();
  return ok(gitTagShape(sim.baseUrl, repo, info));
}

async function getCommitObject(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const sha = await objectOf(repo, req.params.commit_sha, "commit");
  const info = sha ? await readCommit(repo.gitDir, sha) : undefined;
  if (!info) throw notFound();
  return ok(gitCommitShape(sim.baseUrl, repo, info));
}

async function createCommitObject(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const body = bodyObject(req);
  const message = requiredString(body, "message");
  const tree = await objectOf(repo, requiredString(body, "tree"), "tree");
  if (!tree) throw validationFailed("Tree SHA does not exist");
  const rawParents = body.parents ?? [];
  if (!Array.isArray(rawParents)) throw validationFailed(`Invalid request.\n\n"parents" is not an array.`);
  const parents: string[] = [];
  for (const parent of rawParents) {
    const sha = await objectOf(repo, parent, "commit");
    if (!sha) throw validationFailed("Parent SHA does not exist or is not a commit object");
    parents.push(sha);
  }
  const now = new Date().toISOString();
  const author = identityFrom(
    body.author,
    { ...identityOf(sim.state, req.principal.login), date: now },
    "author",
  );
  const committer = identityFrom(body.committer, author, "committer");
  const sha = await commitTree({ gitDir: repo.gitDir, tree, parents, message, author, committer });
  const info = await readCommit(repo.gitDir, sha);
  if (!info) throw new Error(`commit ${sha} vanished right after it was written`);
  return ok(gitCommitShape(sim.baseUrl, repo, info), 201, {
    location: `${repoApiUrl(sim.baseUrl, repo)}/git/commits/${sha}`,
  });
}

function treeShape(
  sim: SimContext,
  repo: SimRepo,
  sha: string,
  entries: TreeEntry[],
): Record<string, unknown> {
  const api = repoApiUrl(sim.baseUrl, repo);
  return {
    sha,
    url: `${api}/git/trees/${sha}`,
    tree: entries.map((entry) => {
      const shaped: Record<string, unknown> = {
        path: entry.path,
        mode: entry.mode,
        type: entry.type,
        sha: entry.sha,
      };
      if (entry.type === "blob") {
        shaped.size = entry.size;
        shaped.url = `${api}/git/blobs/${entry.sha}`;
      } else if (entry.type === "tree") {
        shaped.url = `${api}/git/trees/${entry.sha}`;
      }
      return shaped;
    }),
    truncated: false,
  };
}

async function getTree(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const name = req.params.tree_sha ?? "";
  // GitHub takes a tree SHA, a commit SHA, or a branch or tag name here.
  const treeish = HEX.test(name) ? name : await resolveCommitish(repo, name);
  // Any value of `recursive` turns recursion on, even "0" and "false", as on GitHub.
  const listed = treeish
    ? await lsTree({ gitDir: repo.gitDir, treeish, recursive: req.query.has("recursive") })
    : undefined;
  if (!listed) throw notFound();
  return ok(treeShape(sim, repo, listed.sha, listed.entries));
}

async function createTreeObject(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const body = bodyObject(req);
  if (!Array.isArray(body.tree)) throw validationFailed(`Invalid request.\n\n"tree" wasn't supplied.`);
  const baseName = optionalString(body, "base_tree");
  const base = baseName === undefined ? undefined : await objectOf(repo, baseName, "tree");
  if (baseName !== undefined && !base)
    throw validationFailed(`base_tree ${baseName} is not a valid tree oid.`);
  const entries: TreeWrite[] = [];
  for (const raw of body.tree as unknown[]) {
    if (typeof raw !== "object" || raw === null)
      throw validationFailed(`Invalid request.\n\nEach tree entry must be an object.`);
    const item = raw as Record<string, unknown>;
    const path = requiredString(item, "path");
    const mode = requiredString(item, "mode");
    const type = requiredString(item, "type");
    if (!(TREE_MODES as readonly string[]).includes(mode)) {
      throw validationFailed(
        `Invalid request.\n\n${JSON.stringify(mode)} is not a member of ${TREE_MODES.join(", ")}.`,
      );
    }
    if (!(OBJECT_TYPES as readonly string[]).includes(type)) {
      throw validationFailed(
        `Invalid request.\n\n${JSON.stringify(type)} is not a member of ${OBJECT_TYPES.join(", ")}.`,
      );
    }
    const content = optionalString(item, "content");
    const hasSha = "sha" in item;
    if (content !== undefined && hasSha)
      throw validationFailed(`Entry ${path} gives both "sha" and "content"; give one.`);
    if (content !== undefined) {
      if (type !== "blob")
        throw validationFailed(`Entry ${path} has "content" but is a ${type}; content makes blobs only.`);
      entries.push({ path, mode, sha: await writeBlob(repo.gitDir, Buffer.from(content, "utf8")) });
      continue;
    }
    if (item.sha === null) {
      entries.push({ path, mode, sha: null });
      continue;
    }
    // Submodule entries name a commit of another repository; GitHub does not check them.
    const sha =
      type === "commit" && typeof item.sha === "string" ? item.sha : await objectOf(repo, item.sha, type);
    if (!sha) throw validationFailed(`tree.sha ${String(item.sha)} is not a valid ${type}.`);
    entries.push({ path, mode, sha });
  }
  const sha = await writeTree({ gitDir: repo.gitDir, ...(base ? { base } : {}), entries });
  const listed = await lsTree({ gitDir: repo.gitDir, treeish: sha });
  return ok(treeShape(sim, repo, sha, listed?.entries ?? []), 201, {
    location: `${repoApiUrl(sim.baseUrl, repo)}/git/trees/${sha}`,
  });
}

async function createBlob(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const body = bodyObject(req);
  const content = requiredString(body, "content");
  const encoding = optionalString(body, "encoding") ?? "utf-8";
  if (encoding !== "utf-8" && encoding !== "utf8" && encoding !== "base64") {
    throw validationFailed(
      `Invalid request.\n\nencoding must be "utf-8" or "base64" (got ${JSON.stringify(encoding)}).`,
    );
  }
  const bytes = encoding === "base64" ? Buffer.from(content, "base64") : Buffer.from(content, "utf8");
  const sha = await writeBlob(repo.gitDir, bytes);
  const url = `${repoApiUrl(sim.baseUrl, repo)}/git/blobs/${sha}`;
  return ok({ url, sha }, 201, { location: url });
}

async function getBlob(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const sha = await objectOf(repo, req.params.file_sha, "blob");
  const content = sha ? await readBlobObject(repo.gitDir, sha) : undefined;
  if (!sha || !content) throw notFound();
  return ok({
    sha,
    node_id: nodeId("B", repo, sha),
    size: content.length,
    url: `${repoApiUrl(sim.baseUrl, repo)}/git/blobs/${sha}`,
    content: base64Lines(content),
    encoding: "base64",
  });
}

export function register(router: Router): void {
  router.post("/repos/{owner}/{repo}/git/tags", createTagObject);
  router.get("/repos/{owner}/{repo}/git/tags/{tag_sha}", getTagObject);
  router.post("/repos/{owner}/{repo}/git/commits", createCommitObject);
  router.get("/repos/{owner}/{repo}/git/commits/{commit_sha}", getCommitObject);
  router.post("/repos/{owner}/{repo}/git/trees", createTreeObject);
  router.get("/repos/{owner}/{repo}/git/trees/{tree_sha}", getTree);
  router.post("/repos/{owner}/{repo}/git/blobs", createBlob);
  router.get("/repos/{owner}/{repo}/git/blobs/{file_sha}", getBlob);
}
