// Merging a PR and updating its branch: real git commits, a compare-and-swap move of the target
// branch, and GitHub's refusals (stale head 409, conflicts and protection 405, base raced).
// Merges and branch updates of one repo run one at a time, so no PR is ever merged twice.
import { type Principal, permissionOn } from "./auth.ts";
import type { SimContext } from "./context.ts";
import {
  cherryPickOnto,
  commitTree,
  isAncestor,
  logCommits,
  mergeTrees,
  readCommit,
  resolveRef,
  revList,
  updateRef,
} from "./git.ts";
import { HttpError } from "./http.ts";
import { mergeQueueOf } from "./merge-queue.ts";
import {
  closePullRecord,
  emitPullEvent,
  isOpen,
  protectionBlocker,
  pullFacts,
  pullIssue,
} from "./pulls-core.ts";
import { identityOf } from "./shapes-git.ts";
import type { SimPull, SimRepo } from "./state.ts";

export type MergeMethod = "merge" | "squash" | "rebase";

const locks = new WeakMap<SimRepo, Promise<unknown>>();

/** Runs `work` after every earlier merge or branch update of the repo has finished. */
function serially<T>(repo: SimRepo, work: () => Promise<T>): Promise<T> {
  const previous = locks.get(repo) ?? Promise.resolve();
  const next = previous.then(work, work);
  locks.set(
    repo,
    next.catch(() => undefined),
  );
  return next;
}

// A base that keeps moving under us is retried this many times before GitHub's 405.
const ATTEMPTS = 3;

export interface MergeRequest {
  sim: SimContext;
  repo: SimRepo;
  pull: SimPull;
  principal: Principal;
  method: MergeMethod;
  /** The head the caller reviewed; a different current head answers 409. */
  sha?: string | undefined;
  commitTitle?: string | undefined;
  commitMessage?: string | undefined;
}

/** Merges a PR into its base; resolves with the commit the base now points at. */
export function mergePull(request: MergeRequest): Promise<string> {
  return serially(request.repo, () => mergeLocked(request));
}

async function mergeLocked(request: MergeRequest): Promise<string> {
  const { sim, repo, pull, principal } = request;
  const baseRef = `refs/heads/${pull.base_ref}`;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    if (!isOpen(repo, pull) || pull.merged) throw new HttpError(405, "Pull Request is not mergeable");
    if (pull.draft) throw new HttpError(405, "Pull Request is still a draft");
    // A branch with a merge queue takes changes only through it (GraphQL `enqueuePullRequest`).
    if (mergeQueueOf(repo, pull.base_ref))
      throw new HttpError(405, "Changes must be made through the merge queue");
    if (request.sha !== undefined && request.sha !== pull.head_sha) {
      throw new HttpError(409, "Head branch was modified. Review and try the merge again.");
    }
    const base = await resolveRef(repo.gitDir, baseRef);
    if (!base) throw new HttpError(405, `Base branch ${pull.base_ref} does not exist`);
    const facts = await pullFacts(repo, pull);
    if (facts.base !== base) continue;
    // Admins bypass branch protection, as with GitHub's `enforce_admins` off.
    const blocker = protectionBlocker(repo, pull, facts);
    if (blocker && permissionOn(repo, principal) !== "admin") throw new HttpError(405, blocker);
    const commit = await buildMergeCommit(request, base);
    if (!commit) throw new HttpError(405, "Pull Request is not mergeable");
    const moved = await updateRef({ gitDir: repo.gitDir, ref: baseRef, sha: commit, expected: base });
    if (!moved.ok) continue;
    closePullRecord({ repo, pull, by: principal.login, merge: { commit, by: principal.login } });
    await emitPullEvent({ sim, repo, pull, action: "closed", principal });
    await sim.refUpdated({ repo, ref: baseRef, before: base, after: commit, principal });
    return commit;
  }
  throw new HttpError(405, "Base branch was modified. Review and try the merge again.");
}

