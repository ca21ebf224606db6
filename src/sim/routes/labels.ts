// Labels: the repo's label set (names unique case-insensitively) and the labels on an issue.
// Applying a name the repo lacks creates the label, as GitHub does.
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
  labelByName,
  newLabel,
  normalizeColor,
  repoFor,
  setIssueLabels,
} from "../issues-core.ts";
import type { Router } from "../router.ts";
import { labelShape } from "../shapes.ts";
import type { SimLabel, SimRepo } from "../state.ts";
import { labelNames } from "./issues.ts";

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}/labels", listLabels);
  router.post("/repos/{owner}/{repo}/labels", createLabel);
  router.get("/repos/{owner}/{repo}/labels/{name}", getLabel);
  router.patch("/repos/{owner}/{repo}/labels/{name}", updateLabel);
  router.delete("/repos/{owner}/{repo}/labels/{name}", deleteLabel);
  router.get("/repos/{owner}/{repo}/issues/{issue_number}/labels", listIssueLabels);
  router.post("/repos/{owner}/{repo}/issues/{issue_number}/labels", addIssueLabels);
  router.put("/repos/{owner}/{repo}/issues/{issue_number}/labels", setLabels);
  router.delete("/repos/{owner}/{repo}/issues/{issue_number}/labels", removeAllLabels);
  router.delete("/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", removeIssueLabel);
}

/** GitHub caps label names at 50 characters and descriptions at 100. */
const MAX_NAME = 50;
const MAX_DESCRIPTION = 100;

function byId(repo: SimRepo): SimLabel[] {
  return [...repo.labels.values()].sort((a, b) => a.id - b.id);
}

function findLabel(repo: SimRepo, name: string | undefined): SimLabel {
  const label = labelByName(repo, name ?? "");
  if (!label) throw notFound();
  return label;
}

function nameFrom(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw fieldError({
      resource: "Label",
      field: "name",
      code: value === undefined ? "missing_field" : "invalid",
    });
  }
  const name = value.trim();
  if (name.length > MAX_NAME) {
    throw fieldError({
      resource: "Label",
      field,
      code: "custom",
      message: `name is too long (maximum is ${MAX_NAME} characters)`,
    });
  }
  return name;
}

function descriptionFrom(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== "string")
    throw fieldError({ resource: "Label", field: "description", code: "invalid" });
  if (value.length > MAX_DESCRIPTION) {
    throw fieldError({
      resource: "Label",
      field: "description",
      code: "custom",
      message: `description is too long (maximum is ${MAX_DESCRIPTION} characters)`,
    });
  }
  return value;
}

// ---- Repo labels -------------------------------------------------------------------------------

function listLabels(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  return paginate(req, byId(repo), (label) => labelShape(sim.baseUrl, repo, label));
}

function getLabel(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  return ok(labelShape(sim.baseUrl, repo, findLabel(repo, req.params.name)));
}

function createLabel(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const body = bodyObject(req);
  if (body.name === undefined) throw validationFailed(`Invalid request.\n\n"name" wasn't supplied.`);
  const name = nameFrom(body.name, "name");
  const color = body.color === undefined ? "ededed" : normalizeColor(body.color);
  const description = body.description === undefined ? null : descriptionFrom(body.description);
  if (labelByName(repo, name)) throw fieldError({ resource: "Label", field: "name", code: "already_exists" });
  const label = newLabel(sim.state, name, color, description);
  repo.labels.set(name.toLowerCase(), label);
  const shape = labelShape(sim.baseUrl, repo, label);
  sim.emit(repo, "label", { action: "created", label: shape }, { principal: req.principal });
  return ok(shape, 201, { location: String(shape.url) });
}

function updateLabel(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const label = findLabel(repo, req.params.name);
  const body = bodyObject(req);
  const name = body.new_name === undefined ? undefined : nameFrom(body.new_name, "new_name");
  const color = body.color === undefined ? undefined : normalizeColor(body.color);
  const description = body.description === undefined ? undefined : descriptionFrom(body.description);
  const clash = name === undefined ? undefined : labelByName(repo, name);
  if (clash && clash !== label)
    throw fieldError({ resource: "Label", field: "name", code: "already_exists" });
  const changes: Record<string, { from: string }> = {};
  if (name !== undefined && name !== label.name) {
    changes.name = { from: label.name };
    repo.labels.delete(label.name.toLowerCase());
    label.name = name;
    repo.labels.set(name.toLowerCase(), label);
  }
  if (color !== undefined && color !== label.color) {
    changes.color = { from: label.color };
    label.color = color;
  }
  if (description !== undefined && description !== label.description) {
    changes.description = { from: label.description ?? "" };
    label.description = description;
  }
  const shape = labelShape(sim.baseUrl, repo, label);
  if (Object.keys(changes).length > 0) {
    sim.emit(repo, "label", { action: "edited", label: shape, changes }, { principal: req.principal });
  }
  return ok(shape);
}

