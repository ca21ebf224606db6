// GitHub's native merge queue, per repo and base branch (docs: "Managing a merge queue"). PRs join
// by `enqueuePullRequest` (GraphQL), first in first out unless they `jump` to the front. The queue
// builds one merge group per entry, up to `maxEntriesToBuild` at once: a real commit on a
// temporary branch `gh-readonly-queue/<base>/pr-<n>-<head>` holding the base, every entry ahead
// and this PR, announced by `merge_group.checks_requested`. When the required checks pass on the
// FRONT entry's group, the base is fast-forwarded to that tested commit (so the base only ever
// points at a group commit) and the entry leaves (`merge_group.destroyed`, reason `merged`). A
// failed or timed-out check, a conflict, a push to the PR or a manual dequeue removes an entry
// (`pull_request.dequeued` with GitHub's reason, a RemovedFromMergeQueueEvent on the PR's
// timeline); the groups behind it are destroyed (`invalidated`) and rebuilt on the new state.
//
// The queue moves on from what the sim itself observes — check runs completing, statuses, pushes,
// PRs closing — and every step is tracked work, so `sim.idle()` waits for it to settle. All steps
// of one repo's queues run one at a time.
import type { Principal } from "./auth.ts";
import { contextVerdicts, latestRuns } from "./checks-core.ts";
import { startCi } from "./ci.ts";
import type { RefUpdate, SimContext } from "./context.ts";
import {
  type CommitInfo,
  cherryPickOnto,
  commitTree,
  deleteRef,
  logCommits,
  mergeTrees,
  readCommit,
  resolveRef,
  updateRef,
  ZERO,
} from "./git.ts";
import { isoNow } from "./http.ts";
import type { MergeMethod } from "./pull-merge.ts";
import {
  closePullRecord,
  emitPullEvent,
  isOpen,
  protectionBlocker,
  pullFacts,
  pullIssue,
} from "./pulls-core.ts";
import { rulesetChecksFor } from "./rulesets.ts";
import { identityOf } from "./shapes-git.ts";
import type { SimPull, SimRepo, SimState } from "./state.ts";

/** GitHub's `MergeQueueEntryState`. */
export type MergeQueueEntryState = "QUEUED" | "AWAITING_CHECKS" | "MERGEABLE" | "UNMERGEABLE" | "LOCKED";

/** The `reason` of `pull_request.dequeued` (GitHub's enum) that the sim gives. */
export type DequeueReason =
  | "MANUAL"
  | "MERGE"
  | "MERGE_CONFLICT"
  | "CI_FAILURE"
  | "CI_TIMEOUT"
  | "ALREADY_MERGED"
  | "QUEUE_CLEARED";

export interface MergeQueueOptions {
  /** The base branch the queue merges into; the default branch when omitted. */
  branch?: string;
  /** Check names (check runs or status contexts) that must pass on each merge group's commit. */
  checks: string[];
  /** How each PR joins its group: a merge commit (default), a squash or a rebase. */
  mergeMethod?: MergeMethod;
  /** How many entries have a group built and tested at once (GitHub's build concurrency, 1–100; default 5). */
  maxEntriesToBuild?: number;
}

/** A merge group: the commit the queue tests for one entry. */
export interface MergeGroup {
  /** The group's commit: the base, the entries ahead, and this PR. */
  sha: string;
  /** Its branch, as a full ref: `refs/heads/gh-readonly-queue/<base>/pr-<n>-<head>`. */
  ref: string;
  /** The commit it was built on: the base tip, or the group of the entry ahead. */
  baseSha: string;
  /** `head_commit` of the `merge_group` payloads. */
  headCommit: Record<string, unknown>;
}

export interface SimMergeQueueEntry {
  /** GraphQL node id (`MQE_…`). */
  id: string;
  pull: SimPull;
  enqueuedAt: string;
  /** Login of whoever added it. */
  enqueuer: string;
  jump: boolean;
  /** The PR head the entry was queued with; a push to the PR removes the entry. */
  headSha: string;
  state: MergeQueueEntryState;
  group: MergeGroup | undefined;
  /** 1-based position when it left the queue (live position while queued). */
  lastPosition: number;
  /** A removal something outside the queue asked for (a push to the PR's head), applied next step. */
  removal?: { reason: DequeueReason; principal: Principal };
}

