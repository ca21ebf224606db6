// Branches and their protection. Protection is modelled on the default branch (required status
// check contexts, "strict" up-to-date, required approvals), which is what the refinery and PR
// merges consult; other branches are never protected here.
import type { SimContext } from "../context.ts";
import { listRefs, readCommit, resolveCommit } from "../git.ts";
import { invalidField, isProtectedBranch, readRef, repoFor } from "../git-rest.ts";
import {
  bodyObject,
  HttpError,
  noContent,
  ok,
  paginate,
  type SimRequest,
  type SimResponse,
  validationFailed,
} from "../http.ts";
import type { Router } from "../router.ts";
import { commitShape, encodePath, repoApiUrl, repoHtmlUrl } from "../shapes-git.ts";
import type { SimRepo } from "../state.ts";

function protectionUrl(sim: SimContext, repo: SimRepo, branch: string): string {
  return `${repoApiUrl(sim.baseUrl, repo)}/branches/${encodeURIComponent(branch)}/protection`;
}

/** The `protection` summary embedded in branch objects. */
function protectionSummary(repo: SimRepo, branch: string): Record<string, unknown> {
  const enabled = isProtectedBranch(repo, branch);
  const contexts = enabled ? [...repo.requiredChecks] : [];
  return {
    enabled,
    required_status_checks: {
      enforcement_level: enabled && contexts.length > 0 ? "non_admins" : "off",
      contexts,
      checks: contexts.map((context) => ({ context, app_id: null })),
    },
  };
}

/** The full `branch-protection` object, or 404 "Branch not protected". */
function protectionShape(sim: SimContext, repo: SimRepo, branch: string): Record<string, unknown> {
  if (!isProtectedBranch(repo, branch)) throw new HttpError(404, "Branch not protected");
  const url = protectionUrl(sim, repo, branch);
  const shape: Record<string, unknown> = {
    url,
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: false },
    required_linear_history: { enabled: false },
    allow_force_pushes: { enabled: false },
    allow_deletions: { enabled: false },
    block_creations: { enabled: false },
    required_conversation_resolution: { enabled: false },
    lock_branch: { enabled: false },
    allow_fork_syncing: { enabled: false },
  };
  if (repo.requiredChecks.length > 0 || repo.requireUpToDate) {
    shape.required_status_checks = {
      url: `${url}/required_status_checks`,
      strict: repo.requireUpToDate === true,
      contexts: [...repo.requiredChecks],
      checks: repo.requiredChecks.map((context) => ({ context, app_id: null })),
      contexts_url: `${url}/required_status_checks/contexts`,
    };
  }
  if ((repo.requiredApprovals ?? 0) > 0) {
    shape.required_pull_request_reviews = {
      url: `${url}/required_pull_request_reviews`,
      dismiss_stale_reviews: false,
      require_code_owner_reviews: false,
      required_approving_review_count: repo.requiredApprovals,
      require_last_push_approval: false,
    };
  }
  return shape;
}

async function listBranches(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const wanted = req.query.get("protected");
  const heads = (await listRefs(repo.gitDir, "refs/heads/"))
    .map((entry) => ({ name: entry.ref.slice("refs/heads/".length), sha: entry.sha }))
    .filter((branch) => wanted === null || String(isProtectedBranch(repo, branch.name)) === wanted);
  const api = repoApiUrl(sim.baseUrl, repo);
  return paginate(req, heads, (branch) => ({
    name: branch.name,
    commit: { sha: branch.sha, url: `${api}/commits/${branch.sha}` },
    protected: isProtectedBranch(repo, branch.name),
    protection: protectionSummary(repo, branch.name),
    protection_url: protectionUrl(sim, repo, branch.name),
  }));
}

async function getBranch(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const name = req.params.branch ?? "";
  const entry = await readRef(repo.gitDir, `refs/heads/${name}`);
  const sha = entry ? await resolveCommit(repo.gitDir, entry.sha) : undefined;
  const commit = sha ? await readCommit(repo.gitDir, sha) : undefined;
  if (!commit) throw new HttpError(404, "Branch not found");
  return ok({
    name,
    commit: commitShape({ sim, repo, commit }),
    _links: {
      self: `${repoApiUrl(sim.baseUrl, repo)}/branches/${encodeURIComponent(name)}`,
      html: `${repoHtmlUrl(sim.baseUrl, repo)}/tree/${encodePath(name)}`,
    },
    protected: isProtectedBranch(repo, name),
    protection: protectionSummary(repo, name),
    protection_url: protectionUrl(sim, repo, name),
  });
}

async function requireBranch(repo: SimRepo, branch: string): Promise<void> {
  if (!(await readRef(repo.gitDir, `refs/heads/${branch}`))) throw new HttpError(404, "Branch not found");
}

async function getProtection(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const branch = req.params.branch ?? "";
  await requireBranch(repo, branch);
  return ok(protectionShape(sim, repo, branch));
}

function optionalObject(body: Record<string, unknown>, field: string): Record<string, unknown> | null {
  if (!(field in body)) throw invalidField(field, "missing");
  const value = body[field];
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw validationFailed(
      `Invalid request.\n\nFor 'properties/${field}', ${JSON.stringify(value)} is not an object.`,
    );
  }
  return value as Record<string, unknown>;
}

function contextsOf(checks: Record<string, unknown>): string[] {
  const contexts = new Set<string>();
  for (const context of Array.isArray(checks.contexts) ? checks.contexts : []) {
    if (typeof context === "string") contexts.add(context);
  }
  for (const check of Array.isArray(checks.checks) ? checks.checks : []) {
    const context = (check as Record<string, unknown> | null)?.context;
    if (typeof context === "string") contexts.add(context);
  }
  return [...contexts];
}

async function putProtection(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "admin");
  const branch = req.params.branch ?? "";
  await requireBranch(repo, branch);
  if (branch !== repo.default_branch) {
    throw validationFailed(
      `The loopback GitHub models branch protection on the default branch (${repo.default_branch}) only; got ${branch}.`,
    );
  }
  const body = bodyObject(req);
  const checks = optionalObject(body, "required_status_checks");
  optionalObject(body, "restrictions");
  const reviews = optionalObject(body, "required_pull_request_reviews");
  if (!("enforce_admins" in body)) throw invalidField("enforce_admins", "missing");
  repo.requiredChecks = checks ? contextsOf(checks) : [];
  repo.requireUpToDate = checks?.strict === true;
  const approvals = reviews?.required_approving_review_count;
  repo.requiredApprovals = reviews ? (typeof approvals === "number" ? approvals : 1) : 0;
  // A rule with nothing required still protects a branch on GitHub; the sim keeps no such
  // empty rule, so such a branch reads as unprotected.
  return isProtectedBranch(repo, branch)
    ? ok(protectionShape(sim, repo, branch))
    : ok({ url: protectionUrl(sim, repo, branch) });
}

async function deleteProtection(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "admin");
  const branch = req.params.branch ?? "";
  await requireBranch(repo, branch);
  if (!isProtectedBranch(repo, branch)) throw new HttpError(404, "Branch not protected");
  repo.requiredChecks = [];
  repo.requireUpToDate = false;
  repo.requiredApprovals = 0;
  return noContent();
}

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}/branches", listBranches);
  router.get("/repos/{owner}/{repo}/branches/{branch}", getBranch);
  router.get("/repos/{owner}/{repo}/branches/{branch}/protection", getProtection);
  router.put("/repos/{owner}/{repo}/branches/{branch}/protection", putProtection);
  router.delete("/repos/{owner}/{repo}/branches/{branch}/protection", deleteProtection);
}
