// Pull requests as GitHub computes them: facts read from git (mergeable, behind, diff stats),
// branch-protection verdicts, the REST/webhook shapes, and the record changes every path that
// closes or merges a PR shares (the merge endpoint, a PATCH, and "merged when reachable").
import type { Principal } from "./auth.ts";
import { anyCheckUnsettled, contextVerdicts } from "./checks-core.ts";
import type { SimContext } from "./context.ts";
import { diffFiles, isAncestor, mergeBase, mergeTrees, resolveRef, revList } from "./git.ts";
import { HttpError, isoNow, notFound } from "./http.ts";
import { associationOf, labelShape, milestoneShape, repoShape, userByLogin } from "./shapes.ts";
import {
  PERMISSION_RANK,
  type Permission,
  type SimIssue,
  type SimPull,
  type SimRepo,
  type SimReview,
} from "./state.ts";

/** A user's permission on a repo by login (owner, collaborator, app bots acting with write). */
export function userPermission(repo: SimRepo, login: string): Permission {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return "admin";
  const explicit = repo.collaborators.get(login.toLowerCase());
  if (explicit) return explicit;
  if (login.endsWith("[bot]")) return "write";
  return repo.private ? "none" : "read";
}

/** The PR numbered by a path parameter, or 404. */
export function findPull(repo: SimRepo, param: string | undefined): SimPull {
  const pull = repo.pulls.get(Number(param));
  if (!pull) throw notFound();
  return pull;
}

/** The issue record a PR shares its number, title, body and state with. */
export function pullIssue(repo: SimRepo, pull: SimPull): SimIssue {
  const issue = repo.issues.get(pull.number);
  if (!issue)
    throw new Error(`pull request #${pull.number} of ${repo.owner}/${repo.name} has no issue record`);
  return issue;
}

export const isOpen = (repo: SimRepo, pull: SimPull): boolean => pullIssue(repo, pull).state === "open";

// ---- Facts read from git ------------------------------------------------------------------

export interface PullFacts {
  /** The base tip the facts were computed against. */
  base: string;
  /** Whether head merges cleanly into base; `null` once the PR is closed. */
  mergeable: boolean | null;
  /** Whether the base has commits the head lacks. */
  behind: boolean;
  commits: number;
  additions: number;
  deletions: number;
  changed_files: number;
}

// Facts depend only on (base, head); recomputing on every GET would run five git processes.
const factsCache = new WeakMap<SimPull, { key: string; facts: PullFacts }>();

/** The base tip a PR is compared with: live for open PRs, frozen once closed. */
export async function currentBase(repo: SimRepo, pull: SimPull): Promise<string> {
  if (!isOpen(repo, pull)) return pull.base_sha;
  const tip = await resolveRef(repo.gitDir, `refs/heads/${pull.base_ref}`);
  if (tip) pull.base_sha = tip;
  return pull.base_sha;
}

export async function pullFacts(repo: SimRepo, pull: SimPull): Promise<PullFacts> {
  const base = await currentBase(repo, pull);
  const open = isOpen(repo, pull);
  const key = `${base}:${pull.head_sha}:${open}`;
  const cached = factsCache.get(pull);
  if (cached?.key === key) return cached.facts;
  const fork = (await mergeBase(repo.gitDir, base, pull.head_sha)) ?? base;
  const [commits, files, merge, upToDate] = await Promise.all([
    revList(repo.gitDir, base, pull.head_sha),
    diffFiles(repo.gitDir, fork, pull.head_sha),
    open ? mergeTrees(repo.gitDir, base, pull.head_sha) : undefined,
    isAncestor(repo.gitDir, base, pull.head_sha),
  ]);
  const facts: PullFacts = {
    base,
    mergeable: merge ? merge.clean : null,
    behind: !upToDate,
    commits: commits.length,
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    changed_files: files.length,
  };
  factsCache.set(pull, { key, facts });
  return facts;
}

// ---- Branch protection --------------------------------------------------------------------

/** Whether a PR's base carries the repo's branch protection (the default branch). */
export const isProtectedBase = (repo: SimRepo, pull: SimPull): boolean =>
  pull.base_ref === repo.default_branch;

