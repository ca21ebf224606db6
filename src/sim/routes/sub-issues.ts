// Sub-issues: an ordered child list on the parent and a `parent` link on the child, kept in step
// so `sub_issues_summary`, `parent_issue_url` and the lists agree. Children are named by issue
// id and may live in another repo of the same owner. Changes answer the parent issue.
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
import { fieldError, findIssue, holds, issueById, type LocatedIssue, repoFor } from "../issues-core.ts";
import type { Router } from "../router.ts";
import { issueShape } from "../shapes.ts";
import type { SimIssue, SimRepo, SimState } from "../state.ts";

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}/issues/{issue_number}/sub_issues", listSubIssues);
  router.post("/repos/{owner}/{repo}/issues/{issue_number}/sub_issues", addSubIssue);
  router.delete("/repos/{owner}/{repo}/issues/{issue_number}/sub_issue", removeSubIssue);
  router.patch("/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority", reprioritize);
  router.get("/repos/{owner}/{repo}/issues/{issue_number}/parent", getParent);
}

/** GitHub's caps: 100 sub-issues per parent, 8 levels of nesting. */
const MAX_CHILDREN = 100;
const MAX_DEPTH = 8;

const subIssueError = (message: string, field = "sub_issue_id") =>
  fieldError({ resource: "SubIssue", field, code: "custom", message });

function idField(body: Record<string, unknown>, field: string, required: boolean): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) throw validationFailed(`Invalid request.\n\n"${field}" wasn't supplied.`);
    return undefined;
  }
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw fieldError({ resource: "SubIssue", field, code: "invalid", value });
  }
  return value;
}

function listSubIssues(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const parent = findIssue(repo, req.params.issue_number);
  const items = parent.sub_issues.flatMap((id) => {
    const found = issueById(sim.state, id, repo);
    return found && holds(found.repo, req.principal, "read") ? [found] : [];
  });
  return paginate(req, items, (i) => issueShape(sim.state, sim.baseUrl, i.repo, i.issue));
}

function getParent(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const issue = findIssue(repo, req.params.issue_number);
  const parent = issue.parent === null ? undefined : issueById(sim.state, issue.parent, repo);
  if (!parent || !holds(parent.repo, req.principal, "read")) throw notFound();
  return ok(issueShape(sim.state, sim.baseUrl, parent.repo, parent.issue));
}

/** How many levels sit above `issue` (0 for a top-level issue). */
function depthOf(state: SimState, repo: SimRepo, issue: SimIssue): number {
  let depth = 0;
  let current: LocatedIssue | undefined = { repo, issue };
  while (current && current.issue.parent !== null) {
    depth += 1;
    current = issueById(state, current.issue.parent, current.repo);
  }
  return depth;
}

/** How many levels sit below `issue` (0 for a leaf). */
function heightOf(state: SimState, repo: SimRepo, issue: SimIssue): number {
  let height = 0;
  for (const id of issue.sub_issues) {
    const child = issueById(state, id, repo);
    if (child) height = Math.max(height, 1 + heightOf(state, child.repo, child.issue));
  }
  return height;
}

/** Whether `candidate` is `issue` or one of its ancestors. */
function isSelfOrAncestor(state: SimState, repo: SimRepo, issue: SimIssue, candidate: SimIssue): boolean {
  let current: LocatedIssue | undefined = { repo, issue };
  while (current) {
    if (current.issue === candidate) return true;
    current =
      current.issue.parent === null ? undefined : issueById(state, current.issue.parent, current.repo);
  }
  return false;
}

function detach(state: SimState, near: SimRepo, child: SimIssue): void {
  if (child.parent === null) return;
  const old = issueById(state, child.parent, near);
  if (old) {
    old.issue.sub_issues = old.issue.sub_issues.filter((id) => id !== child.id);
    old.issue.updated_at = isoNow();
  }
  child.parent = null;
}

function addSubIssue(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const parent = findIssue(repo, req.params.issue_number);
  const body = bodyObject(req);
  const childId = idField(body, "sub_issue_id", true) ?? 0;
  const replace = body.replace_parent === true;
  const child = issueById(sim.state, childId, repo);
  if (!child || !holds(child.repo, req.principal, "read")) throw notFound();
  if (child.repo.owner.toLowerCase() !== repo.owner.toLowerCase()) {
    throw subIssueError("a sub-issue must belong to a repository of the same owner");
  }
  if (child.issue.pull_request !== undefined || parent.pull_request !== undefined) {
    throw subIssueError("pull requests cannot be sub-issues or have sub-issues");
  }
  if (isSelfOrAncestor(sim.state, repo, parent, child.issue)) {
    throw subIssueError("an issue cannot be a sub-issue of itself or of its own sub-issues");
  }
  if (child.issue.parent === parent.id) throw subIssueError("the issue is already a sub-issue of this issue");
  if (child.issue.parent !== null && !replace) {
    throw subIssueError("the issue already has a parent issue; pass replace_parent to move it");
  }
  if (parent.sub_issues.length >= MAX_CHILDREN) {
    throw subIssueError(`an issue can have at most ${MAX_CHILDREN} sub-issues`);
  }
  if (depthOf(sim.state, repo, parent) + 1 + heightOf(sim.state, child.repo, child.issue) >= MAX_DEPTH) {
    throw subIssueError(`sub-issues can nest at most ${MAX_DEPTH} levels deep`);
  }
  detach(sim.state, child.repo, child.issue);
  parent.sub_issues.push(child.issue.id);
  child.issue.parent = parent.id;
  const now = isoNow();
  parent.updated_at = now;
  child.issue.updated_at = now;
  return ok(issueShape(sim.state, sim.baseUrl, repo, parent), 201);
}

function removeSubIssue(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const parent = findIssue(repo, req.params.issue_number);
  const childId = idField(bodyObject(req), "sub_issue_id", true) ?? 0;
  if (!parent.sub_issues.includes(childId)) throw notFound();
  const child = issueById(sim.state, childId, repo);
  parent.sub_issues = parent.sub_issues.filter((id) => id !== childId);
  parent.updated_at = isoNow();
  if (child) {
    child.issue.parent = null;
    child.issue.updated_at = parent.updated_at;
  }
  return ok(issueShape(sim.state, sim.baseUrl, repo, parent));
}

/** Moves a sub-issue right after `after_id` or right before `before_id` (exactly one of them). */
function reprioritize(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const parent = findIssue(repo, req.params.issue_number);
  const body = bodyObject(req);
  const childId = idField(body, "sub_issue_id", true) ?? 0;
  const after = idField(body, "after_id", false);
  const before = idField(body, "before_id", false);
  if ((after === undefined) === (before === undefined)) {
    // This operation answers GitHub's "simple" validation error: `errors` are plain strings.
    throw validationFailed("Validation Failed", ["exactly one of after_id and before_id is required"]);
  }
  if (!parent.sub_issues.includes(childId)) {
    throw validationFailed("Validation Failed", ["sub_issue_id is not a sub-issue of this issue"]);
  }
  const anchor = (after ?? before) as number;
  if (anchor === childId || !parent.sub_issues.includes(anchor)) {
    const field = after === undefined ? "before_id" : "after_id";
    throw validationFailed("Validation Failed", [`${field} is not another sub-issue of this issue`]);
  }
  const order = parent.sub_issues.filter((id) => id !== childId);
  const at = order.indexOf(anchor) + (after === undefined ? 0 : 1);
  order.splice(at, 0, childId);
  parent.sub_issues = order;
  parent.updated_at = isoNow();
  return ok(issueShape(sim.state, sim.baseUrl, repo, parent));
}
