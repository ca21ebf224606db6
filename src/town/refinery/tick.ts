// One refinery tick: gather → decide → apply, as every webhook and every patrol runs it. It
// reads the live state (so a missed or redelivered event changes nothing a tick cannot repair),
// squares the queue with the open pull requests, applies /queue and /dequeue, admits marked PRs
// that are eligible, lets the mode take its next step, stores the new state with compare-and-swap
// (a lost race reads again and redoes the tick), and only then publishes statuses and does the
// aftermath of what merged or left.
import { getPullDetails, listPullReviews } from "../../github/merge-requests.ts";
import { findConvoy } from "../../github/milestones.ts";
import { findBead } from "../../github/issues.ts";
import { formatRepoRef } from "../../github/octokit.ts";
import { GastownError } from "../../model/errors.ts";
import {
  checkEligibility,
  createEntry,
  orderQueue,
  type PullRequestFacts,
} from "../../model/merge-queue/index.ts";
import {
  admitEntry,
  checkAdmission,
  parkDequeued,
  planSync,
  setOverride,
} from "../../model/merge-queue/state.ts";
import { DEFAULT_PRIORITY, type Priority } from "../../model/vocabulary.ts";
import { logOf, nowOf, type TownContext } from "../context.ts";
import { type AftermathReport, applyAftermath } from "./aftermath.ts";
import { stepBatch } from "./batch-step.ts";
import { stepDirect } from "./direct-step.ts";
import { beadOfPull, gatherWorld, isMarked, type QueueWorld, resolveBase } from "./gather.ts";
import { stepNative } from "./native-step.ts";
import { type MergedPr, type RemovedPr, TickPlan } from "./plan.ts";
import { publishStatuses, statusesOf } from "./publish.ts";
import type { RefineryRuntime, RefinerySettings } from "./settings.ts";
import { readState, writeState } from "./store.ts";

/** What people asked of the queue with this tick (already checked for permission). */
export interface QueueIntents {
  /** `/queue` (or the label just added): enter, even at the head it left with; `priority` from `/queue p=N`. */
  queue?: ReadonlyArray<{ pr: number; priority?: Priority | null; by: string }>;
  /** `/dequeue`: leave and stay out until someone writes /queue. */
  dequeue?: ReadonlyArray<{ pr: number; by: string }>;
}

export interface TickParams {
  settings: RefinerySettings;
  runtime: RefineryRuntime;
  intents?: QueueIntents;
}

/** What a tick did. */
export interface TickReport {
  base: string;
  mode: RefinerySettings["mode"];
  queued: number;
  /** The queue in merge order after the tick. */
  positions: Array<{ pr: number; position: number }>;
  merged: MergedPr[];
  removed: RemovedPr[];
  /** Marked PRs that may not enter yet, with why. */
  notQueued: Array<{ pr: number; reasons: Array<{ message: string; fix: string }> }>;
  /** The PRs under test now, and where. */
  testing: { prs: number[]; sha: string | null };
  aftermath: AftermathReport;
}

const MAX_ATTEMPTS = 5;

/** Runs one tick for the rig's queue (one at a time per queue in this process). */
export async function tickRefinery(town: TownContext, params: TickParams): Promise<TickReport> {
  const base = await resolveBase(town, params.settings);
  const key = `${formatRepoRef(town.repo)}@${base}`;
  const hasIntents = (params.intents?.queue?.length ?? 0) + (params.intents?.dequeue?.length ?? 0) > 0;
  // A plain tick asked for while another waits to start is the same tick: a burst of check events
  // costs one tick after the running one, not one each.
  return params.runtime.exclusive(key, () => runTick(town, base, params), { join: !hasIntents });
}

async function runTick(town: TownContext, base: string, params: TickParams): Promise<TickReport> {
  const { settings } = params;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const read = await readState(town, base);
    const world = await gatherWorld(town, { base, state: read.state, settings, runtime: params.runtime });
    const plan = new TickPlan(read.state, nowOf(town));
    await squareWithPulls(town, plan, world);
    applyDequeues(plan, world, params.intents?.dequeue ?? []);
    await admit(town, plan, world, settings, params.intents?.queue ?? []);
    const step = { town, plan, world, settings };
    if (settings.mode === "batch") await stepBatch(step);
    else if (settings.mode === "direct") await stepDirect(step);
    else await stepNative(step);
    if (plan.state !== read.state && (await writeState(town, read, plan.state)) === false) {
      logOf(town).info({ base, attempt }, "refinery state changed meanwhile; ticking again");
      continue;
    }
    for (const work of plan.afterWrite) await work();
    await publishStatuses(town, params.runtime, statusesOf(plan, world));
    const aftermath = await applyAftermath({ town, plan, world, settings });
    return reportOf(plan, settings, base, aftermath);
  }
  throw new GastownError(`The refinery's state for ${base} kept changing during this tick.`, {
    code: "conflict",
    hint: "Another refinery is working the same queue; the next event or patrol picks the work up.",
  });
}

