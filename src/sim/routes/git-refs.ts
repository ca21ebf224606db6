// Git references: get, list matching, create, update and delete, as GitHub answers them. Every
// write is a compare-and-swap on the real ref (git's lock file), so many concurrent creators of
// one ref get exactly one 201 — the primitive the hook claim is built on.
import type { SimContext } from "../context.ts";
import {
  deleteRef,
  isAncestor,
  isValidRefName,
  listRefs,
  objectType,
  resolveCommit,
  updateRef,
  ZERO,
} from "../git.ts";
import {
  announceRefMove,
  assertMayUpdateBranch,
  FULL_SHA,
  isProtectedBranch,
  readRef,
  repoFor,
  requiredString,
} from "../git-rest.ts";
import {
  bodyObject,
  HttpError,
  noContent,
  notFound,
  ok,
  type SimRequest,
  type SimResponse,
  validationFailed,
} from "../http.ts";
import type { Router } from "../router.ts";
import { encodePath, gitRefShape, repoApiUrl } from "../shapes-git.ts";
import type { SimRepo } from "../state.ts";

/** Concurrent writers retry a lost compare-and-swap this many times before answering 409. */
const CAS_ATTEMPTS = 20;

/** `heads/main` and `refs/heads/main` both name `refs/heads/main`. */
function fullRef(param: string | undefined): string {
  const ref = (param ?? "").replace(/^\/+|\/+$/g, "");
  return ref.startsWith("refs/") ? ref : `refs/${ref}`;
}

async function getRef(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const entry = await readRef(repo.gitDir, fullRef(req.params.ref));
  if (!entry) throw notFound();
  return ok(gitRefShape(sim.baseUrl, repo, entry));
}

async function matchingRefs(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  // GitHub matches by string prefix (`heads/feat` finds `heads/feature-a`), not by path segment.
  const prefix = fullRef(req.params.ref);
  const entries = (await listRefs(repo.gitDir, "refs/")).filter((entry) => entry.ref.startsWith(prefix));
  return ok(entries.map((entry) => gitRefShape(sim.baseUrl, repo, entry)));
}

/** 422 "Object does not exist" unless `sha` is a full SHA of an object in the repo. */
async function requireObject(repo: SimRepo, sha: string): Promise<void> {
  if (!FULL_SHA.test(sha) || !(await objectType(repo.gitDir, sha)))
    throw validationFailed("Object does not exist");
}

function branchOf(ref: string): string | undefined {
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined;
}

async function createRef(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const body = bodyObject(req);
  const ref = requiredString(body, "ref");
  const sha = requiredString(body, "sha").toLowerCase();
  if (!ref.startsWith("refs/") || ref.split("/").length < 3) {
    throw validationFailed("Reference name must start with 'refs/' and have at least two slashes.");
  }
  if (!(await isValidRefName(repo.gitDir, ref))) throw validationFailed(`${ref} is not a valid ref name.`);
  await requireObject(repo, sha);
  const result = await updateRef({ gitDir: repo.gitDir, ref, sha, expected: ZERO });
  if (!result.ok) throw validationFailed("Reference already exists");
  await announceRefMove(sim, { repo, ref, before: ZERO, after: sha, principal: req.principal });
  const entry = (await readRef(repo.gitDir, ref)) ?? { ref, sha, type: "commit" as const };
  return ok(gitRefShape(sim.baseUrl, repo, entry), 201, {
    location: `${repoApiUrl(sim.baseUrl, repo)}/git/${encodePath(ref)}`,
  });
}

async function patchRef(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const ref = fullRef(req.params.ref);
  const body = bodyObject(req);
  const sha = requiredString(body, "sha").toLowerCase();
  const force = body.force === true;
  await requireObject(repo, sha);
  const branch = branchOf(ref);
  if (branch) assertMayUpdateBranch({ repo, branch, sha, principal: req.principal, status: 422 });
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
    const current = await readRef(repo.gitDir, ref);
    if (!current) throw validationFailed("Reference does not exist");
    const fastForward = await isFastForward(repo, current.sha, sha);
    if (!fastForward && !force) throw validationFailed("Update is not a fast forward");
    if (!fastForward && branch && isProtectedBranch(repo, branch)) {
      throw validationFailed(`Cannot force-push to ${branch}: it is a protected branch.`);
    }
    const result = await updateRef({ gitDir: repo.gitDir, ref, sha, expected: current.sha });
    if (!result.ok) continue;
    await announceRefMove(sim, {
      repo,
      ref,
      before: current.sha,
      after: sha,
      principal: req.principal,
      forced: !fastForward,
    });
    const entry = (await readRef(repo.gitDir, ref)) ?? { ...current, sha };
    return ok(gitRefShape(sim.baseUrl, repo, entry));
  }
  throw new HttpError(409, `Reference ${ref} is being updated by others; try again.`);
}

/** Whether moving a ref from `from` to `to` loses no commits (both peeled to commits). */
async function isFastForward(repo: SimRepo, from: string, to: string): Promise<boolean> {
  if (from === to) return true;
  const [before, after] = await Promise.all([
    resolveCommit(repo.gitDir, from),
    resolveCommit(repo.gitDir, to),
  ]);
  if (!before || !after) return false;
  return isAncestor(repo.gitDir, before, after);
}

async function removeRef(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const ref = fullRef(req.params.ref);
  // GitHub's description documents this endpoint's 422 without a body.
  const refused = (reason: string): SimResponse => ({
    status: 422,
    headers: { "x-sim-reason": reason.replace(/[^\x20-\x7e]/g, "?") },
  });
  if (ref === `refs/heads/${repo.default_branch}`) return refused("Cannot delete the default branch");
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
    const current = await readRef(repo.gitDir, ref);
    if (!current) return refused("Reference does not exist");
    const result = await deleteRef({ gitDir: repo.gitDir, ref, expected: current.sha });
    if (!result.ok) continue;
    await announceRefMove(sim, { repo, ref, before: current.sha, after: ZERO, principal: req.principal });
    return noContent();
  }
  throw new HttpError(409, `Reference ${ref} is being updated by others; try again.`);
}

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}/git/ref/{ref}", getRef);
  router.get("/repos/{owner}/{repo}/git/matching-refs/{ref}", matchingRefs);
  router.post("/repos/{owner}/{repo}/git/refs", createRef);
  router.patch("/repos/{owner}/{repo}/git/refs/{ref}", patchRef);
  router.delete("/repos/{owner}/{repo}/git/refs/{ref}", removeRef);
}
