// Issue comments: per issue and repo-wide lists (with `since`), create, get, edit, delete. The
// issue's `comments` count follows. Comments are indexed per issue so a thread lists in O(k).
import type { Principal } from "../auth.ts";
import type { SimContext } from "../context.ts";
import { RepoGroupIndex } from "../group-index.ts";
import {
  bodyObject,
  HttpError,
  isoNow,
  noContent,
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
  isAuthor,
  parseNumber,
  repoFor,
  requireBodyLength,
  requireContributor,
} from "../issues-core.ts";
import type { Router } from "../router.ts";
import { commentShape, issueWebhookShape, ShapeMemo } from "../shapes.ts";
import type { SimComment, SimIssue, SimRepo } from "../state.ts";
import { deleteReactionsOf } from "./reactions.ts";

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}/issues/comments", listRepoComments);
  router.get("/repos/{owner}/{repo}/issues/comments/{comment_id}", getComment);
  router.patch("/repos/{owner}/{repo}/issues/comments/{comment_id}", updateComment);
  router.delete("/repos/{owner}/{repo}/issues/comments/{comment_id}", deleteComment);
  router.get("/repos/{owner}/{repo}/issues/{issue_number}/comments", listIssueComments);
  router.post("/repos/{owner}/{repo}/issues/{issue_number}/comments", createComment);
}

const byIssue = new RepoGroupIndex<SimComment>({
  records: (repo) => repo.comments,
  keyOf: (comment) => String(comment.issue_number),
});

/** The issue's comments, oldest first. */
export function commentsOf(repo: SimRepo, issueNumber: number): SimComment[] {
  return byIssue.list(repo, String(issueNumber));
}

/** Records a comment and counts it on its issue. */
export function addComment(repo: SimRepo, issue: SimIssue, comment: SimComment): void {
  byIssue.add(repo, comment);
  issue.comments += 1;
  issue.updated_at = comment.created_at;
}

/** Removes a comment (and its reactions) and uncounts it. */
export function removeComment(repo: SimRepo, comment: SimComment): void {
  byIssue.remove(repo, comment);
  deleteReactionsOf(repo, { kind: "comment", id: comment.id });
  const issue = repo.issues.get(comment.issue_number);
  if (issue) issue.comments = Math.max(0, issue.comments - 1);
}

// ---- Routes ------------------------------------------------------------------------------------

function bodyText(req: SimRequest): string {
  const body = bodyObject(req);
  if (body.body === undefined || body.body === null)
    throw validationFailed(`Invalid request.\n\n"body" wasn't supplied.`);
  if (typeof body.body !== "string")
    throw fieldError({ resource: "IssueComment", field: "body", code: "invalid" });
  if (body.body.trim() === "")
    throw fieldError({ resource: "IssueComment", field: "body", code: "missing_field" });
  requireBodyLength("IssueComment", body.body);
  return body.body;
}

function sinceFrom(req: SimRequest): number | undefined {
  const since = req.query.get("since");
  if (!since) return undefined;
  const time = Date.parse(since);
  if (Number.isNaN(time))
    throw fieldError({ resource: "IssueComment", field: "since", code: "invalid", value: since });
  return time;
}

function findComment(repo: SimRepo, param: string | undefined): SimComment {
  const comment = repo.comments.get(parseNumber(param));
  if (!comment) throw notFound();
  return comment;
}

/** Authors edit and delete their own comments; others need write. */
function requireCommentOwnerOrWriter(repo: SimRepo, principal: Principal, comment: SimComment): void {
  if (!principal.token) throw new HttpError(401, "Requires authentication");
  if (isAuthor(principal, comment.user) || holds(repo, principal, "write")) return;
  throw new HttpError(403, "Resource not accessible by integration");
}

function listIssueComments(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const issue = findIssue(repo, req.params.issue_number);
  const since = sinceFrom(req);
  const items = commentsOf(repo, issue.number).filter(
    (c) => since === undefined || Date.parse(c.updated_at) >= since,
  );
  const memo = new ShapeMemo(repo);
  return paginate(req, items, (c) => commentShape(sim.state, sim.baseUrl, repo, c, memo));
}

function listRepoComments(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const since = sinceFrom(req);
  const sort = req.query.get("sort") ?? "created";
  if (sort !== "created" && sort !== "updated")
    throw fieldError({ resource: "IssueComment", field: "sort", code: "invalid", value: sort });
  const direction = req.query.get("direction") ?? "asc";
  if (direction !== "asc" && direction !== "desc") {
    throw fieldError({ resource: "IssueComment", field: "direction", code: "invalid", value: direction });
  }
  const items = [...repo.comments.values()].filter(
    (c) => since === undefined || Date.parse(c.updated_at) >= since,
  );
  if (sort === "updated")
    items.sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id);
  if (direction === "desc") items.reverse();
  const memo = new ShapeMemo(repo);
  return paginate(req, items, (c) => commentShape(sim.state, sim.baseUrl, repo, c, memo));
}

function createComment(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  requireContributor(repo, req.principal);
  const issue = findIssue(repo, req.params.issue_number);
  if (issue.locked && !holds(repo, req.principal, "write"))
    throw new HttpError(403, "Unable to create comment because issue is locked.");
  const now = isoNow();
  const comment: SimComment = {
    id: sim.state.nextId(),
    issue_number: issue.number,
    body: bodyText(req),
    user: req.principal.login ?? "ghost",
    created_at: now,
    updated_at: now,
  };
  addComment(repo, issue, comment);
  const shape = commentShape(sim.state, sim.baseUrl, repo, comment);
  emitCommentEvent(sim, repo, issue, "created", shape, req.principal);
  return ok(shape, 201, { location: String(shape.url) });
}

function getComment(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  return ok(commentShape(sim.state, sim.baseUrl, repo, findComment(repo, req.params.comment_id)));
}

function updateComment(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const comment = findComment(repo, req.params.comment_id);
  requireCommentOwnerOrWriter(repo, req.principal, comment);
  const text = bodyText(req);
  const before = comment.body;
  if (text !== before) {
    comment.body = text;
    comment.updated_at = isoNow();
  }
  const shape = commentShape(sim.state, sim.baseUrl, repo, comment);
  const issue = repo.issues.get(comment.issue_number);
  if (issue && text !== before) {
    emitCommentEvent(sim, repo, issue, "edited", shape, req.principal, {
      changes: { body: { from: before } },
    });
  }
  return ok(shape);
}

function deleteComment(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const comment = findComment(repo, req.params.comment_id);
  requireCommentOwnerOrWriter(repo, req.principal, comment);
  const shape = commentShape(sim.state, sim.baseUrl, repo, comment);
  removeComment(repo, comment);
  const issue = repo.issues.get(comment.issue_number);
  if (issue) emitCommentEvent(sim, repo, issue, "deleted", shape, req.principal);
  return noContent();
}

function emitCommentEvent(
  sim: SimContext,
  repo: SimRepo,
  issue: SimIssue,
  action: "created" | "edited" | "deleted",
  comment: Record<string, unknown>,
  principal: Principal,
  extra: Record<string, unknown> = {},
): void {
  const issueJson = issueWebhookShape(sim.state, sim.baseUrl, repo, issue);
  sim.emit(repo, "issue_comment", { action, issue: issueJson, comment, ...extra }, { principal });
}
