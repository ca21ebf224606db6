// Collaborators: list, check, add (directly, without GitHub's invitation step), remove, and a
// user's permission level. The owner of a user-owned repo counts as an admin collaborator.
import type { SimContext } from "../context.ts";
import { bodyObject, noContent, notFound, ok, paginate, type SimRequest, type SimResponse } from "../http.ts";
import { fieldError, repoFor } from "../issues-core.ts";
import type { Router } from "../router.ts";
import { userShape } from "../shapes.ts";
import { PERMISSION_RANK, type Permission, type SimRepo, type SimState, type SimUser } from "../state.ts";

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}/collaborators", listCollaborators);
  router.get("/repos/{owner}/{repo}/collaborators/{username}", checkCollaborator);
  router.put("/repos/{owner}/{repo}/collaborators/{username}", addCollaborator);
  router.delete("/repos/{owner}/{repo}/collaborators/{username}", removeCollaborator);
  router.get("/repos/{owner}/{repo}/collaborators/{username}/permission", getPermission);
}

/** The `permission` names the REST API takes (`pull`, `push`) mapped to roles. */
const ROLE_BY_PARAM: Record<string, Exclude<Permission, "none">> = {
  pull: "read",
  read: "read",
  triage: "triage",
  push: "write",
  write: "write",
  maintain: "maintain",
  admin: "admin",
};

/** A user's role on the repo by login: owner, explicit collaborator, or what visibility gives. */
export function roleOf(repo: SimRepo, login: string): Permission {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return "admin";
  return repo.collaborators.get(login.toLowerCase()) ?? (repo.private ? "none" : "read");
}

/** GitHub's legacy `permission` field folds maintain into write and triage into read. */
function legacyPermission(role: Permission): string {
  if (role === "maintain") return "write";
  if (role === "triage") return "read";
  return role;
}

function permissionsOf(role: Permission): Record<string, boolean> {
  const at = (level: Permission): boolean => PERMISSION_RANK[role] >= PERMISSION_RANK[level];
  return {
    admin: at("admin"),
    maintain: at("maintain"),
    push: at("write"),
    triage: at("triage"),
    pull: at("read"),
  };
}

function collaboratorShape(baseUrl: string, user: SimUser, role: Permission): Record<string, unknown> {
  return { ...userShape(baseUrl, user), permissions: permissionsOf(role), role_name: role };
}

function isCollaborator(repo: SimRepo, login: string): boolean {
  return login.toLowerCase() === repo.owner.toLowerCase() || repo.collaborators.has(login.toLowerCase());
}

function knownUser(state: SimState, login: string | undefined): SimUser {
  const user = state.users.get((login ?? "").toLowerCase());
  if (!user) throw notFound();
  return user;
}

function listCollaborators(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const wanted = req.query.get("permission");
  const minimum = wanted === null ? undefined : ROLE_BY_PARAM[wanted];
  if (wanted !== null && (minimum === undefined || wanted === "read" || wanted === "write")) {
    throw fieldError({ resource: "Repository", field: "permission", code: "invalid", value: wanted });
  }
  const logins = [
    repo.owner,
    ...[...repo.collaborators.keys()].filter((l) => l !== repo.owner.toLowerCase()),
  ];
  const items = logins
    .map((login) => ({ user: sim.state.user(login), role: roleOf(repo, login) }))
    .filter(({ role }) => minimum === undefined || PERMISSION_RANK[role] >= PERMISSION_RANK[minimum]);
  return paginate(req, items, ({ user, role }) => collaboratorShape(sim.baseUrl, user, role));
}

function checkCollaborator(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  if (!isCollaborator(repo, req.params.username ?? "")) throw notFound();
  return noContent();
}

/** Adds (or changes the role of) a collaborator at once; GitHub would send an invitation first. */
function addCollaborator(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  const user = knownUser(sim.state, req.params.username);
  const body = bodyObject(req);
  const param = body.permission ?? "push";
  const role = typeof param === "string" ? ROLE_BY_PARAM[param] : undefined;
  if (!role) throw fieldError({ resource: "Repository", field: "permission", code: "invalid", value: param });
  if (user.login.toLowerCase() === repo.owner.toLowerCase()) {
    throw fieldError({
      resource: "Repository",
      field: "collaborator",
      code: "custom",
      message: "Repository owner cannot be a collaborator",
    });
  }
  repo.collaborators.set(user.login.toLowerCase(), role);
  return noContent();
}

function removeCollaborator(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  repo.collaborators.delete((req.params.username ?? "").toLowerCase());
  return noContent();
}

/** `{ permission, role_name, user }` for any known user, collaborator or not. */
function getPermission(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const user = knownUser(sim.state, req.params.username);
  const role = roleOf(repo, user.login);
  return ok({
    permission: legacyPermission(role),
    role_name: role,
    user: collaboratorShape(sim.baseUrl, user, role),
  });
}
