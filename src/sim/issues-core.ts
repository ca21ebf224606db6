// What the issue-side routes share: finding issues (by number, or by id across repos), who may
// do what to an issue as GitHub decides it, GitHub's 422 bodies, and the record changes that
// emit events (labels, assignees, milestone, state), so every route that makes them emits alike.
import { type Principal, permissionOn, requirePermission } from "./auth.ts";
import type { SimContext } from "./context.ts";
import { HttpError, isoNow, notFound, validationFailed } from "./http.ts";
import { emitPullEvent } from "./pulls-core.ts";
import { issueWebhookShape, labelShape, milestoneShape, userByLogin } from "./shapes.ts";
import {
  PERMISSION_RANK,
  type Permission,
  type SimIssue,
  type SimLabel,
  type SimRepo,
  type SimState,
} from "./state.ts";

/** GitHub's limit on issue and comment bodies. */
export const MAX_BODY = 65536;
/** GitHub's limit on assignees per issue. */
export const MAX_ASSIGNEES = 10;

/** One failed field, in GitHub's `errors[]` form. */
export interface FieldError {
  resource: string;
  field: string;
  code: "missing_field" | "invalid" | "already_exists" | "custom" | "missing";
  message?: string;
  value?: unknown;
}

/** GitHub's `422 Validation Failed` with one field error. */
export function fieldError(error: FieldError): HttpError {
  // GitHub's `value` is a string or an integer; anything else is left out rather than misshapen.
  const { value, ...rest } = error;
  const keep = typeof value === "string" || (typeof value === "number" && Number.isSafeInteger(value));
  return validationFailed("Validation Failed", [keep ? { ...rest, value } : rest]);
}

/** The repo named by `{owner}/{repo}` once the caller holds a permission (404/403 otherwise). */
export { repoFor } from "./git-rest.ts";

/** Whether the principal holds at least `level` on the repo. */
export function holds(repo: SimRepo, principal: Principal, level: Permission): boolean {
  return PERMISSION_RANK[permissionOn(repo, principal)] >= PERMISSION_RANK[level];
}

/**
 * Opening issues, commenting and reacting: any signed-in user who can see the repo may, as on
 * GitHub; an app or workflow token needs its `issues: write` (here: write) on the repo.
 */
export function requireContributor(repo: SimRepo, principal: Principal): void {
  requirePermission(repo, principal, "read");
  if (!principal.token) throw new HttpError(401, "Requires authentication");
  requirePermission(repo, principal, principal.token.kind === "user" ? "read" : "write");
}

/** Whether the principal wrote the record (users edit their own issues and comments). */
export function isAuthor(principal: Principal, login: string): boolean {
  return principal.token?.kind === "user" && principal.login?.toLowerCase() === login.toLowerCase();
}

/** Parses a numeric path or body value; anything else is GitHub's 404 for a path. */
export function parseNumber(value: string | undefined): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw notFound();
  return n;
}

/** The issue (or PR's issue record) `{issue_number}` names. */
export function findIssue(repo: SimRepo, param: string | undefined): SimIssue {
  const issue = repo.issues.get(parseNumber(param));
  if (!issue) throw notFound();
  return issue;
}

/** An issue located by its global id, with the repo it lives in. */
export interface LocatedIssue {
  repo: SimRepo;
  issue: SimIssue;
}

/** Finds an issue by id: the given repo first, then every other repo (ids are global). */
export function issueById(state: SimState, id: number, near?: SimRepo): LocatedIssue | undefined {
  const local = near?.issueIdToNumber.get(id);
  if (near && local !== undefined) {
    const issue = near.issues.get(local);
    if (issue) return { repo: near, issue };
  }
  for (const repo of state.repos.values()) {
    const number = repo.issueIdToNumber.get(id);
    const issue = number === undefined ? undefined : repo.issues.get(number);
    if (issue) return { repo, issue };
  }
  return undefined;
}

/** Label lookup by name, case-insensitively, as GitHub matches label names. */
export function labelByName(repo: SimRepo, name: string): SimLabel | undefined {
  return repo.labels.get(name.toLowerCase());
}

/** A label record; GitHub stores colours as six lower-case hex digits without `#`. */
export function newLabel(
  state: SimState,
  name: string,
  color = "ededed",
  description: string | null = null,
): SimLabel {
  return { id: state.nextId(), name, color, description, default: false };
}