export interface SimMergeQueue {
  /** GraphQL node id (`MQ_…`). */
  id: string;
  repo: SimRepo;
  branch: string;
  checks: string[];
  mergeMethod: MergeMethod;
  maxEntriesToBuild: number;
  /** Front first. */
  entries: SimMergeQueueEntry[];
  /** The ruleset id its `merge_queue` rule reports. */
  rulesetId: number;
}

/** An `AddedToMergeQueueEvent` or `RemovedFromMergeQueueEvent` on a PR's timeline. */
export interface MergeQueueTimelineEvent {
  type: "AddedToMergeQueueEvent" | "RemovedFromMergeQueueEvent";
  id: string;
  createdAt: string;
  /** Who did it (the merge queue's bot for CI failures and conflicts). */
  actor: string | undefined;
  enqueuer: string;
  queue: SimMergeQueue;
  reason?: DequeueReason;
  /** The PR head when it was removed. */
  beforeCommit?: string;
}

/** The account the queue acts as: it pushes group branches and fast-forwards the base. */
export const MERGE_QUEUE_BOT = "github-merge-queue[bot]";
export const MERGE_QUEUE_PRINCIPAL: Principal = { token: undefined, login: MERGE_QUEUE_BOT };

/** A refusal of enqueue/dequeue, typed as GitHub's GraphQL errors are. */
export class MergeQueueError extends Error {
  readonly type: "NOT_FOUND" | "FORBIDDEN" | "UNPROCESSABLE";
  constructor(type: MergeQueueError["type"], message: string) {
    super(message);
    this.type = type;
  }
}

const GROUP_PREFIX = "gh-readonly-queue/";
const DEFAULT_BUILD_CONCURRENCY = 5;
// A step that keeps finding work (the base moving under it) gives up after this many rounds; the
// next observed change starts another.
const MAX_ROUNDS = 100;

const queuesByRepo = new WeakMap<SimRepo, Map<string, SimMergeQueue>>();
const timelines = new WeakMap<SimPull, MergeQueueTimelineEvent[]>();
const chains = new WeakMap<SimRepo, Promise<unknown>>();
const scheduled = new WeakSet<SimMergeQueue>();

// ---- Setup and lookups ------------------------------------------------------------------------

/** Enables (or reconfigures) the merge queue of a repo's branch. */
export function enableMergeQueue(sim: SimContext, repo: SimRepo, options: MergeQueueOptions): SimMergeQueue {
  const branch = options.branch ?? repo.default_branch;
  const build = options.maxEntriesToBuild ?? DEFAULT_BUILD_CONCURRENCY;
  if (!Number.isInteger(build) || build < 1 || build > 100) {
    throw new Error(`maxEntriesToBuild must be an integer from 1 to 100, got ${build}.`);
  }
  let byBranch = queuesByRepo.get(repo);
  if (!byBranch) {
    byBranch = new Map();
    queuesByRepo.set(repo, byBranch);
  }
  const existing = byBranch.get(branch);
  const queue: SimMergeQueue = existing ?? {
    id: `MQ_${Buffer.from(`${repo.id}:${branch}`).toString("base64url")}`,
    repo,
    branch,
    checks: [],
    mergeMethod: "merge",
    maxEntriesToBuild: build,
    entries: [],
    rulesetId: sim.state.nextId(),
  };
  queue.checks = [...options.checks];
  queue.mergeMethod = options.mergeMethod ?? "merge";
  queue.maxEntriesToBuild = build;
  byBranch.set(branch, queue);
  if (existing) schedule(sim, queue);
  return queue;
}

/** The merge queue of a branch, if it has one. */
export function mergeQueueOf(repo: SimRepo, branch: string): SimMergeQueue | undefined {
  return queuesByRepo.get(repo)?.get(branch);
}

/** Every merge queue of a repo. */
export function mergeQueuesOf(repo: SimRepo): SimMergeQueue[] {
  return [...(queuesByRepo.get(repo)?.values() ?? [])];
}

