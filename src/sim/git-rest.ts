// Plumbing shared by the REST routes that read and move git state (refs, git data, branches,
// compare, merges, contents): repo lookup with permission, GitHub's "Invalid request" errors,
// exact ref reads, announcing moved refs, and the required-status-check gate of a protected
// default branch.
import type { Principal } from "./auth.ts";
import { permissionOn, requirePermission } from "./auth.ts";
import { contextVerdicts } from "./checks-core.ts";
import type { SimContext } from "./context.ts";
import { type GitIdentity, listRefs, type RefEntry, resolveCommit } from "./git.ts";
import { HttpError, notFound, type SimRequest, validationFailed } from "./http.ts";
import { type Permission, PERMISSION_RANK, type SimRepo } from "./state.ts";

/** The repo named by `{owner}/{repo}`, once the caller is known to hold `needed` on it. */
export function repoFor(req: SimRequest, sim: SimContext, needed: Permission): SimRepo {
  const repo = sim.state.repo(req.params.owner ?? "", req.params.repo ?? "");
  if (!repo) throw notFound();
  requirePermission(repo, req.principal, needed);
  return repo;
}

/** GitHub's 422 for a missing or mistyped body field. */
export function invalidField(field: string, problem: "missing" | "type", value?: unknown): HttpError {
  return problem === "missing"
    ? validationFailed(`Invalid request.\n\n"${field}" wasn't supplied.`)
    : validationFailed(
        `Invalid request.\n\nFor 'properties/${field}', ${JSON.stringify(value)} is not a string.`,
      );
}

/** A required string field of the JSON body. */
export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (value === undefined || value === null) throw invalidField(field, "missing");
  if (typeof value !== "string") throw invalidField(field, "type", value);
  return value;
}

/** An optional string field of the JSON body (`null` counts as absent). */
export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidField(field, "type", value);
  return value;
}

/** An author/committer/tagger object from a request body, defaulting to the caller. */
export function identityFrom(value: unknown, fallback: GitIdentity, field: string): GitIdentity {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "object" || Array.isArray(value))
    throw validationFailed(`Invalid request.\n\n"${field}" is not an object.`);
  const record = value as Record<string, unknown>;
  const name = optionalString(record, "name");
  const email = optionalString(record, "email");
  if (name === undefined) throw validationFailed(`Invalid request.\n\n"name" wasn't supplied in ${field}.`);
  if (email === undefined) throw validationFailed(`Invalid request.\n\n"email" wasn't supplied in ${field}.`);
  const date = optionalString(record, "date");
  if (date !== undefined && Number.isNaN(Date.parse(date))) {
    throw validationFailed(
      `Invalid request.\n\n${JSON.stringify(date)} is not a valid date-time for ${field}.date.`,
    );
  }
  return { name, email, date: date ?? new Date().toISOString() };
}

export const FULL_SHA = /^[0-9a-f]{40}$/i;

/** Reads one ref by its exact full name (no revision syntax, no short-name guessing). */
export async function readRef(gitDir: string, ref: string): Promise<RefEntry | undefined> {
  return (await listRefs(gitDir, ref)).find((entry) => entry.ref === ref);
}

/** The commit a branch name points at, or undefined when there is no such branch. */
export async function branchHead(repo: SimRepo, branch: string): Promise<string | undefined> {
  const entry = await readRef(repo.gitDir, `refs/heads/${branch}`);
  return entry ? resolveCommit(repo.gitDir, entry.sha) : undefined;
}

/**
 * Resolves what GitHub accepts where a commit is named: a branch, a tag, or a (possibly short)
 * SHA. Branches win over tags, as on GitHub.
 */
export async function resolveCommitish(repo: SimRepo, name: string): Promise<string | undefined> {
  if (!name || name.startsWith("-") || /[\s~^:?*[\\]|\.\.|@\{/.test(name)) return undefined;
  const stripped = name.replace(/^refs\//, "");
  for (const candidate of [`refs/heads/${stripped}`, `refs/tags/${stripped}`, `refs/${stripped}`]) {
    const entry = await readRef(repo.gitDir, candidate);
    if (entry) return resolveCommit(repo.gitDir, entry.sha);
  }
  if (/^[0-9a-f]{4,40}$/i.test(name)) return resolveCommit(repo.gitDir, name);
  return undefined;
}

/**
 * Tells the rest of the sim a ref moved. Branches and tags are what GitHub reports (push events,
 * PR sync, CI); other namespaces (hook claims under `refs/gastown/`) move silently, as there.
 */
export async function announceRefMove(
  sim: SimContext,
  update: {
    repo: SimRepo;
    ref: string;
    before: string;
    after: string;
    principal: Principal;
    forced?: boolean;
  },
): Promise<void> {
  if (update.before === update.after) return;
  if (!update.ref.startsWith("refs/heads/") && !update.ref.startsWith("refs/tags/")) return;
  await sim.refUpdated({
    repo: update.repo,
    ref: update.ref,
    before: update.before,
    after: update.after,
    principal: update.principal,
    ...(update.forced ? { forced: true } : {}),
  });
}

/** Whether a branch has protection rules (the sim models them on the default branch only). */
export function isProtectedBranch(repo: SimRepo, branch: string): boolean {
  if (branch !== repo.default_branch) return false;
  return repo.requiredChecks.length > 0 || repo.requireUpToDate === true || (repo.requiredApprovals ?? 0) > 0;
}

/**
 * Why `sha` may not become the tip of `branch` under its required status checks, or undefined.
 * Admins bypass (as with `enforce_admins` off); verdicts come from the checks module so pull
 * merges and direct ref moves judge a commit alike.
 */
export function requiredChecksBlocker(args: {
  repo: SimRepo;
  branch: string;
  sha: string;
  principal: Principal;
}): string | undefined {
  const { repo, sha } = args;
  if (args.branch !== repo.default_branch || repo.requiredChecks.length === 0) return undefined;
  if (PERMISSION_RANK[permissionOn(repo, args.principal)] >= PERMISSION_RANK.admin) return undefined;
  for (const [context, verdict] of contextVerdicts(repo, sha, repo.requiredChecks)) {
    if (verdict === "missing") return `Required status check "${context}" is expected.`;
    if (verdict === "pending") return `Required status check "${context}" is in progress.`;
    if (verdict === "failed") return `Required status check "${context}" is failing.`;
  }
  return undefined;
}

/** Throws GitHub's protected-branch refusal when `sha` may not become the tip of `branch`. */
export function assertMayUpdateBranch(args: {
  repo: SimRepo;
  branch: string;
  sha: string;
  principal: Principal;
  status: number;
}): void {
  const blocker = requiredChecksBlocker(args);
  if (blocker)
    throw new HttpError(
      args.status,
      `Protected branch update failed for refs/heads/${args.branch}. ${blocker}`,
    );
}
