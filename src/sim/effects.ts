// What happens when a branch moves, whoever moved it (a git push, the refs API, a merge):
//   1. the `push` event;
//   2. open PRs whose head is that branch follow it (`pull_request.synchronize`), or close when
//      it is deleted (as do PRs into a deleted base);
//   3. every open PR whose head is now reachable from its base is marked merged — GitHub's rule,
//      which is how a fast-forward of the base to a tested staging branch merges PRs;
//   4. on the default branch, issues that merged PR bodies or newly reachable commit messages
//      `Close`/`Fix`/`Resolve` are closed as completed;
//   5. CI for the pushed branch and the synchronized PRs.
import { type Principal, permissionOn } from "./auth.ts";
import { branchMatches, startCi } from "./ci.ts";
import type { RefUpdate, SimContext } from "./context.ts";
import { isAncestor, type LoggedCommit, listRefs, logCommits, resolveRef, ZERO } from "./git.ts";
import { isoNow } from "./http.ts";
import { emitIssueEvent } from "./issues-core.ts";
import { closePullRecord, emitPullEvent, isOpen } from "./pulls-core.ts";
import { accountFor, identityOf } from "./shapes-git.ts";
import { PERMISSION_RANK, type SimPull, type SimRepo } from "./state.ts";

const HEADS = "refs/heads/";

// GitHub's push payloads list at most this many commits here (the newest ones).
const PUSH_COMMITS = 20;

// Effects of one repo's ref moves run in order, one at a time: two pushes racing must not both
// see a PR open and both merge it, and push events should follow the order of the moves.
const queues = new WeakMap<SimRepo, Promise<unknown>>();

/**
 * Runs the side effects of a branch or tag moving (`sim.refUpdated`). Whoever moved the ref —
 * smart HTTP, the refs or merges API, a PR merge — calls this after the move succeeded.
 */
export function applyRefUpdate(sim: SimContext, update: RefUpdate): Promise<void> {
  const previous = queues.get(update.repo) ?? Promise.resolve();
  const next = previous.then(
    () => applyNow(sim, update),
    () => applyNow(sim, update),
  );
  queues.set(
    update.repo,
    next.catch(() => undefined),
  );
  return next;
}

async function applyNow(sim: SimContext, update: RefUpdate): Promise<void> {
  const { repo, ref, after } = update;
  await emitPush(sim, update);
  if (!ref.startsWith(HEADS)) return;
  const branch = ref.slice(HEADS.length);
  const synchronized = await followBranch(sim, update, branch);
  const merged = await mergeReachable(sim, update, branch);
  if (branch === repo.default_branch && after !== ZERO) await closeReferencedIssues(sim, update, merged);
  const ci = repo.ci;
  if (!ci || after === ZERO) return;
  if (branchMatches(ci.branches, branch)) startCi(sim, repo, { sha: after, ref, event: "push" });
  if (ci.pullRequests === false) return;
  for (const pull of synchronized) {
    if (!isOpen(repo, pull)) continue;
    startCi(sim, repo, {
      sha: pull.head_sha,
      ref: `refs/pull/${pull.number}/head`,
      event: "pull_request",
      pull: { number: pull.number, headRef: pull.head_ref, baseRef: pull.base_ref },
    });
  }
}

const openPulls = (repo: SimRepo): SimPull[] => [...repo.pulls.values()].filter((p) => isOpen(repo, p));

/** Moves PR heads with their branch; closes PRs whose head or base branch was deleted. */
async function followBranch(sim: SimContext, update: RefUpdate, branch: string): Promise<SimPull[]> {
  const { repo, after, principal } = update;
  const synchronized: SimPull[] = [];
  for (const pull of openPulls(repo)) {
    if (after === ZERO) {
      if (pull.head_ref !== branch && pull.base_ref !== branch) continue;
      closePullRecord({ repo, pull, by: principal.login });
      await emitPullEvent({ sim, repo, pull, action: "closed", principal });
      continue;
    }
    if (pull.head_ref !== branch || pull.head_sha === after) continue;
    const before = pull.head_sha;
    pull.head_sha = after;
    const issue = repo.issues.get(pull.number);
    if (issue) issue.updated_at = isoNow();
    await emitPullEvent({ sim, repo, pull, action: "synchronize", principal, extra: { before, after } });
    synchronized.push(pull);
  }
  return synchronized;
}

/** Marks merged every open PR touching the branch whose head its base now contains. */
async function mergeReachable(sim: SimContext, update: RefUpdate, branch: string): Promise<SimPull[]> {
  const { repo, before, after, principal } = update;
  if (after === ZERO) return [];
  const merged: SimPull[] = [];
  for (const pull of openPulls(repo)) {
    if (pull.base_ref !== branch && pull.head_ref !== branch) continue;
    const baseTip =
      pull.base_ref === branch ? after : await resolveRef(repo.gitDir, `${HEADS}${pull.base_ref}`);
    if (!baseTip || !(await isAncestor(repo.gitDir, pull.head_sha, baseTip))) continue;
    // A merge or close may have landed while git answered.
    if (!isOpen(repo, pull)) continue;
    // Keep the base as it was before the merge, so the PR's commits and files still read right.
    if (pull.base_ref === branch && before !== ZERO) pull.base_sha = before;
    closePullRecord({ repo, pull, by: principal.login, merge: { commit: baseTip, by: principal.login } });
    await emitPullEvent({ sim, repo, pull, action: "closed", principal });
    merged.push(pull);
  }
  return merged;
}

// ---- Closing keywords ------------------------------------------------------------------------