/** The commit the base should move to, or undefined when the PR conflicts with it. */
async function buildMergeCommit(request: MergeRequest, base: string): Promise<string | undefined> {
  const { sim, repo, pull, principal } = request;
  const issue = pullIssue(repo, pull);
  const merger = identityOf(sim.state, principal.login);
  const gitDir = repo.gitDir;
  if (request.method === "rebase") {
    // Like `git rebase`, merge commits (an earlier update-branch, say) are dropped, not replayed.
    const logged = await logCommits({ gitDir, include: [pull.head_sha], exclude: [base] });
    const commits = logged.filter((c) => c.parents.length < 2).map((c) => c.sha);
    const picked = await cherryPickOnto({ gitDir, onto: base, commits });
    return picked.clean ? picked.sha : undefined;
  }
  const merged = await mergeTrees(gitDir, base, pull.head_sha);
  if (!merged.clean) return undefined;
  if (request.method === "squash") {
    const title = request.commitTitle ?? `${issue.title} (#${pull.number})`;
    const message = request.commitMessage ?? (await squashMessage(repo, base, pull.head_sha));
    return commitTree({
      gitDir,
      tree: merged.tree,
      parents: [base],
      message: message ? `${title}\n\n${message}` : title,
      author: identityOf(sim.state, issue.user),
      committer: merger,
    });
  }
  const title =
    request.commitTitle ?? `Merge pull request #${pull.number} from ${repo.owner}/${pull.head_ref}`;
  const message = request.commitMessage ?? issue.title;
  return commitTree({
    gitDir,
    tree: merged.tree,
    parents: [base, pull.head_sha],
    message: message ? `${title}\n\n${message}` : title,
    author: merger,
    committer: merger,
  });
}

/** GitHub's default squash message: each commit's message as a bullet. */
async function squashMessage(repo: SimRepo, base: string, head: string): Promise<string> {
  const lines: string[] = [];
  for (const sha of await revList(repo.gitDir, base, head)) {
    const commit = await readCommit(repo.gitDir, sha);
    if (commit) lines.push(`* ${commit.message.trim()}`);
  }
  return lines.join("\n\n");
}

/**
 * Merges the base into the PR's head branch (`update-branch`); resolves with the new head.
 * Refuses with 422 when `expectedHeadSha` is stale, nothing is new on the base, or it conflicts.
 */
export function updatePullBranch(args: {
  sim: SimContext;
  repo: SimRepo;
  pull: SimPull;
  principal: Principal;
  expectedHeadSha?: string | undefined;
}): Promise<string> {
  return serially(args.repo, async () => {
    const { sim, repo, pull, principal } = args;
    const stale = (): HttpError => new HttpError(422, "expected head sha didn't match current head ref.");
    if (!isOpen(repo, pull))
      throw new HttpError(422, "Pull request is closed; reopen it to update its branch.");
    if (args.expectedHeadSha !== undefined && args.expectedHeadSha !== pull.head_sha) throw stale();
    const headRef = `refs/heads/${pull.head_ref}`;
    const head = pull.head_sha;
    const base = await resolveRef(repo.gitDir, `refs/heads/${pull.base_ref}`);
    if (!base) throw new HttpError(422, `Base branch ${pull.base_ref} does not exist`);
    if (await isAncestor(repo.gitDir, base, head)) {
      throw new HttpError(422, "There are no new commits on the base branch.");
    }
    const merged = await mergeTrees(repo.gitDir, head, base);
    if (!merged.clean) throw new HttpError(422, "merge conflict between base and head");
    const author = identityOf(sim.state, principal.login);
    const commit = await commitTree({
      gitDir: repo.gitDir,
      tree: merged.tree,
      parents: [head, base],
      message: `Merge branch '${pull.base_ref}' into ${pull.head_ref}`,
      author,
      committer: author,
    });
    const moved = await updateRef({ gitDir: repo.gitDir, ref: headRef, sha: commit, expected: head });
    if (!moved.ok) throw stale();
    await sim.refUpdated({ repo, ref: headRef, before: head, after: commit, principal });
    return commit;
  });
}