/** A PR's entry in its base branch's queue, if it is queued. */
export function queuedEntryOf(
  repo: SimRepo,
  pull: SimPull,
): { queue: SimMergeQueue; entry: SimMergeQueueEntry } | undefined {
  const queue = mergeQueueOf(repo, pull.base_ref);
  const entry = queue?.entries.find((e) => e.pull === pull);
  return queue && entry ? { queue, entry } : undefined;
}

/** A queued entry by node id. */
export function entryById(
  state: SimState,
  id: string,
): { queue: SimMergeQueue; entry: SimMergeQueueEntry } | undefined {
  for (const repo of state.repos.values()) {
    for (const queue of mergeQueuesOf(repo)) {
      const entry = queue.entries.find((e) => e.id === id);
      if (entry) return { queue, entry };
    }
  }
  return undefined;
}

/** 1-based position of a queued entry (its position when it left, once gone). */
export function positionOf(queue: SimMergeQueue, entry: SimMergeQueueEntry): number {
  const index = queue.entries.indexOf(entry);
  return index === -1 ? entry.lastPosition : index + 1;
}

/** The PR's merge-queue timeline events, oldest first. */
export function mergeQueueTimeline(pull: SimPull): readonly MergeQueueTimelineEvent[] {
  return timelines.get(pull) ?? [];
}

// ---- Enqueue and dequeue ----------------------------------------------------------------------

/** Adds a PR to its base branch's queue (GraphQL `enqueuePullRequest`); resolves with the entry. */
export function enqueuePullRequest(args: {
  sim: SimContext;
  repo: SimRepo;
  pull: SimPull;
  principal: Principal;
  expectedHeadOid?: string | undefined;
  jump?: boolean | undefined;
}): Promise<SimMergeQueueEntry> {
  const { sim, repo, pull, principal } = args;
  return serially(sim, repo, async () => {
    const queue = mergeQueueOf(repo, pull.base_ref);
    const number = `#${pull.number}`;
    if (pull.merged) throw unprocessable(`Pull request ${number} is already merged.`);
    if (!isOpen(repo, pull)) {
      throw unprocessable(`Pull request ${number} is closed; reopen it before adding it to the merge queue.`);
    }
    if (!queue) {
      throw unprocessable(
        `Pull request ${number} targets ${pull.base_ref}, which has no merge queue: merge it directly, ` +
          `or enable a merge queue on ${pull.base_ref} first.`,
      );
    }
    if (args.expectedHeadOid !== undefined && args.expectedHeadOid !== pull.head_sha) {
      throw unprocessable(
        `Expected head OID ${args.expectedHeadOid} is not the head of pull request ${number} ` +
          `(${pull.head_sha}); fetch the pull request again and enqueue its current head.`,
      );
    }
    const queued = queue.entries.findIndex((e) => e.pull === pull);
    if (queued !== -1) {
      throw unprocessable(`Pull request ${number} is already in the merge queue (position ${queued + 1}).`);
    }
    if (pull.draft) {
      throw unprocessable(
        `Pull request ${number} is a draft; mark it ready for review before adding it to the merge queue.`,
      );
    }
    const facts = await pullFacts(repo, pull);
    if (facts.mergeable === false) {
      throw unprocessable(
        `Pull request ${number} has merge conflicts with ${pull.base_ref}; resolve them before adding it to the merge queue.`,
      );
    }
    // The PR must meet its branch's requirements first; being behind the base is the queue's job.
    const blocker = protectionBlocker(repo, pull, { ...facts, behind: false }) ?? rulesetBlocker(repo, pull);
    if (blocker) throw unprocessable(`Pull request ${number} is not mergeable: ${blocker}`);
    const enqueuer = principal.login ?? repo.owner;
    const entry: SimMergeQueueEntry = {
      id: `MQE_${sim.state.nextId()}`,
      pull,
      enqueuedAt: isoNow(),
      enqueuer,
      jump: args.jump === true,
      headSha: pull.head_sha,
      state: "QUEUED",
      group: undefined,
      lastPosition: 0,
    };
    if (entry.jump) queue.entries.unshift(entry);
    else queue.entries.push(entry);
    entry.lastPosition = positionOf(queue, entry);
    record(pull, {
      type: "AddedToMergeQueueEvent",
      id: `AMQE_${sim.state.nextId()}`,
      createdAt: entry.enqueuedAt,
      actor: enqueuer,
      enqueuer,
      queue,
    });
    await emitPullEvent({ sim, repo, pull, action: "enqueued", principal });
    schedule(sim, queue);
    return entry;
  });
}

