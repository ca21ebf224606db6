// Issues: create, get, update (title, body, state, labels, assignees, milestone), list with
// GitHub's filters, and assignees. Pull requests share the issue records and appear in lists.
import type { Principal } from "../auth.ts";
import type { SimContext } from "../context.ts";
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
  type ChangeContext,
  emitIssueEvent,
  ensureLabels,
  fieldError,
  findIssue,
  holds,
  isAssignable,
  isAuthor,
  milestoneFrom,
  repoFor,
  requireBodyLength,
  requireContributor,
  setIssueAssignees,
  setIssueLabels,
  setIssueMilestone,
} from "../issues-core.ts";
import { closePullRecord } from "../pulls-core.ts";
import type { Router } from "../router.ts";
import {
  issueShape,
  issueWebhookShape,
  labelShape,
  milestoneShape,
  ShapeMemo,
  userByLogin,
} from "../shapes.ts";
import type { SimIssue, SimLabel, SimRepo } from "../state.ts";

export function register(router: Router): void {
  router.post("/repos/{owner}/{repo}/issues", createIssue);
  router.get("/repos/{owner}/{repo}/issues", listIssues);
  router.get("/repos/{owner}/{repo}/issues/{issue_number}", getIssue);
  router.patch("/repos/{owner}/{repo}/issues/{issue_number}", updateIssue);
  router.post("/repos/{owner}/{repo}/issues/{issue_number}/assignees", addAssignees);
  router.delete("/repos/{owner}/{repo}/issues/{issue_number}/assignees", removeAssignees);
  router.get("/repos/{owner}/{repo}/assignees", listAssignees);
  router.get("/repos/{owner}/{repo}/assignees/{assignee}", checkAssignee);
}

type StateReason = SimIssue["state_reason"];
const CLOSE_REASONS = new Set(["completed", "not_planned", "duplicate"]);

// ---- Body parsing ------------------------------------------------------------------------------

/** `title` may be a string or an integer (GitHub's schema allows both). */
function titleFrom(body: Record<string, unknown>, required: boolean): string | undefined {
  const value = body.title;
  if (value === undefined || value === null) {
    if (required) throw validationFailed(`Invalid request.\n\n"title" wasn't supplied.`);
    return undefined;
  }
  if (typeof value !== "string" && typeof value !== "number") {
    throw fieldError({ resource: "Issue", field: "title", code: "invalid", value });
  }
  const title = String(value);
  if (title.trim() === "") throw fieldError({ resource: "Issue", field: "title", code: "missing_field" });
  return title;
}

function textFrom(body: Record<string, unknown>): string | null | undefined {
  const value = body.body;
  if (value === undefined) return undefined;
  if (value !== null && typeof value !== "string") {
    throw fieldError({ resource: "Issue", field: "body", code: "invalid", value });
  }
  requireBodyLength("Issue", value);
  return value;
}

/** Label names from `["a"]` or `[{ name: "a" }]`. */
export function labelNames(value: unknown, field = "labels"): string[] {
  if (!Array.isArray(value)) throw fieldError({ resource: "Issue", field, code: "invalid", value });
  return value.map((item: unknown) => {
    if (typeof item === "string") return item;
    if (typeof item === "object" && item !== null && typeof (item as { name?: unknown }).name === "string") {
      return (item as { name: string }).name;
    }
    throw fieldError({ resource: "Label", field: "name", code: "invalid", value: item });
  });
}

/** Assignee logins from `assignees` (and the older single `assignee`), each one assignable. */
function assigneesFrom(repo: SimRepo, body: Record<string, unknown>): string[] | undefined {
  let logins: string[] | undefined;
  if (body.assignees !== undefined && body.assignees !== null) {
    if (!Array.isArray(body.assignees)) {
      throw fieldError({ resource: "Issue", field: "assignees", code: "invalid", value: body.assignees });
    }
    logins = body.assignees.map((item: unknown) => {
      const login = typeof item === "object" && item !== null ? (item as { login?: unknown }).login : item;
      if (typeof login !== "string")
        throw fieldError({ resource: "Issue", field: "assignees", code: "invalid", value: item });
      return login;
    });
  } else if (body.assignee !== undefined) {
    if (body.assignee !== null && typeof body.assignee !== "string") {
      throw fieldError({ resource: "Issue", field: "assignee", code: "invalid", value: body.assignee });
    }
    logins = body.assignee ? [body.assignee] : [];
  }
  for (const login of logins ?? []) {
    if (!isAssignable(repo, login))
      throw fieldError({ resource: "Issue", field: "assignees", code: "invalid", value: login });
  }
  return logins;
}

// ---- Create / get ------------------------------------------------------------------------------

