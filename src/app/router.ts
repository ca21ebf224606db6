// Which events the app acts on, and which handler takes each. `app.yml` subscribes to these
// events; a test keeps the two lists in step. Every delivery id is remembered for a while, so a
// redelivered webhook changes nothing.
import type { Context, Probot } from "probot";
import { handleClosed } from "./handlers/closed.ts";
import { handleComment } from "./handlers/comment.ts";
import { handleRepositoriesAdded } from "./handlers/installation.ts";
import { handleLabeled } from "./handlers/labeled.ts";
import { handleWorkflowRun } from "./handlers/workflow-run.ts";
import type { AppRuntime } from "./runtime.ts";

/** The webhook events (with actions) the app routes. */
export const ROUTED_EVENTS = [
  "issue_comment.created",
  "issues.labeled",
  "issues.closed",
  "workflow_run.completed",
  "installation_repositories.added",
] as const;

export type RoutedEvent = (typeof ROUTED_EVENTS)[number];

export interface RouteOptions {
  runtime: AppRuntime;
  /** The app's own login (`gastown[bot]`), whose comments are never obeyed. */
  appLogin: () => Promise<string>;
}

type Handler = (context: Context) => Promise<void>;

function handlers(options: RouteOptions): Record<RoutedEvent, Handler> {
  const { runtime } = options;
  return {
    "issue_comment.created": async (context) => handleComment(runtime, context, await options.appLogin()),
    "issues.labeled": (context) => handleLabeled(runtime, context),
    "issues.closed": (context) => handleClosed(runtime, context),
    "workflow_run.completed": (context) => handleWorkflowRun(runtime, context),
    "installation_repositories.added": (context) => handleRepositoriesAdded(runtime, context),
  };
}

/** Registers every routed event on the app, with redeliveries skipped. */
export function routeEvents(app: Probot, options: RouteOptions): void {
  const table = handlers(options);
  for (const event of ROUTED_EVENTS) {
    const handle = table[event];
    app.on(event, async (context: Context) => {
      if (!options.runtime.deliveries.firstSeen(context.id)) {
        context.log.info({ delivery: context.id, event }, "redelivery skipped");
        return;
      }
      await handle(context);
    });
  }
}
