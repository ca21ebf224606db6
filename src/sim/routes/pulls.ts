// Pull requests: create, get, list, update, files, commits, merge (with the head-SHA guard) and
// update-branch. A PR shares its number and issue record with the issues API; git facts and
// protection rules come from pulls-core, merging from pull-merge.
import { type Principal, requirePermission } from "../auth.ts";
import { startCi } from "../ci.ts";
import type { SimContext } from "../context.ts";
import { mergeBase, readCommit, revList } from "../git.ts";
import { branchHead, repoFor } from "../git-rest.ts";
import {
  bodyObject,
  HttpError,
  isoNow,
  noContent,
  ok,
  paginate,
  type SimRequest,
  type SimResponse,
  validationFailed,
} from "../http.ts";
import { type MergeMethod, mergePull, updatePullBranch } from "../pull-merge.ts";
import {
  closePullRecord,
  currentBase,
  emitPullEvent,
  findPull,
  isOpen,
  pullIssue,
  pullShape,
  pullSimpleShape,
  requireCommitsBetween,
} from "../pulls-core.ts";
import type { Router } from "../router.ts";
import { commitShape, diffEntries } from "../shapes-git.ts";
import type { SimIssue, SimPull, SimRepo } from "../state.ts";
import { insertIssue } from "./issues.ts";

export function register(router: Router): void {
  router.post("/repos/{owner}/{repo}/pulls", createPull);
  router.get("/repos/{owner}/{repo}/pulls", listPulls);
  router.get("/repos/{owner}/{repo}/pulls/{pull_number}", getPull);
  router.patch("/repos/{owner}/{repo}/pulls/{pull_number}", updatePull);
  router.get("/repos/{owner}/{repo}/pulls/{pull_number}/files", listFiles);
  router.get("/repos/{owner}/{repo}/pulls/{pull_number}/commits", listCommits);
  router.get("/repos/{owner}/{repo}/pulls/{pull_number}/merge", checkMerged);
  router.put("/repos/{owner}/{repo}/pulls/{pull_number}/merge", merge);
  router.put("/repos/{owner}/{repo}/pulls/{pull_number}/update-branch", updateBranch);
}

const invalid = (field: string): HttpError =>
  validationFailed("Validation Failed", [{ resource: "PullRequest", field, code: "invalid" }]);
const missing = (field: string): HttpError =>
  validationFailed("Validation Failed", [{ resource: "PullRequest", field, code: "missing_field" }]);

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid(field);
  return value;
}

/** Opening a PR needs read access for people (as from a fork) and write for apps. */
function requireOpener(repo: SimRepo, principal: Principal): string {
  requirePermission(repo, principal, principal.token?.kind === "user" ? "read" : "write");
  if (!principal.login) throw new HttpError(401, "Requires authentication");
  return principal.login;
}

/** `owner:branch` or `branch`; the sim has no forks, so the owner must be this repo's. */
function parseHead(repo: SimRepo, head: string): string {
  const colon = head.indexOf(":");
  if (colon === -1) return head;
  if (head.slice(0, colon).toLowerCase() !== repo.owner.toLowerCase()) throw invalid("head");
  return head.slice(colon + 1);
}

async function createPull(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const login = requireOpener(repo, req.principal);
  const body = bodyObject(req);
  const headParam = optionalString(body, "head");
  const baseRef = optionalString(body, "base");
  if (!headParam) throw missing("head");
  if (!baseRef) throw missing("base");
  const headRef = parseHead(repo, headParam);
  const fromIssue = body.issue === undefined || body.issue === null ? undefined : Number(body.issue);
  const title = optionalString(body, "title");
  if (title === undefined && fromIssue === undefined) throw missing("title");
  const [headSha, baseSha] = await Promise.all([branchHead(repo, headRef), branchHead(repo, baseRef)]);
  if (!headSha) throw invalid("head");
  if (!baseSha) throw invalid("base");
  await requireCommitsBetween(repo, baseSha, headSha, baseRef, headRef);
  const duplicate = [...repo.pulls.values()].find(
    (p) => p.head_ref === headRef && p.base_ref === baseRef && isOpen(repo, p),
  );
  if (duplicate) {
    throw validationFailed("Validation Failed", [
      {
        resource: "PullRequest",
        code: "custom",
        message: `A pull request already exists for ${repo.owner}:${headRef}.`,
      },
    ]);
  }
  const issue =
    fromIssue === undefined
      ? insertIssue(sim, repo, { title: title ?? "", body: null, user: login })
      : convertIssue(repo, fromIssue);
  const bodyText = optionalString(body, "body");
  if (bodyText !== undefined) issue.body = bodyText;
  const pull: SimPull = {
    number: issue.number,
    issue_id: issue.id,
    id: sim.state.nextId(),
    head_ref: headRef,
    head_sha: headSha,
    base_ref: baseRef,
    base_sha: baseSha,
    draft: body.draft === true,
    merged: false,
    merged_at: null,
    merged_by: null,
    merge_commit_sha: null,
    maintainer_can_modify: body.maintainer_can_modify !== false,
  };
  issue.pull_request = pull.number;
  repo.pulls.set(pull.number, pull);
  await emitPullEvent({ sim, repo, pull, action: "opened", principal: req.principal });
  if (repo.ci && repo.ci.pullRequests !== false) {
    startCi(sim, repo, {
      sha: headSha,
      ref: `refs/pull/${pull.number}/head`,
      event: "pull_request",
      pull: { number: pull.number, headRef, baseRef },
    });
  }
  return ok(await pullShape(sim, repo, pull), 201, {
    location: `${sim.baseUrl}/repos/${repo.owner}/${repo.name}/pulls/${pull.number}`,
  });
}

