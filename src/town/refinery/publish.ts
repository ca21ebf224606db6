// The refinery's status in one place per pull request (issue 7): the `gastown/refinery` check run
// on its head and one sticky comment, both edited in place and written only when they change. The
// last published status is remembered per process; without it (a fresh process, the Actions
// runtime) the check run and the comment are looked up once.
import { createComment, listComments, updateComment } from "../../github/comments.ts";
import { findRefineryCheckRun, publishRefineryCheckRun } from "../../github/checks.ts";
import { formatRepoRef } from "../../github/octokit.ts";
import {
  isStickyComment,
  nextBisectStep,
  orderQueue,
  planStickyComment,
  type QueueStatus,
  renderCheckRun,
  renderStickyComment,
} from "../../model/merge-queue/index.ts";
import type { RefineryState } from "../../model/merge-queue/state.ts";
import { redactSecrets } from "../../model/redact.ts";
import { logOf, type TownContext } from "../context.ts";
import type { QueueWorld } from "./gather.ts";
import type { TickPlan } from "./plan.ts";
import type { PublishedStatus, RefineryRuntime } from "./settings.ts";

/** A status to show on one PR, on the commit it is about. */
export interface StatusUpdate {
  pr: number;
  sha: string;
  status: QueueStatus;
}

/** The PRs on staging (or being tested in place) and the commit they are tested on. */
export function testingNow(state: RefineryState): { prs: number[]; sha?: string; bisecting: boolean } {
  if (state.batch) {
    const bisecting = state.batch.bisect !== null;
    const step = state.batch.bisect ? nextBisectStep(state.batch.bisect) : null;
    const prs =
      step?.kind === "test" ? step.plan.prs.map((p) => p.pr) : state.batch.plan.prs.map((p) => p.pr);
    return { prs, sha: state.batch.stagingSha, bisecting };
  }
  if (state.direct) return { prs: [state.direct.pr], bisecting: false };
  return { prs: [], bisecting: false };
}

/** Every status the tick should show: merged, removed, not queued, and the queue as it stands. */
export function statusesOf(plan: TickPlan, world: QueueWorld): StatusUpdate[] {
  const updates: StatusUpdate[] = [];
  const headOf = (pr: number, fallback: string) => world.pulls.get(pr)?.headSha ?? fallback;
  for (const m of plan.merged)
    updates.push({ pr: m.pr, sha: m.headSha, status: { kind: "merged", sha: m.sha } });
  for (const r of plan.removed) {
    if (r.cause.kind === "closed") continue;
    updates.push({ pr: r.pr, sha: headOf(r.pr, r.headSha), status: { kind: "removed", cause: r.cause } });
  }
  for (const [pr, reasons] of plan.notQueued) {
    const sha = world.pulls.get(pr)?.headSha;
    if (sha) updates.push({ pr, sha, status: { kind: "not-queued", reasons } });
  }
  const testing = testingNow(plan.state);
  const inTest = new Set(testing.prs);
  for (const ranked of orderQueue(plan.state.entries, plan.now)) {
    const { pr, headSha } = ranked.entry;
    const native = plan.nativePositions.get(pr);
    if (native) {
      updates.push({
        pr,
        sha: headSha,
        status: native.testing
          ? { kind: "testing", prs: [pr] }
          : { kind: "queued", position: native.position, explanation: "GitHub's merge queue sets the order" },
      });
      continue;
    }
    const status: QueueStatus = inTest.has(pr)
      ? {
          kind: "testing",
          prs: testing.prs,
          ...(testing.sha ? { sha: testing.sha } : {}),
          bisecting: testing.bisecting,
        }
      : { kind: "queued", position: ranked.position, explanation: ranked.explanation };
    updates.push({ pr, sha: headSha, status });
  }
  return updates;
}

/** Publishes each status that differs from what the PR shows now. */
export async function publishStatuses(
  town: TownContext,
  runtime: RefineryRuntime,
  updates: readonly StatusUpdate[],
): Promise<void> {
  for (const update of updates) {
    try {
      await publishOne(town, runtime, update);
    } catch (error: unknown) {
      // A status that could not be written is not worth stopping the queue for; the next tick
      // writes it again (nothing is remembered for it).
      logOf(town).warn(
        { pr: update.pr, error: error instanceof Error ? error.message : String(error) },
        "refinery status not published",
      );
    }
  }
}

async function publishOne(town: TownContext, runtime: RefineryRuntime, update: StatusUpdate): Promise<void> {
  const key = `${formatRepoRef(town.repo)}#${update.pr}`;
  const view = renderCheckRun(update.status);
  const comment = redactSecrets(renderStickyComment({ pr: update.pr, status: update.status }));
  const known = runtime.status(key);
  let checkRunId: number | null = known?.sha === update.sha ? known.checkRunId : null;
  let shown: { title: string; completed: boolean } | null =
    known?.sha === update.sha ? { title: known.title, completed: known.completed } : null;
  if (shown === null) {
    const existing = await findRefineryCheckRun(town, update.sha);
    checkRunId = existing?.id ?? null;
    shown = existing ? { title: existing.title, completed: existing.status === "completed" } : null;
  }
  if (shown?.title !== view.title) {
    // A finished check run is not reopened: a new status after it (queued again) is a new run.
    const reuse = shown !== null && !(shown.completed && view.status !== "completed") ? checkRunId : null;
    checkRunId = await publishRefineryCheckRun(town, { sha: update.sha, view, id: reuse });
  }
  let commentId = known?.commentId ?? null;
  let body = known?.comment ?? null;
  if (commentId === null) {
    // Only a bot's sticky comment counts: anyone can paste the marker into a comment of their own.
    const found = (await listComments(town, { issue: update.pr })).find(
      (c) => c.author?.endsWith("[bot]") === true && isStickyComment(c.body, update.pr),
    );
    commentId = found?.id ?? null;
    body = found?.body ?? null;
  }
  const action = planStickyComment({
    existing: commentId === null ? null : { id: commentId, body },
    body: comment,
  });
  if (action.kind === "create")
    commentId = (await createComment(town, { issue: update.pr, body: comment })).id;
  if (action.kind === "update") await updateComment(town, { id: action.id, body: comment });
  const published: PublishedStatus = {
    sha: update.sha,
    title: view.title,
    completed: view.status === "completed",
    checkRunId,
    commentId,
    comment,
  };
  runtime.remember(key, published);
}
