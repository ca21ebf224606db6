// Milestones: CRUD with `open_issues`/`closed_issues` counted from the issues at answer time.
// Deleting a milestone takes it off its issues, as GitHub does.
import type { SimContext } from "../context.ts";
import {
  bodyObject,
  isoNow,
  noContent,
  notFound,
  ok,
  paginate,
  type SimRequest,
  type SimResponse,
  validationFailed,
} from "../http.ts";
import { fieldError, parseNumber, repoFor } from "../issues-core.ts";
import type { Router } from "../router.ts";
import { milestoneShape, ShapeMemo } from "../shapes.ts";
import type { SimMilestone, SimRepo } from "../state.ts";

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}/milestones", listMilestones);
  router.post("/repos/{owner}/{repo}/milestones", createMilestone);
  router.get("/repos/{owner}/{repo}/milestones/{milestone_number}", getMilestone);
  router.patch("/repos/{owner}/{repo}/milestones/{milestone_number}", updateMilestone);
  router.delete("/repos/{owner}/{repo}/milestones/{milestone_number}", deleteMilestone);
}

function findMilestone(repo: SimRepo, param: string | undefined): SimMilestone {
  const milestone = repo.milestones.get(parseNumber(param));
  if (!milestone) throw notFound();
  return milestone;
}

interface MilestoneFields {
  title?: string;
  state?: "open" | "closed";
  description?: string | null;
  due_on?: string | null;
}

function readFields(repo: SimRepo, body: Record<string, unknown>, self?: SimMilestone): MilestoneFields {
  const fields: MilestoneFields = {};
  if (body.title !== undefined) {
    if (typeof body.title !== "string" || body.title.trim() === "") {
      throw fieldError({ resource: "Milestone", field: "title", code: "missing_field" });
    }
    const lower = body.title.toLowerCase();
    for (const other of repo.milestones.values()) {
      if (other !== self && other.title.toLowerCase() === lower) {
        throw fieldError({ resource: "Milestone", field: "title", code: "already_exists" });
      }
    }
    fields.title = body.title;
  }
  if (body.state !== undefined) {
    if (body.state !== "open" && body.state !== "closed") {
      throw fieldError({ resource: "Milestone", field: "state", code: "invalid", value: body.state });
    }
    fields.state = body.state;
  }
  if (body.description !== undefined) {
    if (body.description !== null && typeof body.description !== "string") {
      throw fieldError({ resource: "Milestone", field: "description", code: "invalid" });
    }
    fields.description = body.description;
  }
  if (body.due_on !== undefined) {
    if (body.due_on === null) fields.due_on = null;
    else {
      const time = typeof body.due_on === "string" ? Date.parse(body.due_on) : Number.NaN;
      if (Number.isNaN(time))
        throw fieldError({ resource: "Milestone", field: "due_on", code: "invalid", value: body.due_on });
      fields.due_on = isoNow(new Date(time));
    }
  }
  return fields;
}

function listMilestones(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const state = req.query.get("state") ?? "open";
  if (state !== "open" && state !== "closed" && state !== "all") {
    throw fieldError({ resource: "Milestone", field: "state", code: "invalid", value: state });
  }
  const sort = req.query.get("sort") ?? "due_on";
  if (sort !== "due_on" && sort !== "completeness") {
    throw fieldError({ resource: "Milestone", field: "sort", code: "invalid", value: sort });
  }
  const direction = req.query.get("direction") ?? "asc";
  const memo = new ShapeMemo(repo);
  const items = [...repo.milestones.values()].filter((m) => state === "all" || m.state === state);
  const completeness = (m: SimMilestone): number => {
    const { open, closed } = memo.milestoneCounts(m.number);
    return open + closed === 0 ? 0 : closed / (open + closed);
  };
  // Milestones without a due date sort after dated ones, whichever the direction.
  const dueKey = (m: SimMilestone): number =>
    m.due_on === null ? Number.POSITIVE_INFINITY : Date.parse(m.due_on);
  const sign = direction === "desc" ? -1 : 1;
  items.sort((a, b) => {
    if (sort === "due_on") {
      const [da, db] = [dueKey(a), dueKey(b)];
      if (da !== db) {
        if (da === Number.POSITIVE_INFINITY) return 1;
        if (db === Number.POSITIVE_INFINITY) return -1;
        return sign * (da - db);
      }
    } else {
      const diff = completeness(a) - completeness(b);
      if (diff !== 0) return sign * diff;
    }
    return a.number - b.number;
  });
  return paginate(req, items, (m) => milestoneShape(sim.state, sim.baseUrl, repo, m, memo));
}