export interface IssueReference {
  /** `owner/name` when the reference names a repository, else undefined (this repo). */
  repo: string | undefined;
  number: number;
}

const KEYWORD =
  /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+(?:([\w.-]+\/[\w.-]+)?#(\d+)|https?:\/\/[^\s/]+\/([\w.-]+\/[\w.-]+)\/issues\/(\d+))\b/gi;

/** The issues a text closes with GitHub's keywords (close, closes, closed, fix…, resolve…). */
export function closingReferences(text: string): IssueReference[] {
  const refs: IssueReference[] = [];
  for (const match of text.matchAll(KEYWORD)) {
    const slug = match[1] ?? match[3];
    const number = Number(match[2] ?? match[4]);
    if (Number.isSafeInteger(number) && number > 0) refs.push({ repo: slug, number });
  }
  return refs;
}

/** Closes the issues referenced by PRs merged into the default branch and by its new commits. */
async function closeReferencedIssues(
  sim: SimContext,
  update: RefUpdate,
  reachable: SimPull[],
): Promise<void> {
  const { repo, principal } = update;
  const commits = await newCommits(update);
  const newShas = new Set(commits.map((c) => c.sha));
  // PRs merged by the merge endpoint are closed already; their merge commit is among the new ones.
  const merged = new Set(reachable);
  for (const pull of repo.pulls.values()) {
    if (pull.merged && pull.base_ref === repo.default_branch && newShas.has(pull.merge_commit_sha ?? "")) {
      merged.add(pull);
    }
  }
  const texts: string[] = [];
  for (const pull of merged) texts.push(repo.issues.get(pull.number)?.body ?? "");
  for (const commit of commits) texts.push(commit.message);
  const seen = new Set<string>();
  for (const ref of texts.flatMap(closingReferences)) {
    const target = ref.repo ? sim.state.repos.get(ref.repo.toLowerCase()) : repo;
    if (!target) continue;
    const key = `${target.id}#${ref.number}`;
    if (seen.has(key)) continue;
    seen.add(key);
    await closeIssue(sim, target, ref.number, principal, target === repo);
  }
}

async function closeIssue(
  sim: SimContext,
  repo: SimRepo,
  number: number,
  principal: Principal,
  sameRepo: boolean,
): Promise<void> {
  const issue = repo.issues.get(number);
  if (!issue || issue.pull_request !== undefined || issue.state !== "open") return;
  // Another repo's issue closes only when the pusher could close it there.
  if (!sameRepo && PERMISSION_RANK[permissionOn(repo, principal)] < PERMISSION_RANK.triage) return;
  const now = isoNow();
  issue.state = "closed";
  issue.state_reason = "completed";
  issue.closed_at = now;
  issue.closed_by = principal.login ?? null;
  issue.updated_at = now;
  await emitIssueEvent({ sim, repo, principal }, issue, "closed");
}

/** Commits the update made reachable from the ref (for a new ref: those on no other branch). */
async function newCommits(update: RefUpdate, limit?: number, files = false): Promise<LoggedCommit[]> {
  const { repo, ref, before, after } = update;
  if (after === ZERO) return [];
  let exclude: string[];
  if (before !== ZERO) exclude = [before];
  else exclude = (await listRefs(repo.gitDir, HEADS)).filter((r) => r.ref !== ref).map((r) => r.sha);
  return logCommits({
    gitDir: repo.gitDir,
    include: [after],
    exclude,
    ...(limit === undefined ? {} : { limit }),
    files,
  });
}

// ---- The push event ----------------------------------------------------------------------------

async function emitPush(sim: SimContext, update: RefUpdate): Promise<void> {
  const { repo, ref, before, after, principal } = update;
  const html = `${sim.baseUrl}/${repo.owner}/${repo.name}`;
  const commits = await newCommits(update, PUSH_COMMITS, true);
  let head: LoggedCommit | undefined = commits.find((c) => c.sha === after);
  if (!head && after !== ZERO) {
    [head] = await logCommits({ gitDir: repo.gitDir, include: [after], limit: 1, files: true });
  }
  const forced =
    update.forced ?? (before !== ZERO && after !== ZERO && !(await isAncestor(repo.gitDir, before, after)));
  const commitJson = (commit: LoggedCommit): Record<string, unknown> => {
    const person = (who: LoggedCommit["author"]): Record<string, unknown> => {
      const login = accountFor(sim.state, sim.baseUrl, who)?.login;
      return typeof login === "string"
        ? { name: who.name, email: who.email, username: login }
        : { name: who.name, email: who.email };
    };
    return {
      id: commit.sha,
      tree_id: commit.tree,
      distinct: true,
      message: commit.message.trimEnd(),
      timestamp: commit.committer.date ?? isoNow(),
      url: `${html}/commit/${commit.sha}`,
      author: person(commit.author),
      committer: person(commit.committer),
      added: commit.added,
      removed: commit.removed,
      modified: commit.modified,
    };
  };
  const pusher = principal.login ?? "ghost";
  sim.emit(
    repo,
    "push",
    {
      ref,
      before,
      after,
      created: before === ZERO,
      deleted: after === ZERO,
      forced,
      base_ref: null,
      compare:
        before === ZERO
          ? `${html}/compare/${ref.replace(/^refs\/(heads|tags)\//, "")}`
          : `${html}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
      commits: commits.map(commitJson),
      head_commit: head ? commitJson(head) : null,
      pusher: { name: pusher, email: identityOf(sim.state, pusher).email },
    },
    { principal },
  );
}
