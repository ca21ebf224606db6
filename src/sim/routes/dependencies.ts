// Issue dependencies: "blocked by" edges, kept on both issues (`blocked_by` on the blocked one,
// `blocking` on the blocker) so `issue_dependencies_summary` and both lists agree. Blockers are
// named by issue id and may live in another repo the caller can read.
import type { Principal } from "../auth.ts";
import type { SimContext } from "../context.ts";
import {
  bodyObject,
  isoNow,
  notFound,
  ok,
  paginate,
  type SimRequest,
  type SimResponse,
  validationFailed,
} from "../http.ts";
import {
  fieldError,
  findIssue,
  holds,
  issueById,
  type LocatedIssue,
  parseNumber,
  repoFor,
} from "../issues-core.ts";
import type { Router } from "../router.ts";
import { issueShape } from "../shapes.ts";
import type { SimIssue, SimRepo, SimState } from "../state.ts";

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by", listBlockedBy);
  router.post("/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by", addBlockedBy);
  router.delete(
    "/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by/{issue_id}",
    removeBlockedBy,
  );
  router.get("/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocking", listBlocking);
}

/** GitHub's cap on dependencies of each kind per issue. */
const MAX_DEPENDENCIES = 50;

/** Issues by id that the principal can read, in stored order. */
function visible(
  state: SimState,
  near: SimRepo,
  ids: readonly number[],
  principal: Principal,
): LocatedIssue[] {
  return ids.flatMap((id) => {
    const found = issueById(state, id, near);
    return found && holds(found.repo, principal, "read") ? [found] : [];
  });
}

function listBlockedBy(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const issue = findIssue(repo, req.params.issue_number);
  const items = visible(sim.state, repo, issue.blocked_by, req.principal);
  return paginate(req, items, (i) => issueShape(sim.state, sim.baseUrl, i.repo, i.issue));
}

function listBlocking(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const issue = findIssue(repo, req.params.issue_number);
  const items = visible(sim.state, repo, issue.blocking, req.principal);
  return paginate(req, items, (i) => issueShape(sim.state, sim.baseUrl, i.repo, i.issue));
}

const dependencyError = (message: string) =>
  fieldError({ resource: "IssueDependency", field: "issue_id", code: "custom", message });

/** Marks `{issue_number}` blocked by `issue_id`; answers the blocking issue (201). */
function addBlockedBy(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const issue = findIssue(repo, req.params.issue_number);
  const body = bodyObject(req);
  if (body.issue_id === undefined || body.issue_id === null) {
    throw validationFailed(`Invalid request.\n\n"issue_id" wasn't supplied.`);
  }
  if (typeof body.issue_id !== "number" || !Number.isSafeInteger(body.issue_id)) {
    throw fieldError({
      resource: "IssueDependency",
      field: "issue_id",
      code: "invalid",
      value: body.issue_id,
    });
  }
  const blocker = issueById(sim.state, body.issue_id, repo);
  if (!blocker || !holds(blocker.repo, req.principal, "read")) throw notFound();
  requireIssueNotPull(issue);
  requireIssueNotPull(blocker.issue);
  if (blocker.issue === issue) throw dependencyError("an issue cannot be blocked by itself");
  if (issue.blocked_by.includes(blocker.issue.id)) throw dependencyError("the dependency already exists");
  if (issue.blocked_by.length >= MAX_DEPENDENCIES || blocker.issue.blocking.length >= MAX_DEPENDENCIES) {
    throw dependencyError(`an issue can have at most ${MAX_DEPENDENCIES} dependencies of each kind`);
  }
  issue.blocked_by.push(blocker.issue.id);
  blocker.issue.blocking.push(issue.id);
  touch(issue, blocker.issue);
  return ok(issueShape(sim.state, sim.baseUrl, blocker.repo, blocker.issue), 201);
}

/** Removes the edge; answers the issue that no longer blocks (404 when there was no edge). */
function removeBlockedBy(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const issue = findIssue(repo, req.params.issue_number);
  const id = parseNumber(req.params.issue_id);
  if (!issue.blocked_by.includes(id)) throw notFound();
  issue.blocked_by = issue.blocked_by.filter((b) => b !== id);
  const blocker = issueById(sim.state, id, repo);
  if (!blocker) return ok(issueShape(sim.state, sim.baseUrl, repo, issue));
  blocker.issue.blocking = blocker.issue.blocking.filter((b) => b !== issue.id);
  touch(issue, blocker.issue);
  return ok(issueShape(sim.state, sim.baseUrl, blocker.repo, blocker.issue));
}

function requireIssueNotPull(issue: SimIssue): void {
  if (issue.pull_request !== undefined) throw dependencyError("pull requests cannot have issue dependencies");
}

function touch(...issues: SimIssue[]): void {
  const now = isoNow();
  for (const issue of issues) issue.updated_at = now;
}