/** GitHub's `issue` parameter: an open issue becomes the PR, keeping its number and title. */
function convertIssue(repo: SimRepo, number: number): SimIssue {
  const issue = repo.issues.get(number);
  if (!issue || issue.pull_request !== undefined || issue.state !== "open") throw invalid("issue");
  return issue;
}

async function getPull(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const pull = findPull(repo, req.params.pull_number);
  return ok(await pullShape(sim, repo, pull));
}

async function listPulls(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const state = req.query.get("state") ?? "open";
  if (!["open", "closed", "all"].includes(state)) throw invalid("state");
  const head = req.query.get("head");
  const headRef = head ? (head.includes(":") ? head.slice(head.indexOf(":") + 1) : head) : undefined;
  const headOwner = head?.includes(":") ? head.slice(0, head.indexOf(":")) : undefined;
  const base = req.query.get("base");
  const sort = req.query.get("sort") ?? "created";
  const direction = req.query.get("direction") ?? (sort === "created" ? "desc" : "asc");
  let pulls = [...repo.pulls.values()].filter((pull) => {
    const issue = pullIssue(repo, pull);
    if (state !== "all" && issue.state !== state) return false;
    if (headOwner && headOwner.toLowerCase() !== repo.owner.toLowerCase()) return false;
    if (headRef !== undefined && headRef !== "" && pull.head_ref !== headRef) return false;
    if (base && pull.base_ref !== base) return false;
    return true;
  });
  const key = (pull: SimPull): string | number => {
    const issue = pullIssue(repo, pull);
    if (sort === "updated") return issue.updated_at;
    if (sort === "popularity") return issue.comments;
    return issue.created_at;
  };
  pulls = pulls.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const order = ka < kb ? -1 : ka > kb ? 1 : a.number - b.number;
    return direction === "asc" ? order : -order;
  });
  // Bases of open PRs are reported as of now, as GitHub does.
  await Promise.all(pulls.map((pull) => currentBase(repo, pull)));
  return paginate(req, pulls, (pull) => pullSimpleShape(sim, repo, pull));
}

async function updatePull(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const pull = findPull(repo, req.params.pull_number);
  const issue = pullIssue(repo, pull);
  if (req.principal.login?.toLowerCase() !== issue.user.toLowerCase())
    requirePermission(repo, req.principal, "write");
  else requireOpener(repo, req.principal);
  const body = bodyObject(req);
  const title = optionalString(body, "title");
  const text = body.body === null ? null : optionalString(body, "body");
  const state = optionalString(body, "state");
  const base = optionalString(body, "base");
  if (state !== undefined && state !== "open" && state !== "closed") throw invalid("state");
  const changes: Record<string, unknown> = {};
  if (base !== undefined && base !== pull.base_ref) {
    if (!isOpen(repo, pull))
      throw validationFailed("Cannot change the base branch of a closed pull request.");
    const baseSha = await branchHead(repo, base);
    if (!baseSha || base === pull.head_ref) throw invalid("base");
    await requireCommitsBetween(repo, baseSha, pull.head_sha, base, pull.head_ref);
    changes.base = { ref: { from: pull.base_ref }, sha: { from: pull.base_sha } };
    pull.base_ref = base;
    pull.base_sha = baseSha;
  }
  if (title !== undefined && title !== issue.title) {
    changes.title = { from: issue.title };
    issue.title = title;
  }
  if (text !== undefined && text !== issue.body) {
    changes.body = { from: issue.body ?? "" };
    issue.body = text;
  }
  if (typeof body.maintainer_can_modify === "boolean")
    pull.maintainer_can_modify = body.maintainer_can_modify;
  const reopening = state === "open" && issue.state === "closed";
  if (reopening) await prepareReopen(repo, pull);
  if (Object.keys(changes).length > 0 || reopening || (state === "closed" && issue.state === "open")) {
    issue.updated_at = isoNow();
  }
  const principal = req.principal;
  if (Object.keys(changes).length > 0)
    await emitPullEvent({ sim, repo, pull, action: "edited", principal, extra: { changes } });
  if (state === "closed" && issue.state === "open") {
    closePullRecord({ repo, pull, by: principal.login });
    await emitPullEvent({ sim, repo, pull, action: "closed", principal });
  } else if (reopening) {
    issue.state = "open";
    issue.state_reason = "reopened";
    issue.closed_at = null;
    issue.closed_by = null;
    await emitPullEvent({ sim, repo, pull, action: "reopened", principal });
  }
  return ok(await pullShape(sim, repo, pull));
}

