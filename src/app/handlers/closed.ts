// `issues.closed`: a closed bead
// 1. may land its convoy (checkConvoys is edge-triggered, so a redelivery notifies nobody twice);
// 2. frees its polecat slot for the next queued bead (oldest first);
// 3. in a feeding convoy that did not land, lets the next ready bead be slung;
// 4. opens the `bead` gates waiting on it.
import type { Context } from "probot";
import { checkConvoys } from "../../town/convoy-landing.ts";
import { feedConvoy } from "../../town/convoy-feed.ts";
import { checkGates } from "../../town/gates.ts";
import { dispatchQueued } from "../../town/sling.ts";
import { type AppRuntime, slingSettingsOf, townFor } from "../runtime.ts";
import { announceDispatches } from "./announce.ts";

interface ClosedPayload {
  issue: {
    number: number;
    state_reason?: string | null;
    milestone: { number: number } | null;
    pull_request?: unknown;
  };
}

export async function handleClosed(runtime: AppRuntime, context: Context): Promise<void> {
  const payload = context.payload as unknown as ClosedPayload;
  if (payload.issue.pull_request !== undefined) return;
  const { town, config, hints } = await townFor(runtime, context);
  const settings = slingSettingsOf(config);
  const milestone = payload.issue.milestone;
  const landed = milestone ? await checkConvoys(town, { convoy: milestone.number }) : [];
  const results = await dispatchQueued(town, { settings, hints });
  if (milestone && !landed.some((check) => check.closed || check.convoy.state === "closed")) {
    const fed = await feedConvoy(town, { convoy: milestone.number, settings, hints });
    if (fed.sling) results.push(fed.sling);
  }
  await announceDispatches(town, results);
  await checkGates(town, {
    event: { kind: "bead", number: payload.issue.number, reason: payload.issue.state_reason ?? null },
    overseers: config.overseers,
  });
}
