// `issues.closed`: a closed bead may land its convoy (checkConvoys is edge-triggered, so a
// redelivery notifies nobody twice), and frees its polecat slot for the next queued bead.
import type { Context } from "probot";
import { checkConvoys } from "../../town/convoy-landing.ts";
import { dispatchQueued } from "../../town/sling.ts";
import { announceDispatches } from "./announce.ts";
import { type AppRuntime, slingSettingsOf, townFor } from "../runtime.ts";

interface ClosedPayload {
  issue: { number: number; milestone: { number: number } | null; pull_request?: unknown };
}

export async function handleClosed(runtime: AppRuntime, context: Context): Promise<void> {
  const payload = context.payload as unknown as ClosedPayload;
  if (payload.issue.pull_request !== undefined) return;
  const { town, config } = await townFor(runtime, context);
  const milestone = payload.issue.milestone;
  if (milestone) await checkConvoys(town, { convoy: milestone.number });
  const results = await dispatchQueued(town, { settings: slingSettingsOf(config) });
  await announceDispatches(town, results);
}