async function createIssue(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  requireContributor(repo, req.principal);
  const body = bodyObject(req);
  const title = titleFrom(body, true) ?? "";
  const text = textFrom(body) ?? null;
  // Labels, assignees and milestone are silently dropped for users who cannot triage, as on GitHub.
  const triage = holds(repo, req.principal, "triage");
  const names = triage && body.labels !== undefined && body.labels !== null ? labelNames(body.labels) : [];
  const assignees = triage ? (assigneesFrom(repo, body) ?? []) : [];
  const milestone = triage && body.milestone !== undefined ? milestoneFrom(repo, body.milestone) : null;
  const ctx: ChangeContext = { sim, repo, principal: req.principal };
  const labels = ensureLabels(ctx, names);
  const issue = insertIssue(sim, repo, { title, body: text, user: req.principal.login ?? "ghost" });
  issue.labels = labels.map((l) => l.id);
  issue.assignees = [...new Set(assignees)].slice(0, 10);
  issue.milestone = milestone;
  sim.emit(
    repo,
    "issues",
    { action: "opened", issue: issueWebhookShape(sim.state, sim.baseUrl, repo, issue) },
    { principal: req.principal },
  );
  for (const label of labels)
    await emitIssueEvent(ctx, issue, "labeled", { label: labelShape(sim.baseUrl, repo, label) });
  for (const login of issue.assignees) {
    await emitIssueEvent(ctx, issue, "assigned", { assignee: userByLogin(sim.state, sim.baseUrl, login) });
  }
  const ms = milestone === null ? undefined : repo.milestones.get(milestone);
  if (ms)
    await emitIssueEvent(ctx, issue, "milestoned", {
      milestone: milestoneShape(sim.state, sim.baseUrl, repo, ms),
    });
  const url = `${sim.baseUrl}/repos/${repo.owner}/${repo.name}/issues/${issue.number}`;
  return ok(issueShape(sim.state, sim.baseUrl, repo, issue), 201, { location: url });
}

/** Adds a fresh open issue to the repo, taking the next number (shared with pull requests). */
export function insertIssue(
  sim: SimContext,
  repo: SimRepo,
  fields: { title: string; body: string | null; user: string },
): SimIssue {
  const now = isoNow();
  const issue: SimIssue = {
    id: sim.state.nextId(),
    number: repo.nextNumber,
    title: fields.title,
    body: fields.body,
    state: "open",
    state_reason: null,
    user: fields.user,
    labels: [],
    assignees: [],
    milestone: null,
    locked: false,
    comments: 0,
    created_at: now,
    updated_at: now,
    closed_at: null,
    closed_by: null,
    blocked_by: [],
    blocking: [],
    sub_issues: [],
    parent: null,
  };
  repo.nextNumber += 1;
  repo.issues.set(issue.number, issue);
  repo.issueIdToNumber.set(issue.id, issue.number);
  return issue;
}

function getIssue(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const issue = findIssue(repo, req.params.issue_number);
  return ok(issueShape(sim.state, sim.baseUrl, repo, issue));
}

// ---- Update ------------------------------------------------------------------------------------

interface IssuePatch {
  title?: string;
  body?: string | null;
  state?: "open" | "closed";
  reason?: StateReason;
  labels?: SimLabel[];
  labelNames?: string[];
  assignees?: string[];
  milestone?: number | null;
}

/** Reads the PATCH body and checks the caller may make each change (403, or a silent drop). */
function readPatch(
  repo: SimRepo,
  issue: SimIssue,
  principal: Principal,
  body: Record<string, unknown>,
): IssuePatch {
  if (!principal.token) throw new HttpError(401, "Requires authentication");
  const author = isAuthor(principal, issue.user);
  const triage = holds(repo, principal, "triage");
  if (!author && !triage) holdsOr403(repo, principal, "triage");
  const patch: IssuePatch = {};
  const title = titleFrom(body, false);
  const text = textFrom(body);
  if ((title !== undefined || text !== undefined) && !author) holdsOr403(repo, principal, "write");
  if (title !== undefined) patch.title = title;
  if (text !== undefined) patch.body = text;
  if (body.state !== undefined && body.state !== null) {
    if (body.state !== "open" && body.state !== "closed") {
      throw fieldError({ resource: "Issue", field: "state", code: "invalid", value: body.state });
    }
    patch.state = body.state;
  }
  if (body.state_reason !== undefined && body.state_reason !== null) {
    const reason = body.state_reason;
    if (typeof reason !== "string" || !(CLOSE_REASONS.has(reason) || reason === "reopened")) {
      throw fieldError({ resource: "Issue", field: "state_reason", code: "invalid", value: reason });
    }
    patch.reason = reason as StateReason;
  }
  if (!triage) return patch;
  if (body.labels !== undefined && body.labels !== null) patch.labelNames = labelNames(body.labels);
  const assignees = assigneesFrom(repo, body);
  if (assignees !== undefined) patch.assignees = assignees;
  if (body.milestone !== undefined) patch.milestone = milestoneFrom(repo, body.milestone);
  return patch;
}