/** Removes a PR from its queue (GraphQL `dequeuePullRequest`, reason MANUAL); resolves with the entry. */
export function dequeuePullRequest(args: {
  sim: SimContext;
  repo: SimRepo;
  pull: SimPull;
  principal: Principal;
}): Promise<SimMergeQueueEntry> {
  const { sim, repo, pull, principal } = args;
  return serially(sim, repo, async () => {
    const found = queuedEntryOf(repo, pull);
    if (!found) throw unprocessable(`Pull request #${pull.number} is not in the merge queue.`);
    await removeEntry(sim, found.queue, found.entry, "MANUAL", principal);
    schedule(sim, found.queue);
    return found.entry;
  });
}

const unprocessable = (message: string): MergeQueueError => new MergeQueueError("UNPROCESSABLE", message);

/** The first required check of the base's rulesets that has not passed on the PR's head. */
function rulesetBlocker(repo: SimRepo, pull: SimPull): string | undefined {
  const required = rulesetChecksFor(repo, pull.base_ref);
  for (const [context, verdict] of contextVerdicts(repo, pull.head_sha, required)) {
    if (verdict === "missing") return `Required status check "${context}" is expected.`;
    if (verdict === "pending") return `Required status check "${context}" is in progress.`;
    if (verdict === "failed") return `Required status check "${context}" is failing.`;
  }
  return undefined;
}

// ---- What the queue observes ------------------------------------------------------------------

/**
 * Called after a ref move's effects ran: a push to a queued PR's head removes it (MANUAL, by the
 * pusher); the base moving rebuilds the groups on it.
 */
export function observeRefUpdate(sim: SimContext, update: RefUpdate): void {
  const queues = mergeQueuesOf(update.repo);
  if (queues.length === 0 || !update.ref.startsWith("refs/heads/")) return;
  const branch = update.ref.slice("refs/heads/".length);
  if (branch.startsWith(GROUP_PREFIX)) return;
  for (const queue of queues) {
    let touched = branch === queue.branch;
    for (const entry of queue.entries) {
      if (entry.pull.head_ref !== branch || entry.pull.head_sha === entry.headSha) continue;
      entry.removal ??= { reason: "MANUAL", principal: update.principal };
      touched = true;
    }
    if (touched) schedule(sim, queue);
  }
}

/**
 * Called for every event the sim emits: a check run completing or a status on a group commit
 * lets the queue move on; a queued PR closing or changing base removes it.
 */
export function observeEvent(
  sim: SimContext,
  repo: SimRepo,
  event: string,
  payload: Record<string, unknown>,
): void {
  const queues = mergeQueuesOf(repo);
  if (queues.length === 0) return;
  let sha: string | undefined;
  if (event === "check_run" && payload.action === "completed") {
    sha = (payload.check_run as { head_sha?: string } | undefined)?.head_sha;
  } else if (event === "status") {
    sha = typeof payload.sha === "string" ? payload.sha : undefined;
  } else if (event === "pull_request" && (payload.action === "closed" || payload.action === "edited")) {
    const number = payload.number;
    for (const queue of queues) {
      if (queue.entries.some((e) => e.pull.number === number)) schedule(sim, queue);
    }
    return;
  }
  if (!sha) return;
  for (const queue of queues) {
    if (queue.entries.some((e) => e.group?.sha === sha)) schedule(sim, queue);
  }
}

// ---- The queue's steps ------------------------------------------------------------------------

/** Runs `work` after every earlier step of the repo's queues; tracked, so `sim.idle()` waits. */
function serially<T>(sim: SimContext, repo: SimRepo, work: () => Promise<T>): Promise<T> {
  const previous = chains.get(repo) ?? Promise.resolve();
  const next = previous.then(work, work);
  chains.set(
    repo,
    next.catch(() => undefined),
  );
  sim.track(next);
  return next;
}

