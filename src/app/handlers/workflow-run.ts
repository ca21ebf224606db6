// `workflow_run.completed` of the polecat workflow: the run's slot is free, so the next queued
// beads are slung (in the order they were queued).
import type { Context } from "probot";
import { dispatchQueued } from "../../town/sling.ts";
import { announceDispatches } from "./announce.ts";
import { type AppRuntime, slingSettingsOf, townFor } from "../runtime.ts";

interface WorkflowRunPayload {
  action: string;
  workflow_run: { id: number; path: string };
}

export async function handleWorkflowRun(runtime: AppRuntime, context: Context): Promise<void> {
  const payload = context.payload as unknown as WorkflowRunPayload;
  if (payload.action !== "completed") return;
  const { town, config } = await townFor(runtime, context);
  const file = payload.workflow_run.path.replace(/^\.github\/workflows\//, "").replace(/@.*$/, "");
  if (file !== config.polecat.workflow) return;
  const results = await dispatchQueued(town, {
    settings: slingSettingsOf(config),
    completedRun: payload.workflow_run.id,
  });
  await announceDispatches(town, results);
}