function reportOf(
  plan: TickPlan,
  settings: RefinerySettings,
  base: string,
  aftermath: AftermathReport,
): TickReport {
  const { state } = plan;
  return {
    base,
    mode: settings.mode,
    queued: state.entries.length,
    positions: orderQueue(state.entries, plan.now).map((r) => ({ pr: r.entry.pr, position: r.position })),
    merged: plan.merged,
    removed: plan.removed,
    notQueued: [...plan.notQueued].map(([pr, reasons]) => ({
      pr,
      reasons: reasons.map((r) => ({ message: r.message, fix: r.fix })),
    })),
    testing: state.batch
      ? { prs: state.batch.plan.prs.map((p) => p.pr), sha: state.batch.stagingSha }
      : state.direct
        ? { prs: [state.direct.pr], sha: null }
        : { prs: [], sha: null },
    aftermath,
  };
}

/** Entries whose PR merged, closed, or moved on since it was queued. */
async function squareWithPulls(town: TownContext, plan: TickPlan, world: QueueWorld): Promise<void> {
  const heads = new Map([...world.pulls.values()].map((p) => [p.number, p.headSha]));
  const { merged, removals } = planSync({ state: plan.state, heads, gone: world.gone });
  plan.merge(merged);
  plan.remove(removals);
  // Parked PRs that closed are forgotten (a reopened one starts afresh).
  const open = new Set(world.pulls.keys());
  plan.update((s) =>
    s.parked.some((p) => !open.has(p.pr)) ? { ...s, parked: s.parked.filter((p) => open.has(p.pr)) } : s,
  );
  if (removals.length > 0 || merged.length > 0) {
    logOf(town).info(
      { merged: merged.map((m) => m.pr), removed: removals.map((r) => r.pr) },
      "queue squared",
    );
  }
}

function applyDequeues(
  plan: TickPlan,
  world: QueueWorld,
  dequeues: NonNullable<QueueIntents["dequeue"]>,
): void {
  for (const { pr, by } of dequeues) {
    if (plan.state.entries.some((e) => e.pr === pr)) {
      plan.remove([{ pr, cause: { kind: "dequeued", by } }]);
      continue;
    }
    // Not queued: parked all the same, so a marked PR does not walk back in on its own.
    const headSha = world.pulls.get(pr)?.headSha;
    if (headSha) plan.update((s) => parkDequeued(s, { pr, headSha, by, now: plan.now }));
  }
}

/** The bead's priority and its convoy's age, which order the queue. */
async function rankOf(
  town: TownContext,
  body: string,
): Promise<{ priority: Priority; convoyCreatedAt: string | null }> {
  const number = beadOfPull({ body });
  if (number === null) return { priority: DEFAULT_PRIORITY, convoyCreatedAt: null };
  const bead = await findBead(town, number);
  if (!bead) return { priority: DEFAULT_PRIORITY, convoyCreatedAt: null };
  const convoy = bead.milestone ? await findConvoy(town, bead.milestone.number) : null;
  return { priority: bead.priority, convoyCreatedAt: convoy?.createdAt ?? null };
}

/** Marked PRs (and PRs someone just queued) that may enter, enter; the others say why not. */
async function admit(
  town: TownContext,
  plan: TickPlan,
  world: QueueWorld,
  settings: RefinerySettings,
  requests: NonNullable<QueueIntents["queue"]>,
): Promise<void> {
  const asked = new Map(requests.map((r) => [r.pr, r]));
  for (const request of requests) {
    if (!world.pulls.has(request.pr)) {
      const details = await getPullDetails(town, request.pr);
      const why = !details
        ? "there is no such pull request"
        : details.merged
          ? "it is merged already"
          : details.state !== "open"
            ? "it is closed"
            : `it targets ${details.base}, not ${world.base}`;
      plan.notQueued.set(request.pr, [
        { code: "closed", message: why, fix: `queue an open pull request into ${world.base}` },
      ]);
    }
  }
  const pulls = [...world.pulls.values()].sort((a, b) => a.number - b.number);
  for (const pull of pulls) {
    const request = asked.get(pull.number);
    if (!request && !isMarked(pull, settings)) continue;
    const admission = checkAdmission(plan.state, pull.number, pull.headSha, request !== undefined);
    if (admission.kind === "queued") {
      if (request?.priority != null) {
        const override = { priority: request.priority, by: request.by };
        plan.update((s) => setOverride(s, pull.number, override));
      }
      continue;
    }
    if (admission.kind === "parked") continue;
    const reviews = settings.requireReview ? await listPullReviews(town, pull.number) : [];
    const facts: PullRequestFacts = {
      number: pull.number,
      state: "open",
      merged: false,
      draft: pull.draft,
      headSha: pull.headSha,
      markedForQueue: true,
      reviews,
    };
    const eligibility = checkEligibility(facts, { requireReview: settings.requireReview });
    if (!eligibility.eligible) {
      plan.notQueued.set(pull.number, eligibility.reasons);
      continue;
    }
    const rank = await rankOf(town, pull.body);
    const entry = createEntry({
      pr: facts,
      now: plan.now,
      priority: rank.priority,
      convoyCreatedAt: rank.convoyCreatedAt,
      retries: admission.retries,
    });
    const override = request?.priority != null ? { priority: request.priority, by: request.by } : null;
    plan.update((s) => admitEntry(s, { ...entry, override }));
    logOf(town).info({ pr: pull.number, head: pull.headSha, retries: admission.retries }, "queued");
  }
}