function createMilestone(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const body = bodyObject(req);
  if (body.title === undefined || body.title === null)
    throw validationFailed(`Invalid request.\n\n"title" wasn't supplied.`);
  const fields = readFields(repo, body);
  const now = isoNow();
  const state = fields.state ?? "open";
  const milestone: SimMilestone = {
    id: sim.state.nextId(),
    number: repo.nextMilestone,
    title: fields.title ?? "",
    description: fields.description ?? null,
    state,
    due_on: fields.due_on ?? null,
    creator: req.principal.login ?? "ghost",
    created_at: now,
    updated_at: now,
    closed_at: state === "closed" ? now : null,
  };
  repo.nextMilestone += 1;
  repo.milestones.set(milestone.number, milestone);
  const shape = milestoneShape(sim.state, sim.baseUrl, repo, milestone);
  const options = { principal: req.principal };
  if (state === "closed") {
    // GitHub's `milestone.created` always carries an open milestone; one made closed then closes.
    const asOpened = { ...shape, state: "open", closed_at: null };
    sim.emit(repo, "milestone", { action: "created", milestone: asOpened }, options);
    sim.emit(repo, "milestone", { action: "closed", milestone: shape }, options);
  } else {
    sim.emit(repo, "milestone", { action: "created", milestone: shape }, options);
  }
  return ok(shape, 201, { location: String(shape.url) });
}

function getMilestone(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  return ok(milestoneShape(sim.state, sim.baseUrl, repo, findMilestone(repo, req.params.milestone_number)));
}

/** Edits emit `edited` (with `changes`); a state flip emits `closed` or `opened` as well. */
function updateMilestone(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const milestone = findMilestone(repo, req.params.milestone_number);
  const fields = readFields(repo, bodyObject(req), milestone);
  const changes: Record<string, { from: string }> = {};
  if (fields.title !== undefined && fields.title !== milestone.title) {
    changes.title = { from: milestone.title };
    milestone.title = fields.title;
  }
  if (fields.description !== undefined && fields.description !== milestone.description) {
    changes.description = { from: milestone.description ?? "" };
    milestone.description = fields.description;
  }
  if (fields.due_on !== undefined && fields.due_on !== milestone.due_on) {
    changes.due_on = { from: milestone.due_on ?? "" };
    milestone.due_on = fields.due_on;
  }
  const now = isoNow();
  const flipped = fields.state !== undefined && fields.state !== milestone.state;
  if (flipped && fields.state) {
    milestone.state = fields.state;
    milestone.closed_at = fields.state === "closed" ? now : null;
  }
  if (flipped || Object.keys(changes).length > 0) milestone.updated_at = now;
  const options = { principal: req.principal };
  if (Object.keys(changes).length > 0) {
    const shape = milestoneShape(sim.state, sim.baseUrl, repo, milestone);
    sim.emit(repo, "milestone", { action: "edited", milestone: shape, changes }, options);
  }
  if (flipped) {
    const shape = milestoneShape(sim.state, sim.baseUrl, repo, milestone);
    sim.emit(
      repo,
      "milestone",
      { action: milestone.state === "closed" ? "closed" : "opened", milestone: shape },
      options,
    );
  }
  return ok(milestoneShape(sim.state, sim.baseUrl, repo, milestone));
}

function deleteMilestone(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "write");
  const milestone = findMilestone(repo, req.params.milestone_number);
  const shape = milestoneShape(sim.state, sim.baseUrl, repo, milestone);
  repo.milestones.delete(milestone.number);
  for (const issue of repo.issues.values()) {
    if (issue.milestone === milestone.number) issue.milestone = null;
  }
  sim.emit(repo, "milestone", { action: "deleted", milestone: shape }, { principal: req.principal });
  return noContent();
}