function holdsOr403(repo: SimRepo, principal: Principal, level: "triage" | "write"): void {
  if (!holds(repo, principal, level)) throw new HttpError(403, "Resource not accessible by integration");
}

async function updateIssue(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const issue = findIssue(repo, req.params.issue_number);
  const patch = readPatch(repo, issue, req.principal, bodyObject(req));
  const ctx: ChangeContext = { sim, repo, principal: req.principal };
  const pull = issue.pull_request === undefined ? undefined : repo.pulls.get(issue.pull_request);
  if (patch.state === "open" && issue.state === "closed" && pull?.merged) {
    throw fieldError({
      resource: "Issue",
      field: "state",
      code: "custom",
      message: "state cannot be changed. The pull request has been merged.",
    });
  }
  const changes: Record<string, { from: string }> = {};
  if (patch.title !== undefined && patch.title !== issue.title) {
    changes.title = { from: issue.title };
    issue.title = patch.title;
  }
  if (patch.body !== undefined && patch.body !== issue.body) {
    changes.body = { from: issue.body ?? "" };
    issue.body = patch.body;
  }
  if (Object.keys(changes).length > 0) {
    issue.updated_at = isoNow();
    await emitIssueEvent(ctx, issue, "edited", { changes });
  }
  if (patch.labelNames) await setIssueLabels(ctx, issue, ensureLabels(ctx, patch.labelNames));
  if (patch.assignees) await setIssueAssignees(ctx, issue, patch.assignees);
  if (patch.milestone !== undefined) await setIssueMilestone(ctx, issue, patch.milestone);
  await applyState(ctx, issue, patch);
  return ok(issueShape(sim.state, sim.baseUrl, repo, issue));
}

/** Closes or reopens (or just re-reasons a closed issue), emitting `closed`/`reopened`. */
async function applyState(ctx: ChangeContext, issue: SimIssue, patch: IssuePatch): Promise<void> {
  const { repo, principal } = ctx;
  const target = patch.state ?? issue.state;
  const now = isoNow();
  if (target === "closed" && issue.state === "open") {
    const pull = issue.pull_request === undefined ? undefined : repo.pulls.get(issue.pull_request);
    if (pull) closePullRecord({ repo, pull, by: principal.login });
    issue.state = "closed";
    issue.state_reason =
      patch.reason && patch.reason !== "reopened" ? patch.reason : pull ? null : "completed";
    issue.closed_at = now;
    issue.closed_by = principal.login ?? null;
    issue.updated_at = now;
    await emitIssueEvent(ctx, issue, "closed");
  } else if (target === "open" && issue.state === "closed") {
    issue.state = "open";
    issue.state_reason = "reopened";
    issue.closed_at = null;
    issue.closed_by = null;
    issue.updated_at = now;
    await emitIssueEvent(ctx, issue, "reopened");
  } else if (
    target === "closed" &&
    patch.reason &&
    patch.reason !== "reopened" &&
    patch.reason !== issue.state_reason
  ) {
    issue.state_reason = patch.reason;
    issue.updated_at = now;
  }
}

// ---- List --------------------------------------------------------------------------------------

const SORTS = new Set(["created", "updated", "comments"]);

function listIssues(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const q = req.query;
  const state = q.get("state") ?? "open";
  if (state !== "open" && state !== "closed" && state !== "all") throw invalidQuery("state", state);
  const sort = q.get("sort") ?? "created";
  if (!SORTS.has(sort)) throw invalidQuery("sort", sort);
  const direction = q.get("direction") ?? "desc";
  if (direction !== "asc" && direction !== "desc") throw invalidQuery("direction", direction);
  const since = q.get("since");
  const sinceTime = since ? Date.parse(since) : undefined;
  if (sinceTime !== undefined && Number.isNaN(sinceTime)) throw invalidQuery("since", since);
  const matchers = [
    labelsMatcher(repo, q.get("labels")),
    milestoneMatcher(repo, q.get("milestone")),
    loginMatcher(q.get("assignee"), (i) => i.assignees),
    loginMatcher(q.get("creator"), (i) => [i.user], false),
    mentionMatcher(repo, q.get("mentioned")),
  ].filter((m): m is (issue: SimIssue) => boolean => m !== undefined);
  const items: SimIssue[] = [];
  for (const issue of repo.issues.values()) {
    if (state !== "all" && issue.state !== state) continue;
    if (sinceTime !== undefined && Date.parse(issue.updated_at) < sinceTime) continue;
    if (matchers.every((m) => m(issue))) items.push(issue);
  }
  // Records sit in creation order; sort only when another key is asked for.
  if (sort !== "created") {
    const key = sort === "updated" ? (i: SimIssue) => Date.parse(i.updated_at) : (i: SimIssue) => i.comments;
    items.sort((a, b) => key(a) - key(b) || a.number - b.number);
  }
  if (direction === "desc") items.reverse();
  const memo = new ShapeMemo(repo);
  return paginate(req, items, (issue) => issueShape(sim.state, sim.baseUrl, repo, issue, memo));
}

