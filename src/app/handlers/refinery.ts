// The refinery's events: a pull request's lifecycle (GitHub's merge queue's enqueued and dequeued
// included), reviews, checks and statuses, and pushes to the base each run one refinery tick. The tick reads the live state, so an event
// only says "look now", and a missed one is caught by the next event or patrol. Removing the
// queue label is a /dequeue by whoever removed it. The refinery's own check runs, and pushes to
// its own staging branch, start nothing (they would loop).
import type { Context } from "probot";
import { REFINERY_CHECK_NAME } from "../../model/merge-queue/index.ts";
import { isGastownError } from "../../model/errors.ts";
import { type QueueIntents, tickRefinery } from "../../town/refinery/index.ts";
import { refinerySettingsOf } from "../refinery-settings.ts";
import { type AppRuntime, loggerOf, slingSettingsOf, townFor } from "../runtime.ts";

/** The events (with actions) the refinery ticks on. */
export const REFINERY_EVENTS = [
  "pull_request.opened",
  "pull_request.closed",
  "pull_request.reopened",
  "pull_request.synchronize",
  "pull_request.ready_for_review",
  "pull_request.converted_to_draft",
  "pull_request.labeled",
  "pull_request.unlabeled",
  "pull_request.edited",
  "pull_request.enqueued",
  "pull_request.dequeued",
  "pull_request_review.submitted",
  "pull_request_review.dismissed",
  "check_run.completed",
  "check_suite.completed",
  "status",
  "workflow_run.completed",
  "push",
] as const;

export type RefineryEvent = (typeof REFINERY_EVENTS)[number];

/** What an event asks of the refinery. */
export type RefineryTrigger = { tick: false; why: string } | { tick: true; intents?: QueueIntents };

interface TriggerPayload {
  action?: string;
  label?: { name?: string };
  pull_request?: { number: number };
  check_run?: { name?: string };
  context?: string;
  state?: string;
  ref?: string;
  sender?: { login?: string };
  repository?: { default_branch?: string };
  workflow_run?: { path?: string };
}

/** Events that never tick, whatever the config says (so the handler skips them before any request). */
function skipsAlways(event: string, payload: TriggerPayload): string | null {
  if (event === "check_run" && payload.check_run?.name === REFINERY_CHECK_NAME)
    return "the refinery's own check";
  if (event === "status" && payload.context === REFINERY_CHECK_NAME) return "the refinery's own status";
  if (event === "status" && payload.state === "pending") return "a pending status decides nothing";
  return null;
}

/** Decides, from the event alone, whether to tick and with what intent (pure). */
export function refineryTrigger(input: {
  event: string;
  payload: TriggerPayload;
  queueLabel: string;
  base: string | null;
  /** The polecat workflow's file: its runs are agents, not CI. */
  polecatWorkflow?: string;
}): RefineryTrigger {
  const { event, payload } = input;
  const skip = skipsAlways(event, payload);
  if (skip !== null) return { tick: false, why: skip };
  switch (event) {
    case "pull_request": {
      if (
        payload.action === "unlabeled" &&
        payload.label?.name === input.queueLabel &&
        payload.pull_request
      ) {
        const by = payload.sender?.login ?? "ghost";
        return { tick: true, intents: { dequeue: [{ pr: payload.pull_request.number, by }] } };
      }
      if (payload.action === "labeled" && payload.label?.name !== input.queueLabel) {
        return { tick: false, why: "a label the refinery does not read" };
      }
      return { tick: true };
    }
    case "check_run":
      return payload.check_run?.name === REFINERY_CHECK_NAME
        ? { tick: false, why: "the refinery's own check" }
        : { tick: true };
    case "status":
      if (payload.context === REFINERY_CHECK_NAME) return { tick: false, why: "the refinery's own status" };
      return payload.state === "pending"
        ? { tick: false, why: "a pending status decides nothing" }
        : { tick: true };
    case "workflow_run": {
      const path = payload.workflow_run?.path?.replace(/@.*$/, "") ?? "";
      return input.polecatWorkflow !== undefined && path.endsWith(`/${input.polecatWorkflow}`)
        ? { tick: false, why: "a polecat run, not CI" }
        : { tick: true };
    }
    case "push": {
      const base = input.base ?? payload.repository?.default_branch;
      return payload.ref === `refs/heads/${base}`
        ? { tick: true }
        : { tick: false, why: `a push to ${payload.ref ?? "another ref"}, not to the base` };
    }
    default:
      return { tick: true };
  }
}

/** Runs a refinery tick for an event that calls for one. */
export async function handleRefineryEvent(runtime: AppRuntime, context: Context): Promise<void> {
  const log = loggerOf(context);
  const skip = skipsAlways(context.name, context.payload as TriggerPayload);
  if (skip !== null) {
    log.debug({ event: context.name, why: skip }, "refinery not ticked");
    return;
  }
  const { town, config, hints } = await townFor(runtime, context);
  const configured = refinerySettingsOf(config, slingSettingsOf(config));
  // The payload names the default branch: the tick need not ask for it.
  const settings = { ...configured, base: configured.base ?? hints.defaultBranch ?? null };
  const trigger = refineryTrigger({
    event: context.name,
    payload: context.payload as TriggerPayload,
    queueLabel: settings.queueLabel,
    base: settings.base,
    polecatWorkflow: config.polecat.workflow,
  });
  if (!trigger.tick) {
    log.debug({ event: context.name, why: trigger.why }, "refinery not ticked");
    return;
  }
  try {
    const report = await tickRefinery(town, {
      settings,
      runtime: runtime.refinery,
      ...(trigger.intents ? { intents: trigger.intents } : {}),
    });
    log.info(
      {
        event: context.name,
        queued: report.queued,
        merged: report.merged.map((m) => m.pr),
        removed: report.removed.map((r) => r.pr),
        testing: report.testing.prs,
      },
      "refinery ticked",
    );
  } catch (error: unknown) {
    // A configuration the refinery cannot work with (native mode without a merge queue, a
    // missing base) is the maintainers' to fix: say so in the log, keep the app running.
    if (!isGastownError(error)) throw error;
    log.warn({ event: context.name, error: error.message, hint: error.hint }, "refinery could not tick");
  }
}
