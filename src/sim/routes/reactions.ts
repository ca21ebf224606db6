// Reactions on issues and issue comments. Reacting again with the same content answers the
// existing reaction with 200 (a new one is 201), as GitHub does. GitHub sends no webhook here.
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
import { fieldError, findIssue, holds, parseNumber, repoFor, requireContributor } from "../issues-core.ts";
import type { Router } from "../router.ts";
import { REACTION_CONTENTS, reactionShape, reactionSubjectKey } from "../shapes.ts";
import type { SimReaction, SimRepo } from "../state.ts";

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}/issues/{issue_number}/reactions", listReactions);
  router.post("/repos/{owner}/{repo}/issues/{issue_number}/reactions", createReaction);
  router.delete("/repos/{owner}/{repo}/issues/{issue_number}/reactions/{reaction_id}", deleteReaction);
  router.get("/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", listReactions);
  router.post("/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", createReaction);
  router.delete("/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions/{reaction_id}", deleteReaction);
}

type Subject = SimReaction["subject"];

const bySubject = new RepoGroupIndex<SimReaction>({
  records: (repo) => repo.reactions,
  keyOf: (reaction) => reactionSubjectKey(reaction.subject),
});

/** Reactions on an issue or comment, oldest first. */
export function reactionsOf(repo: SimRepo, subject: Subject): SimReaction[] {
  return bySubject.list(repo, reactionSubjectKey(subject));
}

function addReaction(repo: SimRepo, reaction: SimReaction): void {
  bySubject.add(repo, reaction);
}

function removeReaction(repo: SimRepo, reaction: SimReaction): void {
  bySubject.remove(repo, reaction);
}

/** Drops every reaction on a subject (its comment was deleted). */
export function deleteReactionsOf(repo: SimRepo, subject: Subject): void {
  for (const reaction of reactionsOf(repo, subject)) removeReaction(repo, reaction);
}

// ---- Routes ------------------------------------------------------------------------------------

/** The issue or comment the path names (404 when it does not exist). */
function subjectOf(req: SimRequest, repo: SimRepo): Subject {
  if (req.params.comment_id !== undefined) {
    const id = parseNumber(req.params.comment_id);
    if (!repo.comments.has(id)) throw notFound();
    return { kind: "comment", id };
  }
  return { kind: "issue", number: findIssue(repo, req.params.issue_number).number };
}

function contentFrom(value: unknown): string {
  if (value === undefined || value === null)
    throw validationFailed(`Invalid request.\n\n"content" wasn't supplied.`);
  if (typeof value !== "string" || !(REACTION_CONTENTS as readonly string[]).includes(value)) {
    throw fieldError({ resource: "Reaction", field: "content", code: "invalid", value });
  }
  return value;
}

function listReactions(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const content = req.query.get("content");
  if (content !== null) contentFrom(content);
  const items = reactionsOf(repo, subjectOf(req, repo)).filter(
    (r) => content === null || r.content === content,
  );
  return paginate(req, items, (r) => reactionShape(sim.state, sim.baseUrl, r));
}

function createReaction(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  requireContributor(repo, req.principal);
  const subject = subjectOf(req, repo);
  const content = contentFrom(bodyObject(req).content);
  const login = (req.principal.login ?? "").toLowerCase();
  const existing = reactionsOf(repo, subject).find(
    (r) => r.content === content && r.user.toLowerCase() === login,
  );
  if (existing) return ok(reactionShape(sim.state, sim.baseUrl, existing), 200);
  const reaction: SimReaction = {
    id: sim.state.nextId(),
    content,
    user: req.principal.login ?? "ghost",
    created_at: isoNow(),
    subject,
  };
  addReaction(repo, reaction);
  return ok(reactionShape(sim.state, sim.baseUrl, reaction), 201);
}

/** Removes one's own reaction (admins may remove anyone's). */
function deleteReaction(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const subject = subjectOf(req, repo);
  const id = parseNumber(req.params.reaction_id);
  const reaction = reactionsOf(repo, subject).find((r) => r.id === id);
  if (!reaction) throw notFound();
  requireOwnReaction(repo, req.principal, reaction);
  removeReaction(repo, reaction);
  return noContent();
}

function requireOwnReaction(repo: SimRepo, principal: Principal, reaction: SimReaction): void {
  if (!principal.token) throw new HttpError(401, "Requires authentication");
  if (principal.login?.toLowerCase() === reaction.user.toLowerCase() || holds(repo, principal, "admin"))
    return;
  throw new HttpError(403, "Resource not accessible by integration");
}
