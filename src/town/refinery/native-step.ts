// Native mode: GitHub's merge queue does the testing and the merging; the refinery decides when a
// PR enters (our eligibility and order), enqueues it with the head it was queued at
// (`expectedHeadOid`, so GitHub refuses a PR that moved), mirrors GitHub's position into our
// status, and explains a PR that GitHub let go (its RemovedFromMergeQueueEvent's reason).
import { dequeuePull, enqueuePull, readDequeues, readMergeQueue } from "../../github/merge-queue.ts";
import { GastownError, isGastownError } from "../../model/errors.ts";
import { decideNative, type NativeQueueState, orderQueue } from "../../model/merge-queue/index.ts";
import { logOf, type TownContext } from "../context.ts";
import type { QueueWorld } from "./gather.ts";
import type { TickPlan } from "./plan.ts";
import type { RefinerySettings } from "./settings.ts";

interface StepInput {
  town: TownContext;
  plan: TickPlan;
  world: QueueWorld;
  settings: RefinerySettings;
}

/** Enqueues, mirrors or explains each queued PR; see the module comment. */
export async function stepNative(input: StepInput): Promise<void> {
  const { town, plan, world } = input;
  const queue = await readMergeQueue(town, world.base);
  if (queue === null) {
    throw new GastownError(`refinery.mode is native, but ${world.base} has no merge queue on GitHub.`, {
      code: "validation",
      hint: `Turn on "Require merge queue" for ${world.base} (branch protection or a ruleset), or set refinery.mode to batch in .github/gastown.yml.`,
    });
  }
  const inQueue = new Map(queue.map((e) => [e.pr, e]));
  const enqueued = new Set(
    plan.state.nativeEnqueued.filter((pr) => plan.state.entries.some((e) => e.pr === pr)),
  );
  const left = plan.state.entries.filter((e) => enqueued.has(e.pr) && !inQueue.has(e.pr)).map((e) => e.pr);
  const dequeues = await readDequeues(town, left);

  for (const ranked of orderQueue(plan.state.entries, plan.now)) {
    const { entry } = ranked;
    const pull = world.pulls.get(entry.pr);
    if (!pull) continue;
    const mine = inQueue.get(entry.pr);
    let state: NativeQueueState;
    if (mine) {
      const testing =
        mine.state === "AWAITING_CHECKS" || mine.state === "MERGEABLE" || mine.state === "LOCKED";
      state = { kind: "queued", position: mine.position, testing };
    } else if (enqueued.has(entry.pr)) {
      const gone = dequeues.get(entry.pr);
      state = {
        kind: "absent",
        dequeueReason: gone?.reason ?? "UNKNOWN",
        ...(gone?.by ? { dequeuedBy: gone.by } : {}),
      };
    } else state = { kind: "absent" };
    const decision = decideNative({
      entry,
      pr: { state: "open", merged: false, headSha: pull.headSha },
      queue: state,
      base: world.base,
      baseSha: world.baseSha,
    });
    switch (decision.kind) {
      case "merged":
        plan.merge([{ pr: entry.pr, sha: decision.sha }]);
        break;
      case "mirror":
        plan.nativePositions.set(entry.pr, { position: decision.position, testing: decision.testing });
        break;
      case "remove":
        if (decision.dequeue) await dequeuePull(town, { pr: entry.pr, nodeId: pull.nodeId });
        plan.remove([{ pr: entry.pr, cause: decision.cause }]);
        break;
      case "enqueue":
        try {
          const placed = await enqueuePull(town, {
            pr: entry.pr,
            nodeId: pull.nodeId,
            expectedHeadOid: decision.expectedHeadOid,
            jump: decision.jump,
          });
          plan.update((s) => ({
            ...s,
            nativeEnqueued: [...s.nativeEnqueued.filter((p) => p !== entry.pr), entry.pr],
          }));
          plan.nativePositions.set(entry.pr, { position: placed.position, testing: false });
          logOf(town).info({ pr: entry.pr, position: placed.position }, "enqueued in GitHub's merge queue");
        } catch (error: unknown) {
          if (!isGastownError(error) || error.code !== "validation") throw error;
          plan.remove([{ pr: entry.pr, cause: { kind: "merge-queue", reason: error.message } }]);
        }
        break;
    }
  }
}