/** Queues one reconciling step (at most one waits at a time per queue). */
function schedule(sim: SimContext, queue: SimMergeQueue): void {
  if (scheduled.has(queue)) return;
  scheduled.add(queue);
  void serially(sim, queue.repo, async () => {
    scheduled.delete(queue);
    await reconcile(sim, queue);
  }).catch(() => undefined);
}

/**
 * Brings the queue up to date with the repo: drops entries whose PR moved on, destroys groups no
 * longer built on the base, builds the missing ones, lands the front when its checks pass and
 * removes it when they fail. Repeats until nothing changes.
 */
async function reconcile(sim: SimContext, queue: SimMergeQueue): Promise<void> {
  const { repo } = queue;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const base = await resolveRef(repo.gitDir, `refs/heads/${queue.branch}`);
    if (!base) {
      for (const entry of [...queue.entries]) {
        await removeEntry(sim, queue, entry, "QUEUE_CLEARED", MERGE_QUEUE_PRINCIPAL);
      }
      return;
    }
    if (await dropStale(sim, queue)) continue;
    await invalidate(sim, queue, base);
    const conflicted = await build(sim, queue, base);
    if (conflicted) {
      await removeEntry(sim, queue, conflicted, "MERGE_CONFLICT", MERGE_QUEUE_PRINCIPAL);
      continue;
    }
    const failures = judge(queue);
    const front = queue.entries[0];
    if (!front) return;
    if (front.state === "MERGEABLE") {
      await land(sim, queue, front, base);
      continue;
    }
    const failure = failures.get(front);
    if (failure) {
      await removeEntry(sim, queue, front, failure, MERGE_QUEUE_PRINCIPAL);
      continue;
    }
    return;
  }
}

/** Removes entries whose PR closed, changed base or got a new head; true when any left. */
async function dropStale(sim: SimContext, queue: SimMergeQueue): Promise<boolean> {
  const { repo } = queue;
  let removed = false;
  for (const entry of [...queue.entries]) {
    const { pull } = entry;
    let reason: DequeueReason | undefined;
    let principal: Principal = MERGE_QUEUE_PRINCIPAL;
    if (pull.merged) {
      reason = "ALREADY_MERGED";
      principal = { token: undefined, login: pull.merged_by ?? undefined };
    } else if (!isOpen(repo, pull)) {
      reason = "MANUAL";
      principal = { token: undefined, login: pullIssue(repo, pull).closed_by ?? undefined };
    } else if (pull.head_sha !== entry.headSha || pull.base_ref !== queue.branch) {
      reason = entry.removal?.reason ?? "MANUAL";
      principal = entry.removal?.principal ?? principal;
    }
    if (!reason) continue;
    await removeEntry(sim, queue, entry, reason, principal);
    removed = true;
  }
  return removed;
}

/** Destroys (`invalidated`) every group not built on the base and the groups ahead of it. */
async function invalidate(sim: SimContext, queue: SimMergeQueue, base: string): Promise<void> {
  let parent = base;
  let intact = true;
  for (const entry of queue.entries) {
    const group = entry.group;
    if (!group) {
      intact = false;
      continue;
    }
    if (intact && group.baseSha === parent) {
      parent = group.sha;
      continue;
    }
    intact = false;
    await destroyGroup(sim, queue, entry, "invalidated");
  }
}

/** Builds the missing groups within the build limit; returns an entry that conflicts, if any. */
async function build(
  sim: SimContext,
  queue: SimMergeQueue,
  base: string,
): Promise<SimMergeQueueEntry | undefined> {
  let parent = base;
  for (const [index, entry] of queue.entries.entries()) {
    if (index >= queue.maxEntriesToBuild) break;
    if (!entry.group) {
      const group = await buildGroup(sim, queue, entry, parent);
      if (!group) {
        entry.state = "UNMERGEABLE";
        return entry;
      }
      entry.group = group;
      entry.state = "AWAITING_CHECKS";
      await announceGroup(sim, queue, group);
    }
    parent = entry.group.sha;
  }
  return undefined;
}

