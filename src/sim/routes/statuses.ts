// Commit statuses: create one on a SHA, list them by ref (newest first), and the combined status
// (the newest per context; failure or error beats pending beats success).
import { combinedState, latestStatuses } from "../checks-core.ts";
import type { SimContext } from "../context.ts";
import { listRefs, readCommit, resolveCommit } from "../git.ts";
import { FULL_SHA, repoFor, resolveCommitish } from "../git-rest.ts";
import { bodyObject, HttpError, isoNow, ok, paginate, type SimRequest, type SimResponse } from "../http.ts";
import type { Router } from "../router.ts";
import { repoShape, userByLogin } from "../shapes.ts";
import { commitShape } from "../shapes-git.ts";
import type { SimRepo, SimStatus } from "../state.ts";

export function register(router: Router): void {
  router.post("/repos/{owner}/{repo}/statuses/{sha}", createStatus);
  router.get("/repos/{owner}/{repo}/commits/{ref}/statuses", listStatuses);
  router.get("/repos/{owner}/{repo}/commits/{ref}/status", combinedStatus);
}

const STATES: readonly SimStatus["state"][] = ["error", "failure", "pending", "success"];

/** The `status` shape (with its creator), as the create and list endpoints answer. */
export function statusShape(sim: SimContext, repo: SimRepo, status: SimStatus): Record<string, unknown> {
  const creator = userByLogin(sim.state, sim.baseUrl, status.creator);
  return {
    url: `${sim.baseUrl}/repos/${repo.owner}/${repo.name}/statuses/${status.sha}`,
    avatar_url: creator.avatar_url,
    id: status.id,
    node_id: `SC_${status.id}`,
    state: status.state,
    description: status.description,
    target_url: status.target_url,
    context: status.context,
    created_at: status.created_at,
    updated_at: status.updated_at,
    creator,
  };
}

function optionalText(body: Record<string, unknown>, field: string): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") {
    throw new HttpError(422, "Validation Failed", [{ resource: "Status", field, code: "invalid" }]);
  }
  return value;
}

async function createStatus(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const body = bodyObject(req);
  const sha = req.params.sha ?? "";
  const commit = FULL_SHA.test(sha) ? await resolveCommit(repo.gitDir, sha) : undefined;
  if (!commit) throw new HttpError(422, `No commit found for SHA: ${sha}`);
  const state = body.state;
  if (typeof state !== "string" || !STATES.includes(state as SimStatus["state"])) {
    throw new HttpError(422, "Validation Failed", [
      { resource: "Status", field: "state", code: "custom", message: "state is not included in the list" },
    ]);
  }
  const now = isoNow();
  const status: SimStatus = {
    id: sim.state.nextId(),
    sha: commit,
    state: state as SimStatus["state"],
    context: optionalText(body, "context") || "default",
    description: optionalText(body, "description"),
    target_url: optionalText(body, "target_url"),
    creator: req.principal.login ?? "ghost",
    created_at: now,
    updated_at: now,
  };
  repo.statuses.push(status);
  await emitStatus(sim, repo, status, req);
  return ok(statusShape(sim, repo, status), 201, {
    location: `${sim.baseUrl}/repos/${repo.owner}/${repo.name}/statuses/${commit}`,
  });
}

/** The `status` event: the status, its commit, and the branches whose tip it is. */
async function emitStatus(sim: SimContext, repo: SimRepo, status: SimStatus, req: SimRequest): Promise<void> {
  const commit = await readCommit(repo.gitDir, status.sha);
  const api = `${sim.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const branches = (await listRefs(repo.gitDir, "refs/heads/"))
    .filter((ref) => ref.sha === status.sha)
    .map((ref) => ({
      name: ref.ref.slice("refs/heads/".length),
      commit: { sha: ref.sha, url: `${api}/commits/${ref.sha}` },
      protected: ref.ref === `refs/heads/${repo.default_branch}` && repo.requiredChecks.length > 0,
    }));
  const creator = userByLogin(sim.state, sim.baseUrl, status.creator);
  sim.emit(
    repo,
    "status",
    {
      id: status.id,
      sha: status.sha,
      name: `${repo.owner}/${repo.name}`,
      avatar_url: creator.avatar_url,
      target_url: status.target_url,
      context: status.context,
      description: status.description,
      state: status.state,
      commit: commit ? eventCommit(commitShape({ sim, repo, commit })) : { sha: status.sha },
      branches,
      created_at: status.created_at,
      updated_at: status.updated_at,
    },
    { principal: req.principal },
  );
}

/** The commit as the `status` event carries it: its verification has no `verified_at`. */
function eventCommit(shape: Record<string, unknown>): Record<string, unknown> {
  const inner = shape.commit as Record<string, unknown>;
  const { verified_at: _verifiedAt, ...verification } = inner.verification as Record<string, unknown>;
  return { ...shape, commit: { ...inner, verification } };
}

/** The commit a `{ref}` path parameter names, or GitHub's 422. */
async function commitForRef(repo: SimRepo, ref: string): Promise<string> {
  const sha = await resolveCommitish(repo, ref);
  if (!sha) throw new HttpError(422, `No commit found for SHA: ${ref}`);
  return sha;
}

async function listStatuses(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const sha = await commitForRef(repo, req.params.ref ?? "");
  const statuses = repo.statuses.filter((s) => s.sha === sha).sort((a, b) => b.id - a.id);
  return paginate(req, statuses, (status) => statusShape(sim, repo, status));
}

async function combinedStatus(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const sha = await commitForRef(repo, req.params.ref ?? "");
  const latest = latestStatuses(repo, sha);
  const page = paginate(req, latest, (status) => {
    const { creator: _creator, ...simple } = statusShape(sim, repo, status);
    return { ...simple, required: repo.requiredChecks.includes(status.context) };
  });
  const api = `${sim.baseUrl}/repos/${repo.owner}/${repo.name}`;
  return {
    ...page,
    body: {
      state: combinedState(latest),
      statuses: page.body,
      sha,
      total_count: latest.length,
      repository: repoShape(sim.state, sim.baseUrl, repo),
      commit_url: `${api}/commits/${sha}`,
      url: `${api}/commits/${sha}/status`,
    },
  };
}
