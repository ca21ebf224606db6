// `milestone` (convoys are milestones), for what people do to them by hand:
// - closed: a convoy closed with every bead done still gets its one landing notice (edge-
//   triggered, so never twice); one closed with open beads is left as the person wanted;
// - opened (reopened): a feeding convoy with nobody on it slings its next ready bead.
// The app's own milestone changes are skipped: the landing and feeding code already acted.
import type { Context } from "probot";
import { checkConvoys } from "../../town/convoy-landing.ts";
import { feedConvoy } from "../../town/convoy-feed.ts";
import { type AppRuntime, senderOf, slingSettingsOf, townFor } from "../runtime.ts";
import { announceDispatches } from "./announce.ts";

interface MilestonePayload {
  action: string;
  milestone: { number: number };
}

export async function handleMilestone(runtime: AppRuntime, context: Context): Promise<void> {
  const payload = context.payload as unknown as MilestonePayload;
  if (senderOf(context).isBot) return;
  const convoy = payload.milestone.number;
  const { town, config, hints } = await townFor(runtime, context);
  if (payload.action === "closed") {
    await checkConvoys(town, { convoy });
    return;
  }
  if (payload.action === "opened") {
    const fed = await feedConvoy(town, { convoy, settings: slingSettingsOf(config), hints });
    if (fed.sling) await announceDispatches(town, [fed.sling]);
  }
}