/** Each reviewer's standing review (the latest that approves, requests changes or is dismissed). */
export function standingReviews(repo: SimRepo, pull: SimPull): Map<string, SimReview> {
  const standing = new Map<string, SimReview>();
  const reviews = [...repo.reviews.values()]
    .filter((r) => r.pull_number === pull.number)
    .sort((a, b) => a.id - b.id);
  for (const review of reviews) {
    if (review.state === "COMMENTED" || review.state === "PENDING") continue;
    standing.set(review.user.toLowerCase(), review);
  }
  return standing;
}

/**
 * Why branch protection refuses to merge this PR now (first reason), or undefined. Required
 * status checks are read on the head commit, reviews count only writers' approvals.
 */
export function protectionBlocker(repo: SimRepo, pull: SimPull, facts: PullFacts): string | undefined {
  if (!isProtectedBase(repo, pull)) return undefined;
  const verdicts = contextVerdicts(repo, pull.head_sha, repo.requiredChecks);
  for (const [context, verdict] of verdicts) {
    if (verdict === "missing") return `Required status check "${context}" is expected.`;
    if (verdict === "pending") return `Required status check "${context}" is in progress.`;
    if (verdict === "failed") return `Required status check "${context}" is failing.`;
  }
  const needed = repo.requiredApprovals ?? 0;
  if (needed > 0) {
    const standing = [...standingReviews(repo, pull).values()];
    if (standing.some((r) => r.state === "CHANGES_REQUESTED")) {
      return "Changes have been requested on this pull request; address them or dismiss the review.";
    }
    const approvals = standing.filter(
      (r) => r.state === "APPROVED" && PERMISSION_RANK[userPermission(repo, r.user)] >= PERMISSION_RANK.write,
    ).length;
    if (approvals < needed) {
      return `At least ${needed} approving review${needed === 1 ? " is" : "s are"} required by reviewers with write access.`;
    }
  }
  if (repo.requireUpToDate && facts.behind)
    return "Head branch is out of date. Review and try the merge again.";
  return undefined;
}

/** GitHub's `mergeable_state` for a PR. */
export function mergeableState(repo: SimRepo, pull: SimPull, facts: PullFacts): string {
  if (!isOpen(repo, pull)) return "unknown";
  if (facts.mergeable === false) return "dirty";
  if (pull.draft) return "draft";
  const blocker = protectionBlocker(repo, pull, facts);
  if (blocker) return blocker.startsWith("Head branch is out of date") ? "behind" : "blocked";
  if (anyCheckUnsettled(repo, pull.head_sha)) return "unstable";
  return "clean";
}

// ---- Shapes ------------------------------------------------------------------------------

