// The refinery (issue 7): a merge-queue bot over pull requests that never lets an untested commit
// reach the base branch. `tickRefinery` is the whole loop (events and patrols call it); the
// functions here are what people ask of it: queue, dequeue, and look at the queue.
import { addLabels, removeLabel } from "../../github/issues.ts";
import { getPullDetails } from "../../github/merge-requests.ts";
import { orderQueue } from "../../model/merge-queue/index.ts";
import type { HistoryItem, ParkedPr } from "../../model/merge-queue/state.ts";
import type { Priority } from "../../model/vocabulary.ts";
import { GastownError } from "../../model/errors.ts";
import { nowOf, type TownContext } from "../context.ts";
import { resolveBase } from "./gather.ts";
import { testingNow } from "./publish.ts";
import type { RefineryRuntime, RefinerySettings } from "./settings.ts";
import { readState, resetState } from "./store.ts";
import { type TickReport, tickRefinery } from "./tick.ts";

export {
  DEFAULT_REFINERY_SETTINGS,
  type RefineryMode,
  RefineryRuntime,
  type RefinerySettings,
} from "./settings.ts";
export { type QueueIntents, type TickReport, tickRefinery } from "./tick.ts";

interface QueueParams {
  settings: RefinerySettings;
  runtime: RefineryRuntime;
  pr: number;
  /** Who asked (a login). */
  by: string;
}

async function requirePull(town: TownContext, pr: number) {
  const pull = await getPullDetails(town, pr);
  if (!pull) {
    throw new GastownError(`There is no pull request #${pr}.`, {
      code: "not-found",
      hint: "Name an open pull request by its number; gt mq list shows the queue.",
    });
  }
  return pull;
}

/**
 * `/queue [p=N]`, `gt mq retry`: marks the PR with the queue label and ticks with an explicit
 * request, so a PR that left at this very head (a flaky failure) comes back. `priority`, from a
 * writer, overrides its bead's priority in the order.
 */
export async function queuePull(
  town: TownContext,
  params: QueueParams & { priority?: Priority | null },
): Promise<TickReport> {
  const pull = await requirePull(town, params.pr);
  if (pull.state === "open" && !pull.labels.includes(params.settings.queueLabel)) {
    await addLabels(town, { number: params.pr, labels: [params.settings.queueLabel] });
  }
  return tickRefinery(town, {
    settings: params.settings,
    runtime: params.runtime,
    intents: { queue: [{ pr: params.pr, priority: params.priority ?? null, by: params.by }] },
  });
}

/** `/dequeue`, `gt mq remove`: the PR leaves the queue and stays out until someone queues it again. */
export async function dequeuePull(town: TownContext, params: QueueParams): Promise<TickReport> {
  const pull = await requirePull(town, params.pr);
  if (pull.labels.includes(params.settings.queueLabel)) {
    await removeLabel(town, { number: params.pr, label: params.settings.queueLabel });
  }
  return tickRefinery(town, {
    settings: params.settings,
    runtime: params.runtime,
    intents: { dequeue: [{ pr: params.pr, by: params.by }] },
  });
}

/** One queued PR as `gt mq list` shows it. */
export interface QueueListing {
  pr: number;
  position: number;
  priority: Priority;
  headSha: string;
  enqueuedAt: string;
  retries: number;
  testing: boolean;
  /** Why it sits where it does. */
  explanation: string;
}

/** The queue at a glance: entries in merge order, what is under test, who left, what landed. */
export interface QueueView {
  base: string;
  mode: RefinerySettings["mode"];
  entries: QueueListing[];
  testing: { prs: number[]; sha: string | null; bisecting: boolean };
  parked: ParkedPr[];
  history: HistoryItem[];
}

/** Reads the queue without changing anything (two reads of the state ref). */
export async function viewQueue(
  town: TownContext,
  params: { settings: RefinerySettings },
): Promise<QueueView> {
  const base = await resolveBase(town, params.settings);
  const { state } = await readState(town, base);
  const testing = testingNow(state);
  const inTest = new Set(testing.prs);
  return {
    base,
    mode: params.settings.mode,
    entries: orderQueue(state.entries, nowOf(town)).map((r) => ({
      pr: r.entry.pr,
      position: r.position,
      priority: r.priority,
      headSha: r.entry.headSha,
      enqueuedAt: r.entry.enqueuedAt,
      retries: r.entry.retries,
      testing: inTest.has(r.entry.pr),
      explanation: r.explanation,
    })),
    testing: { prs: testing.prs, sha: testing.sha ?? null, bisecting: testing.bisecting },
    parked: state.parked,
    history: state.history,
  };
}

/** Where one PR stands in the refinery. */
export type PullStanding =
  | { kind: "queued"; listing: QueueListing }
  | { kind: "parked"; parked: ParkedPr; last: HistoryItem | null }
  | { kind: "merged"; last: HistoryItem }
  | { kind: "unknown" };

/** `gt mq status <pr>`. */
export async function pullStanding(
  town: TownContext,
  params: { settings: RefinerySettings; pr: number },
): Promise<PullStanding> {
  const view = await viewQueue(town, params);
  const listing = view.entries.find((e) => e.pr === params.pr);
  if (listing) return { kind: "queued", listing };
  const last = [...view.history].reverse().find((h) => h.pr === params.pr) ?? null;
  const parked = view.parked.find((p) => p.pr === params.pr);
  if (parked) return { kind: "parked", parked, last };
  if (last?.outcome === "merged") return { kind: "merged", last };
  return { kind: "unknown" };
}

/** `gt mq reset`: forgets the queue of the base (marked PRs re-enter on the next tick). */
export async function resetQueue(
  town: TownContext,
  params: { settings: RefinerySettings },
): Promise<boolean> {
  return resetState(town, await resolveBase(town, params.settings));
}