/** Each built entry's state from its group's checks; returns the failed ones with their reason. */
function judge(queue: SimMergeQueue): Map<SimMergeQueueEntry, DequeueReason> {
  const failures = new Map<SimMergeQueueEntry, DequeueReason>();
  for (const entry of queue.entries) {
    const group = entry.group;
    if (!group) continue;
    const verdicts = [...contextVerdicts(queue.repo, group.sha, queue.checks)];
    const failed = verdicts.filter(([, verdict]) => verdict === "failed").map(([context]) => context);
    if (failed.length > 0) {
      const runs = latestRuns([...queue.repo.checkRuns.values()].filter((r) => r.head_sha === group.sha));
      const timedOut = runs.some((r) => failed.includes(r.name) && r.conclusion === "timed_out");
      failures.set(entry, timedOut ? "CI_TIMEOUT" : "CI_FAILURE");
      entry.state = "UNMERGEABLE";
    } else if (verdicts.every(([, verdict]) => verdict === "passed")) {
      entry.state = "MERGEABLE";
    } else {
      entry.state = "AWAITING_CHECKS";
    }
  }
  return failures;
}

/** Fast-forwards the base to the front entry's tested group; the PR is then merged. */
async function land(
  sim: SimContext,
  queue: SimMergeQueue,
  entry: SimMergeQueueEntry,
  base: string,
): Promise<void> {
  const { repo } = queue;
  const group = entry.group;
  if (!group || group.baseSha !== base) return;
  entry.state = "LOCKED";
  const ref = `refs/heads/${queue.branch}`;
  const moved = await updateRef({ gitDir: repo.gitDir, ref, sha: group.sha, expected: base });
  if (!moved.ok) {
    // The base moved meanwhile: the next round rebuilds on it.
    entry.state = "AWAITING_CHECKS";
    return;
  }
  entry.lastPosition = positionOf(queue, entry);
  queue.entries.splice(queue.entries.indexOf(entry), 1);
  const { pull } = entry;
  const principal = MERGE_QUEUE_PRINCIPAL;
  const close = async (): Promise<void> => {
    pull.base_sha = base;
    closePullRecord({ repo, pull, by: MERGE_QUEUE_BOT, merge: { commit: group.sha, by: MERGE_QUEUE_BOT } });
    await emitPullEvent({ sim, repo, pull, action: "closed", principal });
  };
  // A merge commit contains the PR's head, so the base move itself merges it (reachability); a
  // squashed or rebased PR is marked merged here, before the move's effects read merged PRs.
  if (queue.mergeMethod !== "merge") await close();
  await sim.refUpdated({ repo, ref, before: base, after: group.sha, principal });
  if (isOpen(repo, pull)) await close();
  await emitPullEvent({ sim, repo, pull, action: "dequeued", principal, extra: { reason: "MERGE" } });
  await destroyGroup(sim, queue, entry, "merged");
}

/** Takes an entry out of the queue with GitHub's events and timeline record. */
async function removeEntry(
  sim: SimContext,
  queue: SimMergeQueue,
  entry: SimMergeQueueEntry,
  reason: DequeueReason,
  principal: Principal,
): Promise<void> {
  const index = queue.entries.indexOf(entry);
  if (index === -1) return;
  entry.lastPosition = index + 1;
  queue.entries.splice(index, 1);
  const { repo, pull } = { repo: queue.repo, pull: entry.pull };
  record(pull, {
    type: "RemovedFromMergeQueueEvent",
    id: `RMQE_${sim.state.nextId()}`,
    createdAt: isoNow(),
    actor: principal.login,
    enqueuer: entry.enqueuer,
    queue,
    reason,
    beforeCommit: entry.headSha,
  });
  await emitPullEvent({ sim, repo, pull, action: "dequeued", principal, extra: { reason } });
  if (entry.group) await destroyGroup(sim, queue, entry, "dequeued");
}

function record(pull: SimPull, event: MergeQueueTimelineEvent): void {
  const events = timelines.get(pull) ?? [];
  events.push(event);
  timelines.set(pull, events);
}

// ---- Merge groups -----------------------------------------------------------------------------

