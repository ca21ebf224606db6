// Which events the app acts on, and which handlers take each. `app.yml` subscribes to exactly
// these events (a test keeps the two in step). Every delivery is handled once: its id is
// remembered for a while, so a redelivered webhook changes nothing; then each handler listed for
// the event runs in turn, and one failing does not stop the others.
//
// To add a handler: write it with the `Handler` signature and add it to the event's list in
// `routes()`, adding the event (and its subscription in app.yml) if it is new. The refinery's
// events (src/app/handlers/refinery.ts) all run one refinery tick, after any other handler.
import type { Context, Probot } from "probot";
import { handleClosed } from "./handlers/closed.ts";
import { handleComment } from "./handlers/comment.ts";
import { handleInstallationCreated, handleRepositoriesAdded } from "./handlers/installation.ts";
import { handleMilestoned, handleOpened, handleReopened, handleUnlabeled } from "./handlers/issues.ts";
import { handleLabeled } from "./handlers/labeled.ts";
import { handleMilestone } from "./handlers/milestone.ts";
import { handlePullRequestGates } from "./handlers/pull-request.ts";
import { handlePush } from "./handlers/push.ts";
import { handleRefineryEvent, REFINERY_EVENTS, type RefineryEvent } from "./handlers/refinery.ts";
import { handleWorkflowJob } from "./handlers/workflow-job.ts";
import { handleWorkflowRun } from "./handlers/workflow-run.ts";
import type { AppRuntime } from "./runtime.ts";

/** The events of the town's own handlers (the refinery's are added below). */
const TOWN_EVENTS = [
  "issue_comment.created",
  "issues.opened",
  "issues.labeled",
  "issues.unlabeled",
  "issues.closed",
  "issues.reopened",
  "issues.milestoned",
  "milestone.closed",
  "milestone.opened",
  "pull_request.closed",
  "workflow_run.completed",
  "workflow_job.completed",
  "push",
  "installation.created",
  "installation_repositories.added",
] as const;

type TownEvent = (typeof TOWN_EVENTS)[number];
export type RoutedEvent = TownEvent | RefineryEvent;

/** The webhook events (with actions) the app routes. */
export const ROUTED_EVENTS: readonly RoutedEvent[] = [
  ...new Set<RoutedEvent>([...TOWN_EVENTS, ...REFINERY_EVENTS]),
];

export interface RouteOptions {
  runtime: AppRuntime;
  /** The app's own login (`gastown[bot]`), whose comments are never obeyed. */
  appLogin: () => Promise<string>;
}

/** One handler of an event. */
export type Handler = (runtime: AppRuntime, context: Context, appLogin: string) => Promise<void>;

/** Every routed event's handlers, run in this order. */
function routes(): Record<RoutedEvent, readonly Handler[]> {
  const town: Record<TownEvent, readonly Handler[]> = {
    "issue_comment.created": [handleComment],
    "issues.opened": [handleOpened],
    "issues.labeled": [handleLabeled],
    "issues.unlabeled": [handleUnlabeled],
    "issues.closed": [handleClosed],
    "issues.reopened": [handleReopened],
    "issues.milestoned": [handleMilestoned],
    "milestone.closed": [handleMilestone],
    "milestone.opened": [handleMilestone],
    "pull_request.closed": [handlePullRequestGates],
    "workflow_run.completed": [handleWorkflowRun],
    "workflow_job.completed": [handleWorkflowJob],
    push: [handlePush],
    "installation.created": [handleInstallationCreated],
    "installation_repositories.added": [handleRepositoriesAdded],
  };
  const table: Partial<Record<RoutedEvent, readonly Handler[]>> = { ...town };
  for (const event of REFINERY_EVENTS) table[event] = [...(table[event] ?? []), handleRefineryEvent];
  return table as Record<RoutedEvent, readonly Handler[]>;
}

/** Registers every routed event on the app, with redeliveries skipped. */
export function routeEvents(app: Probot, options: RouteOptions): void {
  const table = routes();
  for (const event of ROUTED_EVENTS) {
    const handlers = table[event];
    app.on(event, async (context: Context) => {
      if (!options.runtime.deliveries.firstSeen(context.id)) {
        context.log.info({ delivery: context.id, event }, "redelivery skipped");
        return;
      }
      const appLogin = await options.appLogin();
      const failures: unknown[] = [];
      for (const handle of handlers) {
        try {
          await handle(options.runtime, context, appLogin);
        } catch (error: unknown) {
          failures.push(error);
        }
      }
      // Probot logs and answers for the first failure; the rest are logged here.
      for (const extra of failures.slice(1)) context.log.error({ err: extra, event }, "handler failed");
      if (failures[0] !== undefined) throw failures[0];
    });
  }
}