/** Deleting a label takes it off every issue (no per-issue events, as on GitHub). */
function deleteLabel(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const label = findLabel(repo, req.params.name);
  repo.labels.delete(label.name.toLowerCase());
  for (const issue of repo.issues.values()) {
    if (issue.labels.includes(label.id)) issue.labels = issue.labels.filter((id) => id !== label.id);
  }
  sim.emit(
    repo,
    "label",
    { action: "deleted", label: labelShape(sim.baseUrl, repo, label) },
    { principal: req.principal },
  );
  return noContent();
}

// ---- Labels on an issue ------------------------------------------------------------------------

function issueLabels(repo: SimRepo, ids: readonly number[]): SimLabel[] {
  const wanted = new Set(ids);
  const found = new Map<number, SimLabel>();
  for (const label of repo.labels.values()) if (wanted.has(label.id)) found.set(label.id, label);
  return ids.flatMap((id) => found.get(id) ?? []);
}

function listIssueLabels(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const issue = findIssue(repo, req.params.issue_number);
  return paginate(req, issueLabels(repo, issue.labels), (label) => labelShape(sim.baseUrl, repo, label));
}

/** `labels` may be the body itself (`["a"]`), `{ labels: [...] }`, or `{ labels: [{ name }] }`. */
function requestedNames(req: SimRequest): string[] {
  if (Array.isArray(req.body)) return labelNames(req.body);
  const body = bodyObject(req);
  if (body.labels === undefined || body.labels === null) {
    throw validationFailed(`Invalid request.\n\n"labels" wasn't supplied.`);
  }
  return labelNames(body.labels);
}

function issueAndContext(
  req: SimRequest,
  sim: SimContext,
): { ctx: ChangeContext; issueNumber: string | undefined } {
  const repo = repoFor(req, sim, "triage");
  return { ctx: { sim, repo, principal: req.principal }, issueNumber: req.params.issue_number };
}

async function addIssueLabels(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const { ctx, issueNumber } = issueAndContext(req, sim);
  const issue = findIssue(ctx.repo, issueNumber);
  const names = requestedNames(req);
  const current = issueLabels(ctx.repo, issue.labels);
  await setIssueLabels(ctx, issue, [...current, ...ensureLabels(ctx, names)]);
  return ok(issueLabels(ctx.repo, issue.labels).map((l) => labelShape(sim.baseUrl, ctx.repo, l)));
}

async function setLabels(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const { ctx, issueNumber } = issueAndContext(req, sim);
  const issue = findIssue(ctx.repo, issueNumber);
  const names = req.body === undefined ? [] : requestedNames(req);
  await setIssueLabels(ctx, issue, ensureLabels(ctx, names));
  return ok(issueLabels(ctx.repo, issue.labels).map((l) => labelShape(sim.baseUrl, ctx.repo, l)));
}

async function removeAllLabels(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const { ctx, issueNumber } = issueAndContext(req, sim);
  const issue = findIssue(ctx.repo, issueNumber);
  await setIssueLabels(ctx, issue, []);
  return noContent();
}

/** Removes one label; 404 ("Label does not exist") when it is not on the issue. */
async function removeIssueLabel(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const { ctx, issueNumber } = issueAndContext(req, sim);
  const issue = findIssue(ctx.repo, issueNumber);
  const label = labelByName(ctx.repo, req.params.name ?? "");
  if (!label || !issue.labels.includes(label.id)) {
    throw new HttpError(404, "Label does not exist");
  }
  issue.labels = issue.labels.filter((id) => id !== label.id);
  issue.updated_at = isoNow();
  await emitIssueEvent(ctx, issue, "unlabeled", { label: labelShape(sim.baseUrl, ctx.repo, label) });
  return ok(issueLabels(ctx.repo, issue.labels).map((l) => labelShape(sim.baseUrl, ctx.repo, l)));
}