/** The group commit for an entry on `parent` (a real merge, squash or rebase), or undefined on a conflict. */
async function buildGroup(
  sim: SimContext,
  queue: SimMergeQueue,
  entry: SimMergeQueueEntry,
  parent: string,
): Promise<MergeGroup | undefined> {
  const { repo } = queue;
  const { pull } = entry;
  const gitDir = repo.gitDir;
  const issue = pullIssue(repo, pull);
  const author = identityOf(sim.state, entry.enqueuer);
  const committer = identityOf(sim.state, undefined);
  let sha: string;
  if (queue.mergeMethod === "rebase") {
    // Like `git rebase`, merge commits of the PR (an earlier update-branch) are dropped.
    const logged = await logCommits({ gitDir, include: [entry.headSha], exclude: [parent] });
    const commits = logged.filter((c) => c.parents.length < 2).map((c) => c.sha);
    const picked = await cherryPickOnto({ gitDir, onto: parent, commits, committer });
    if (!picked.clean) return undefined;
    sha = picked.sha;
  } else {
    const merged = await mergeTrees(gitDir, parent, entry.headSha);
    if (!merged.clean) return undefined;
    const squash = queue.mergeMethod === "squash";
    const title = squash
      ? `${issue.title} (#${pull.number})`
      : `Merge pull request #${pull.number} from ${repo.owner}/${pull.head_ref}`;
    sha = await commitTree({
      gitDir,
      tree: merged.tree,
      parents: squash ? [parent] : [parent, entry.headSha],
      message: squash ? title : `${title}\n\n${issue.title}`,
      author: squash ? identityOf(sim.state, issue.user) : author,
      committer,
    });
  }
  const ref = `refs/heads/${GROUP_PREFIX}${queue.branch}/pr-${pull.number}-${entry.headSha}`;
  const commit = await readCommit(gitDir, sha);
  return { sha, ref, baseSha: parent, headCommit: headCommitShape(sha, commit) };
}

function headCommitShape(sha: string, commit: CommitInfo | undefined): Record<string, unknown> {
  const person = (who: CommitInfo["author"] | undefined) => ({
    name: who?.name ?? "",
    email: who?.email ?? "",
  });
  return {
    id: sha,
    tree_id: commit?.tree ?? "",
    message: commit?.message.trimEnd() ?? "",
    timestamp: commit?.committer.date ? isoNow(new Date(commit.committer.date)) : isoNow(),
    author: person(commit?.author),
    committer: person(commit?.committer),
  };
}

const groupPayload = (queue: SimMergeQueue, group: MergeGroup): Record<string, unknown> => ({
  head_sha: group.sha,
  head_ref: group.ref,
  base_sha: group.baseSha,
  base_ref: `refs/heads/${queue.branch}`,
  head_commit: group.headCommit,
});

/** Pushes the group's branch, asks for its checks (`merge_group.checks_requested`) and starts CI. */
async function announceGroup(sim: SimContext, queue: SimMergeQueue, group: MergeGroup): Promise<void> {
  const { repo } = queue;
  const principal = MERGE_QUEUE_PRINCIPAL;
  const before = (await resolveRef(repo.gitDir, group.ref)) ?? ZERO;
  await updateRef({ gitDir: repo.gitDir, ref: group.ref, sha: group.sha });
  await sim.refUpdated({ repo, ref: group.ref, before, after: group.sha, principal });
  sim.emit(
    repo,
    "merge_group",
    { action: "checks_requested", merge_group: groupPayload(queue, group) },
    { principal },
  );
  if (repo.ci?.mergeGroups) startCi(sim, repo, { sha: group.sha, ref: group.ref, event: "merge_group" });
}

/** `merge_group.destroyed` for an entry's group, and its branch deleted. */
async function destroyGroup(
  sim: SimContext,
  queue: SimMergeQueue,
  entry: SimMergeQueueEntry,
  reason: "merged" | "invalidated" | "dequeued",
): Promise<void> {
  const group = entry.group;
  if (!group) return;
  entry.group = undefined;
  if (queue.entries.includes(entry)) entry.state = "QUEUED";
  const { repo } = queue;
  const principal = MERGE_QUEUE_PRINCIPAL;
  sim.emit(
    repo,
    "merge_group",
    { action: "destroyed", reason, merge_group: groupPayload(queue, group) },
    { principal },
  );
  const deleted = await deleteRef({ gitDir: repo.gitDir, ref: group.ref, expected: group.sha });
  if (deleted.ok) await sim.refUpdated({ repo, ref: group.ref, before: group.sha, after: ZERO, principal });
}