/** Validates and normalizes a label colour (`#` prefix allowed). */
export function normalizeColor(value: unknown): string {
  if (typeof value !== "string") throw fieldError({ resource: "Label", field: "color", code: "invalid" });
  const color = value.replace(/^#/, "").toLowerCase();
  if (!/^[0-9a-f]{6}$/.test(color)) throw fieldError({ resource: "Label", field: "color", code: "invalid" });
  return color;
}

/** Throws GitHub's 422 when a body exceeds 65,536 characters. */
export function requireBodyLength(resource: string, body: string | null): void {
  if (body !== null && body.length > MAX_BODY) {
    throw fieldError({
      resource,
      field: "body",
      code: "custom",
      message: `body is too long (maximum is ${MAX_BODY} characters)`,
    });
  }
}

/** Users who may be assigned: the owner and the repo's collaborators. */
export function isAssignable(repo: SimRepo, login: string): boolean {
  return login.toLowerCase() === repo.owner.toLowerCase() || repo.collaborators.has(login.toLowerCase());
}

// ---- Record changes that emit events --------------------------------------------------------

/** Who did it and through which context: the pieces every change needs. */
export interface ChangeContext {
  sim: SimContext;
  repo: SimRepo;
  principal: Principal;
}

/**
 * Emits an `issues` event (or, for a PR's issue record, the `pull_request` event GitHub sends
 * instead) with the issue's current shape and `extra` objects such as `label` or `changes`.
 */
export async function emitIssueEvent(
  ctx: ChangeContext,
  issue: SimIssue,
  action: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const { sim, repo, principal } = ctx;
  const pull = issue.pull_request === undefined ? undefined : repo.pulls.get(issue.pull_request);
  if (pull) {
    await emitPullEvent({ sim, repo, pull, action, principal, extra });
    return;
  }
  sim.emit(
    repo,
    "issues",
    { action, issue: issueWebhookShape(sim.state, sim.baseUrl, repo, issue), ...extra },
    { principal },
  );
}

/** Finds labels by name, creating unknown ones (colour `ededed`) as GitHub does when applying. */
export function ensureLabels(ctx: ChangeContext, names: readonly string[]): SimLabel[] {
  const { sim, repo, principal } = ctx;
  const labels: SimLabel[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (name === "") throw fieldError({ resource: "Label", field: "name", code: "invalid", value: raw });
    let label = labelByName(repo, name);
    if (!label) {
      label = newLabel(sim.state, name);
      repo.labels.set(name.toLowerCase(), label);
      sim.emit(
        repo,
        "label",
        { action: "created", label: labelShape(sim.baseUrl, repo, label) },
        { principal },
      );
    }
    if (!labels.includes(label)) labels.push(label);
  }
  return labels;
}

/** Sets an issue's labels, emitting `unlabeled` then `labeled` for the difference. */
export async function setIssueLabels(
  ctx: ChangeContext,
  issue: SimIssue,
  labels: readonly SimLabel[],
): Promise<boolean> {
  const wanted = new Set(labels.map((l) => l.id));
  const removed = issue.labels.filter((id) => !wanted.has(id));
  const added = labels.filter((l) => !issue.labels.includes(l.id));
  if (removed.length === 0 && added.length === 0) return false;
  const byId = new Map<number, SimLabel>();
  for (const label of ctx.repo.labels.values()) byId.set(label.id, label);
  issue.labels = issue.labels.filter((id) => wanted.has(id));
  issue.updated_at = isoNow();
  for (const id of removed) {
    const label = byId.get(id);
    if (label)
      await emitIssueEvent(ctx, issue, "unlabeled", { label: labelShape(ctx.sim.baseUrl, ctx.repo, label) });
  }
  for (const label of added) {
    issue.labels.push(label.id);
    await emitIssueEvent(ctx, issue, "labeled", { label: labelShape(ctx.sim.baseUrl, ctx.repo, label) });
  }
  return true;
}

/** Sets an issue's assignees (logins), emitting `unassigned` then `assigned` for the difference. */
export async function setIssueAssignees(
  ctx: ChangeContext,
  issue: SimIssue,
  logins: readonly string[],
): Promise<boolean> {
  const lower = (s: string): string => s.toLowerCase();
  const wanted: string[] = [];
  for (const login of logins) {
    const user = ctx.sim.state.users.get(lower(login));
    const canonical = user?.login ?? login;
    if (!wanted.some((w) => lower(w) === lower(canonical))) wanted.push(canonical);
  }
  const removed = issue.assignees.filter((a) => !wanted.some((w) => lower(w) === lower(a)));
  const added = wanted.filter((w) => !issue.assignees.some((a) => lower(a) === lower(w)));
  if (removed.length === 0 && added.length === 0) return false;
  if (issue.assignees.length - removed.length + added.length > MAX_ASSIGNEES) {
    throw fieldError({
      resource: "Issue",
      field: "assignees",
      code: "custom",
      message: `an issue can have at most ${MAX_ASSIGNEES} assignees`,
    });
  }
  const { sim } = ctx;
  issue.assignees = issue.assignees.filter((a) => !removed.includes(a));
  issue.updated_at = isoNow();
  for (const login of removed) {
    await emitIssueEvent(ctx, issue, "unassigned", { assignee: userByLogin(sim.state, sim.baseUrl, login) });
  }
  for (const login of added) {
    issue.assignees.push(login);
    await emitIssueEvent(ctx, issue, "assigned", { assignee: userByLogin(sim.state, sim.baseUrl, login) });
  }
  return true;
}

/** Sets (or with `null` clears) an issue's milestone, emitting `demilestoned`/`milestoned`. */
export async function setIssueMilestone(
  ctx: ChangeContext,
  issue: SimIssue,
  number: number | null,
): Promise<boolean> {
  if (issue.milestone === number) return false;
  const { sim, repo } = ctx;
  const before = issue.milestone === null ? undefined : repo.milestones.get(issue.milestone);
  issue.updated_at = isoNow();
  if (before) {
    // Moving between milestones leaves the old one first: `demilestoned` shows the issue in none.
    issue.milestone = null;
    await emitIssueEvent(ctx, issue, "demilestoned", {
      milestone: milestoneShape(sim.state, sim.baseUrl, repo, before),
    });
  }
  issue.milestone = number;
  const after = number === null ? undefined : repo.milestones.get(number);
  if (after) {
    await emitIssueEvent(ctx, issue, "milestoned", {
      milestone: milestoneShape(sim.state, sim.baseUrl, repo, after),
    });
  }
  return true;
}

/** Resolves a `milestone` body value (number, numeric string, or null) to a milestone number. */
export function milestoneFrom(repo: SimRepo, value: unknown): number | null {
  if (value === null) return null;
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !repo.milestones.has(n)) {
    throw fieldError({ resource: "Issue", field: "milestone", code: "invalid", value });
  }
  return n;
}
