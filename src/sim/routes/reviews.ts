// Pull request reviews: create (pending or submitted), list, get, edit, delete a pending one,
// submit, and dismiss. Approvals feed branch protection through pulls-core.
import { type Principal, requirePermission } from "../auth.ts";
import type { SimContext } from "../context.ts";
import { resolveCommit } from "../git.ts";
import { repoFor } from "../git-rest.ts";
import {
  bodyObject,
  HttpError,
  isoNow,
  notFound,
  ok,
  paginate,
  type SimRequest,
  type SimResponse,
} from "../http.ts";
import { findPull, pullIssue, pullSimpleShape } from "../pulls-core.ts";
import type { Router } from "../router.ts";
import { associationOf, userByLogin } from "../shapes.ts";
import type { SimPull, SimRepo, SimReview } from "../state.ts";

export function register(router: Router): void {
  const one = "/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}";
  router.post("/repos/{owner}/{repo}/pulls/{pull_number}/reviews", createReview);
  router.get("/repos/{owner}/{repo}/pulls/{pull_number}/reviews", listReviews);
  router.get(one, getReview);
  router.put(one, editReview);
  router.delete(one, deletePendingReview);
  router.post(`${one}/events`, submitReview);
  router.put(`${one}/dismissals`, dismissReview);
}

type ReviewEvent = "APPROVE" | "REQUEST_CHANGES" | "COMMENT";

const STATE_OF: Record<ReviewEvent, SimReview["state"]> = {
  APPROVE: "APPROVED",
  REQUEST_CHANGES: "CHANGES_REQUESTED",
  COMMENT: "COMMENTED",
};

/** GitHub's `validation-error-simple`: reviews answer 422 with plain-string errors. */
const unprocessable = (message: string): HttpError => new HttpError(422, "Unprocessable Entity", [message]);

export function reviewShape(sim: SimContext, repo: SimRepo, review: SimReview): Record<string, unknown> {
  const html = `${sim.baseUrl}/${repo.owner}/${repo.name}/pull/${review.pull_number}#pullrequestreview-${review.id}`;
  const pullUrl = `${sim.baseUrl}/repos/${repo.owner}/${repo.name}/pulls/${review.pull_number}`;
  const shape: Record<string, unknown> = {
    id: review.id,
    node_id: `PRR_${review.id}`,
    user: userByLogin(sim.state, sim.baseUrl, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: associationOf(repo, review.user),
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    commit_id: review.commit_id,
  };
  if (review.state !== "PENDING") shape.submitted_at = review.submitted_at;
  return shape;
}

/** Reviewing needs read access for people and write for apps, and an identity. */
function requireReviewer(repo: SimRepo, principal: Principal): string {
  requirePermission(repo, principal, principal.token?.kind === "user" ? "read" : "write");
  if (!principal.login) throw new HttpError(401, "Requires authentication");
  return principal.login;
}

function parseEvent(value: unknown): ReviewEvent | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (value === "APPROVE" || value === "REQUEST_CHANGES" || value === "COMMENT") return value;
  throw unprocessable(
    `Unknown review event ${JSON.stringify(value)}; use APPROVE, REQUEST_CHANGES or COMMENT.`,
  );
}

/** The rules a review must pass to be submitted with `event`. */
function checkSubmission(
  repo: SimRepo,
  pull: SimPull,
  login: string,
  event: ReviewEvent,
  body: string,
): void {
  const author = pullIssue(repo, pull).user.toLowerCase() === login.toLowerCase();
  if (author && event === "APPROVE") throw unprocessable("Can not approve your own pull request");
  if (author && event === "REQUEST_CHANGES")
    throw unprocessable("Can not request changes on your own pull request");
  if (event !== "APPROVE" && body.trim() === "") {
    throw unprocessable(`Review body is required when the event is ${event}.`);
  }
}

/** The review as webhooks carry it: GitHub writes the state in lower case there. */
function reviewEventShape(sim: SimContext, repo: SimRepo, review: SimReview): Record<string, unknown> {
  return { ...reviewShape(sim, repo, review), state: review.state.toLowerCase() };
}

function emitReview(
  sim: SimContext,
  repo: SimRepo,
  pull: SimPull,
  review: SimReview,
  action: string,
  principal: Principal,
): void {
  sim.emit(
    repo,
    "pull_request_review",
    { action, review: reviewEventShape(sim, repo, review), pull_request: pullSimpleShape(sim, repo, pull) },
    { principal },
  );
}

function findReview(repo: SimRepo, pull: SimPull, param: string | undefined): SimReview {
  const review = repo.reviews.get(Number(param));
  if (!review || review.pull_number !== pull.number) throw notFound();
  return review;
}