/** `pull-request-simple`: what lists and review events carry. */
export function pullSimpleShape(sim: SimContext, repo: SimRepo, pull: SimPull): Record<string, unknown> {
  const { state, baseUrl } = sim;
  const issue = pullIssue(repo, pull);
  const full = `${repo.owner}/${repo.name}`;
  const api = `${baseUrl}/repos/${full}`;
  const html = `${baseUrl}/${full}/pull/${pull.number}`;
  const repoJson = repoShape(state, baseUrl, repo);
  const owner = userByLogin(state, baseUrl, repo.owner);
  const labels = issue.labels.flatMap((id) => {
    const label = [...repo.labels.values()].find((l) => l.id === id);
    // GitHub's description of pull-request-simple types a label's description as a string (a
    // label made without one reads as null elsewhere), so a PR listing answers "" for it.
    return label ? [{ ...labelShape(baseUrl, repo, label), description: label.description ?? "" }] : [];
  });
  const milestone = issue.milestone === null ? undefined : repo.milestones.get(issue.milestone);
  const assignees = issue.assignees.map((login) => userByLogin(state, baseUrl, login));
  const link = (href: string): { href: string } => ({ href });
  return {
    url: `${api}/pulls/${pull.number}`,
    id: pull.id,
    node_id: `PR_${pull.id}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${api}/pulls/${pull.number}/commits`,
    review_comments_url: `${api}/pulls/${pull.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${pull.head_sha}`,
    number: pull.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: userByLogin(state, baseUrl, issue.user),
    body: issue.body,
    labels,
    milestone: milestone ? milestoneShape(state, baseUrl, repo, milestone) : null,
    active_lock_reason: null,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    merged_at: pull.merged_at,
    merge_commit_sha: pull.merge_commit_sha,
    assignee: assignees[0] ?? null,
    assignees,
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${repo.owner}:${pull.head_ref}`,
      ref: pull.head_ref,
      sha: pull.head_sha,
      user: owner,
      repo: repoJson,
    },
    base: {
      label: `${repo.owner}:${pull.base_ref}`,
      ref: pull.base_ref,
      sha: pull.base_sha,
      user: owner,
      repo: repoJson,
    },
    _links: {
      self: link(`${api}/pulls/${pull.number}`),
      html: link(html),
      issue: link(`${api}/issues/${pull.number}`),
      comments: link(`${api}/issues/${pull.number}/comments`),
      review_comments: link(`${api}/pulls/${pull.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${pull.number}/commits`),
      statuses: link(`${api}/statuses/${pull.head_sha}`),
    },
    author_association: associationOf(repo, issue.user),
    auto_merge: null,
    draft: pull.draft,
  };
}

/** The full `pull-request` shape (GET one, create, update, and `pull_request` events). */
export async function pullShape(
  sim: SimContext,
  repo: SimRepo,
  pull: SimPull,
): Promise<Record<string, unknown>> {
  const facts = await pullFacts(repo, pull);
  const issue = pullIssue(repo, pull);
  return {
    ...pullSimpleShape(sim, repo, pull),
    merged: pull.merged,
    mergeable: facts.mergeable,
    rebaseable: facts.mergeable,
    mergeable_state: mergeableState(repo, pull, facts),
    merged_by: pull.merged_by ? userByLogin(sim.state, sim.baseUrl, pull.merged_by) : null,
    comments: issue.comments,
    review_comments: 0,
    maintainer_can_modify: pull.maintainer_can_modify,
    commits: facts.commits,
    additions: facts.additions,
    deletions: facts.deletions,
    changed_files: facts.changed_files,
  };
}

/** Emits a `pull_request` event with the PR's current full shape. */
export async function emitPullEvent(args: {
  sim: SimContext;
  repo: SimRepo;
  pull: SimPull;
  action: string;
  principal: Principal;
  extra?: Record<string, unknown>;
}): Promise<void> {
  const { sim, repo, pull } = args;
  const shape = await pullShape(sim, repo, pull);
  sim.emit(
    repo,
    "pull_request",
    { action: args.action, number: pull.number, ...args.extra, pull_request: shape },
    { principal: args.principal },
  );
}

// ---- Record changes ----------------------------------------------------------------------

/** Closes a PR's record (and its issue); with `merge`, marks it merged as well. */
export function closePullRecord(args: {
  repo: SimRepo;
  pull: SimPull;
  by: string | undefined;
  merge?: { commit: string; by: string | undefined };
}): void {
  const { pull } = args;
  const issue = pullIssue(args.repo, pull);
  const now = isoNow();
  issue.state = "closed";
  issue.closed_at = now;
  issue.closed_by = args.by ?? null;
  issue.updated_at = now;
  if (args.merge) {
    pull.merged = true;
    pull.merged_at = now;
    pull.merged_by = args.merge.by ?? null;
    pull.merge_commit_sha = args.merge.commit;
  }
}

/**
 * Marks a PR ready for review or converts it to a draft (GitHub does this through GraphQL's
 * `markPullRequestReadyForReview`/`convertPullRequestToDraft`); emits `ready_for_review` or
 * `converted_to_draft` when the flag changes. Resolves with whether it changed.
 */
export async function setPullDraft(args: {
  sim: SimContext;
  repo: SimRepo;
  pull: SimPull;
  draft: boolean;
  principal: Principal;
}): Promise<boolean> {
  const { sim, repo, pull, principal } = args;
  if (!isOpen(repo, pull))
    throw new HttpError(422, "Pull request is closed; reopen it to change its draft state.");
  if (pull.draft === args.draft) return false;
  pull.draft = args.draft;
  pullIssue(repo, pull).updated_at = isoNow();
  await emitPullEvent({
    sim,
    repo,
    pull,
    action: args.draft ? "converted_to_draft" : "ready_for_review",
    principal,
  });
  return true;
}

/** Throws GitHub's 422 when a PR's head has nothing the base lacks. */
export async function requireCommitsBetween(
  repo: SimRepo,
  base: string,
  head: string,
  baseRef: string,
  headRef: string,
) {
  if ((await revList(repo.gitDir, base, head)).length === 0) {
    throw new HttpError(422, "Validation Failed", [
      { resource: "PullRequest", code: "custom", message: `No commits between ${baseRef} and ${headRef}` },
    ]);
  }
}