const invalidQuery = (field: string, value: unknown): HttpError =>
  fieldError({ resource: "Issue", field, code: "invalid", value });

/** `labels=a,b`: every named label must be on the issue (names match case-insensitively). */
function labelsMatcher(repo: SimRepo, param: string | null): ((issue: SimIssue) => boolean) | undefined {
  if (!param) return undefined;
  const names = param
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  if (names.length === 0) return undefined;
  const ids: number[] = [];
  for (const name of names) {
    const label = repo.labels.get(name.toLowerCase());
    if (!label) return () => false;
    ids.push(label.id);
  }
  return (issue) => ids.every((id) => issue.labels.includes(id));
}

/** `milestone=<number>|*|none`. */
function milestoneMatcher(repo: SimRepo, param: string | null): ((issue: SimIssue) => boolean) | undefined {
  if (param === null || param === "") return undefined;
  if (param === "*") return (issue) => issue.milestone !== null;
  if (param === "none") return (issue) => issue.milestone === null;
  const number = Number(param);
  if (!Number.isSafeInteger(number) || !repo.milestones.has(number)) return () => false;
  return (issue) => issue.milestone === number;
}

/** `assignee=<login>|*|none` (wildcards only where GitHub takes them) and `creator=<login>`. */
function loginMatcher(
  param: string | null,
  logins: (issue: SimIssue) => readonly string[],
  wildcards = true,
): ((issue: SimIssue) => boolean) | undefined {
  if (param === null || param === "") return undefined;
  if (wildcards && param === "*") return (issue) => logins(issue).length > 0;
  if (wildcards && param === "none") return (issue) => logins(issue).length === 0;
  const wanted = param.toLowerCase();
  return (issue) => logins(issue).some((l) => l.toLowerCase() === wanted);
}

/** `mentioned=<login>`: an `@login` in the issue's body or any of its comments. */
function mentionMatcher(repo: SimRepo, param: string | null): ((issue: SimIssue) => boolean) | undefined {
  if (!param) return undefined;
  const escaped = param.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`(^|[^\\w-])@${escaped}(?![\\w-])`, "i");
  const mentionedIn = new Set<number>();
  for (const comment of repo.comments.values()) {
    if (pattern.test(comment.body)) mentionedIn.add(comment.issue_number);
  }
  return (issue) => mentionedIn.has(issue.number) || pattern.test(issue.body ?? "");
}

// ---- Assignees ---------------------------------------------------------------------------------

function assigneeLogins(body: Record<string, unknown>, required: boolean): string[] {
  const value = body.assignees;
  if (value === undefined || value === null) {
    if (required) throw validationFailed(`Invalid request.\n\n"assignees" wasn't supplied.`);
    return [];
  }
  if (!Array.isArray(value))
    throw fieldError({ resource: "Issue", field: "assignees", code: "invalid", value });
  return value.map((item: unknown) => {
    const login = typeof item === "object" && item !== null ? (item as { login?: unknown }).login : item;
    if (typeof login !== "string")
      throw fieldError({ resource: "Issue", field: "assignees", code: "invalid", value: item });
    return login;
  });
}

/** Adds assignees; logins that cannot be assigned are ignored, as GitHub does here. */
async function addAssignees(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "triage");
  const issue = findIssue(repo, req.params.issue_number);
  const wanted = assigneeLogins(bodyObject(req), false).filter((login) => isAssignable(repo, login));
  await setIssueAssignees({ sim, repo, principal: req.principal }, issue, [...issue.assignees, ...wanted]);
  return ok(issueShape(sim.state, sim.baseUrl, repo, issue), 201);
}

async function removeAssignees(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "triage");
  const issue = findIssue(repo, req.params.issue_number);
  const gone = new Set(assigneeLogins(bodyObject(req), true).map((l) => l.toLowerCase()));
  const kept = issue.assignees.filter((login) => !gone.has(login.toLowerCase()));
  await setIssueAssignees({ sim, repo, principal: req.principal }, issue, kept);
  return ok(issueShape(sim.state, sim.baseUrl, repo, issue));
}

/** The users issues can be assigned to: the owner and collaborators. */
function listAssignees(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const logins = [repo.owner, ...repo.collaborators.keys()];
  return paginate(req, logins, (login) => userByLogin(sim.state, sim.baseUrl, login));
}

function checkAssignee(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  if (!isAssignable(repo, req.params.assignee ?? "")) throw notFound();
  return noContent();
}