async function createReview(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const login = requireReviewer(repo, req.principal);
  const pull = findPull(repo, req.params.pull_number);
  const body = bodyObject(req);
  const event = parseEvent(body.event);
  const text = typeof body.body === "string" ? body.body : "";
  let commitId = pull.head_sha;
  if (typeof body.commit_id === "string" && body.commit_id !== "") {
    const resolved = await resolveCommit(repo.gitDir, body.commit_id);
    if (!resolved) throw unprocessable(`No commit found for SHA: ${body.commit_id}`);
    commitId = resolved;
  }
  if (event) checkSubmission(repo, pull, login, event, text);
  else {
    const pending = [...repo.reviews.values()].some(
      (r) =>
        r.pull_number === pull.number &&
        r.state === "PENDING" &&
        r.user.toLowerCase() === login.toLowerCase(),
    );
    if (pending) throw unprocessable("User can only have one pending review per pull request");
  }
  const review: SimReview = {
    id: sim.state.nextId(),
    pull_number: pull.number,
    user: login,
    body: text,
    state: event ? STATE_OF[event] : "PENDING",
    commit_id: commitId,
    submitted_at: isoNow(),
  };
  repo.reviews.set(review.id, review);
  if (event) emitReview(sim, repo, pull, review, "submitted", req.principal);
  return ok(reviewShape(sim, repo, review));
}

function listReviews(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const pull = findPull(repo, req.params.pull_number);
  const viewer = req.principal.login?.toLowerCase();
  // A pending review is visible to its author only.
  const reviews = [...repo.reviews.values()]
    .filter(
      (r) => r.pull_number === pull.number && (r.state !== "PENDING" || r.user.toLowerCase() === viewer),
    )
    .sort((a, b) => a.id - b.id);
  return paginate(req, reviews, (review) => reviewShape(sim, repo, review));
}

function getReview(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const pull = findPull(repo, req.params.pull_number);
  return ok(reviewShape(sim, repo, findReview(repo, pull, req.params.review_id)));
}

/** Only a review's author may edit, submit or delete it. */
function ownReview(req: SimRequest, sim: SimContext): { repo: SimRepo; pull: SimPull; review: SimReview } {
  const repo = repoFor(req, sim, "read");
  const login = requireReviewer(repo, req.principal);
  const pull = findPull(repo, req.params.pull_number);
  const review = findReview(repo, pull, req.params.review_id);
  if (review.user.toLowerCase() !== login.toLowerCase())
    throw new HttpError(403, "You can only change your own review.");
  return { repo, pull, review };
}

function editReview(req: SimRequest, sim: SimContext): SimResponse {
  const { repo, pull, review } = ownReview(req, sim);
  const body = bodyObject(req);
  if (typeof body.body !== "string") throw unprocessable("body is required.");
  const from = review.body;
  review.body = body.body;
  if (review.state !== "PENDING" && from !== review.body) {
    sim.emit(
      repo,
      "pull_request_review",
      {
        action: "edited",
        changes: { body: { from } },
        review: reviewEventShape(sim, repo, review),
        pull_request: pullSimpleShape(sim, repo, pull),
      },
      { principal: req.principal },
    );
  }
  return ok(reviewShape(sim, repo, review));
}

function deletePendingReview(req: SimRequest, sim: SimContext): SimResponse {
  const { repo, review } = ownReview(req, sim);
  if (review.state !== "PENDING") throw unprocessable("Can not delete a non-pending pull request review");
  repo.reviews.delete(review.id);
  return ok(reviewShape(sim, repo, review));
}

function submitReview(req: SimRequest, sim: SimContext): SimResponse {
  const { repo, pull, review } = ownReview(req, sim);
  if (review.state !== "PENDING") throw unprocessable("Can not submit a non-pending pull request review");
  const body = bodyObject(req);
  const event = parseEvent(body.event);
  if (!event)
    throw unprocessable("event is required to submit a review; use APPROVE, REQUEST_CHANGES or COMMENT.");
  const text = typeof body.body === "string" ? body.body : review.body;
  checkSubmission(repo, pull, review.user, event, text);
  review.body = text;
  review.state = STATE_OF[event];
  review.submitted_at = isoNow();
  emitReview(sim, repo, pull, review, "submitted", req.principal);
  return ok(reviewShape(sim, repo, review));
}

function dismissReview(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const pull = findPull(repo, req.params.pull_number);
  const review = findReview(repo, pull, req.params.review_id);
  const body = bodyObject(req);
  if (typeof body.message !== "string" || body.message.trim() === "") {
    throw unprocessable("message is required to dismiss a review.");
  }
  if (review.state === "PENDING") throw unprocessable("Can not dismiss a pending pull request review");
  if (review.state === "COMMENTED") throw unprocessable("Can not dismiss a commented pull request review");
  if (review.state !== "DISMISSED") {
    review.state = "DISMISSED";
    emitReview(sim, repo, pull, review, "dismissed", req.principal);
  }
  return ok(reviewShape(sim, repo, review));
}
