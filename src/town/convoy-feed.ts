// Feeding convoys (DESIGN §4.5): a convoy marked feeding works through its beads one at a time.
// Whenever nobody is on it (no tracked bead hooked, in progress or queued for a slot), its next
// ready bead (most urgent, then oldest; blocked beads wait for their blockers) is slung. Events
// call this after a bead closes, joins the convoy or the convoy reopens; the patrol calls it for
// every feeding convoy, so a missed event is repaired. The mark is `feed: true` in the milestone's
// metadata block, set by `/convoy create … --feed` or `/convoy feed` (both need write access), so
// the convoy's beads count as slung by whoever marked it.
import { getConvoy, listConvoys, updateConvoy } from "../github/milestones.ts";
import type { Bead } from "../model/bead.ts";
import type { Convoy } from "../model/convoy.ts";
import type { LabelTaxonomy } from "../model/labels.ts";
import { explainReadiness, sortBeads } from "../model/ready.ts";
import { SLINGABLE_TYPES } from "../model/vocabulary.ts";
import { logOf, nowOf, type TownContext } from "./context.ts";
import { trackedBeads } from "./convoys.ts";
import { taxonomyOf } from "./labels.ts";
import { QUEUED_LABEL, type RepoHints, type SlingResult, type SlingSettings, sling } from "./sling.ts";

/** True when the convoy feeds itself. */
export function isFeeding(convoy: Convoy): boolean {
  return convoy.metadata.others?.feed === true;
}

/** What feeding a convoy should do now. */
export type FeedPlan =
  | { action: "sling"; bead: Bead }
  | { action: "none"; why: "not-feeding" | "closed" | "manned" | "nothing-ready" };

/** Decides the next bead of a convoy to sling (pure). */
export function planFeed(
  convoy: Convoy,
  beads: readonly Bead[],
  context: { now: Date; taxonomy?: LabelTaxonomy },
): FeedPlan {
  if (!isFeeding(convoy)) return { action: "none", why: "not-feeding" };
  if (convoy.state !== "open") return { action: "none", why: "closed" };
  const open = beads.filter((bead) => bead.status !== "closed");
  const manned = open.some(
    (bead) => bead.status === "hooked" || bead.status === "in_progress" || bead.labels.includes(QUEUED_LABEL),
  );
  if (manned) return { action: "none", why: "manned" };
  const ready = explainReadiness(open, context)
    .filter((r) => r.ready && SLINGABLE_TYPES.includes(r.bead.type))
    .map((r) => r.bead);
  const next = sortBeads(ready, "priority", context.now)[0];
  return next ? { action: "sling", bead: next } : { action: "none", why: "nothing-ready" };
}

export interface FeedParams {
  convoy: number;
  settings: SlingSettings;
  hints?: RepoHints;
}

/** What one feed did. */
export interface FeedResult {
  convoy: Convoy;
  plan: FeedPlan;
  /** The sling of the next bead; null when none was due. */
  sling: SlingResult | null;
}

/** Slings the convoy's next ready bead when it feeds and nobody is on it. */
export async function feedConvoy(town: TownContext, params: FeedParams): Promise<FeedResult> {
  const convoy = await getConvoy(town, params.convoy);
  if (!isFeeding(convoy) || convoy.state !== "open") {
    return {
      convoy,
      plan: { action: "none", why: isFeeding(convoy) ? "closed" : "not-feeding" },
      sling: null,
    };
  }
  const beads = await trackedBeads(town, convoy.number);
  const plan = planFeed(convoy, beads, { now: nowOf(town), taxonomy: taxonomyOf(town) });
  if (plan.action !== "sling") return { convoy, plan, sling: null };
  const by = typeof convoy.metadata.others?.feedBy === "string" ? convoy.metadata.others.feedBy : undefined;
  const result = await sling(town, {
    bead: plan.bead.number,
    settings: params.settings,
    ...(by === undefined ? {} : { by }),
    ...(params.hints === undefined ? {} : { hints: params.hints }),
  });
  logOf(town).info({ convoy: convoy.number, bead: plan.bead.number, outcome: result.outcome }, "convoy fed");
  return { convoy, plan, sling: result };
}

/** Marks a convoy feeding (or not), remembering who did; returns it as it now is. */
export async function setFeeding(
  town: TownContext,
  params: { convoy: number; feed: boolean; by?: string },
): Promise<Convoy> {
  const convoy = await getConvoy(town, params.convoy);
  if (isFeeding(convoy) === params.feed) return convoy;
  const { feed: _, feedBy: __, ...others } = convoy.metadata.others ?? {};
  const next = params.feed
    ? { ...others, feed: true, ...(params.by === undefined ? {} : { feedBy: params.by }) }
    : others;
  return updateConvoy(town, {
    number: convoy.number,
    description: { text: convoy.description, metadata: { ...convoy.metadata, others: next } },
  });
}

/** Feeds every open feeding convoy (the patrol's repair for missed events). */
export async function feedAllConvoys(
  town: TownContext,
  params: { settings: SlingSettings; hints?: RepoHints },
): Promise<FeedResult[]> {
  const convoys = (await listConvoys(town, { state: "open" })).filter(isFeeding);
  const results: FeedResult[] = [];
  for (const convoy of convoys) {
    try {
      results.push(await feedConvoy(town, { convoy: convoy.number, ...params }));
    } catch (error: unknown) {
      logOf(town).warn(
        { convoy: convoy.number, error: error instanceof Error ? error.message : String(error) },
        "convoy could not be fed",
      );
    }
  }
  return results;
}