/** A merged PR stays closed; a closed one reopens only while its branches still differ. */
async function prepareReopen(repo: SimRepo, pull: SimPull): Promise<void> {
  if (pull.merged)
    throw validationFailed("Validation Failed", [
      {
        resource: "PullRequest",
        code: "custom",
        message: "state cannot be changed. The pull request has been merged.",
      },
    ]);
  const [headSha, baseSha] = await Promise.all([
    branchHead(repo, pull.head_ref),
    branchHead(repo, pull.base_ref),
  ]);
  if (!headSha || !baseSha) {
    throw validationFailed("Validation Failed", [
      {
        resource: "PullRequest",
        code: "custom",
        message: "state cannot be changed. The branch has been deleted.",
      },
    ]);
  }
  await requireCommitsBetween(repo, baseSha, headSha, pull.base_ref, pull.head_ref);
  pull.head_sha = headSha;
  pull.base_sha = baseSha;
}

/** Where a PR's changes start: the merge base of its base (as of merge, once merged) and head. */
async function forkPoint(repo: SimRepo, pull: SimPull): Promise<string> {
  const base = await currentBase(repo, pull);
  return (await mergeBase(repo.gitDir, base, pull.head_sha)) ?? base;
}

async function listFiles(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const pull = findPull(repo, req.params.pull_number);
  const files = await diffEntries({
    baseUrl: sim.baseUrl,
    repo,
    from: await forkPoint(repo, pull),
    to: pull.head_sha,
  });
  // GitHub lists at most 3,000 files.
  return paginate(req, files.slice(0, 3000));
}

async function listCommits(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const pull = findPull(repo, req.params.pull_number);
  const base = await currentBase(repo, pull);
  // GitHub lists at most 250 commits, oldest first.
  const shas = (await revList(repo.gitDir, base, pull.head_sha)).slice(0, 250);
  const page = paginate(req, shas);
  const commits = await Promise.all((page.body as string[]).map((sha) => readCommit(repo.gitDir, sha)));
  return {
    ...page,
    body: commits.flatMap((commit) => (commit ? [commitShape({ sim, repo, commit })] : [])),
  };
}

function checkMerged(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const pull = findPull(repo, req.params.pull_number);
  // GitHub documents both answers without a body.
  return pull.merged ? noContent() : { status: 404 };
}

const METHODS: readonly MergeMethod[] = ["merge", "squash", "rebase"];

async function merge(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const pull = findPull(repo, req.params.pull_number);
  const body = bodyObject(req);
  const method = optionalString(body, "merge_method") ?? "merge";
  if (!METHODS.includes(method as MergeMethod)) throw invalid("merge_method");
  const sha = await mergePull({
    sim,
    repo,
    pull,
    principal: req.principal,
    method: method as MergeMethod,
    sha: optionalString(body, "sha"),
    commitTitle: optionalString(body, "commit_title"),
    commitMessage: optionalString(body, "commit_message"),
  });
  return ok({ sha, merged: true, message: "Pull Request successfully merged" });
}

async function updateBranch(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const pull = findPull(repo, req.params.pull_number);
  const body = bodyObject(req);
  await updatePullBranch({
    sim,
    repo,
    pull,
    principal: req.principal,
    expectedHeadSha: optionalString(body, "expected_head_sha"),
  });
  return ok(
    {
      message: "Updating pull request branch.",
      url: `${sim.baseUrl}/${repo.owner}/${repo.name}/pull/${pull.number}`,
    },
    202,
  );
}
