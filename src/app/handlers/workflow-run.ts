// `workflow_run.completed`:
// - of the polecat workflow: the run's slot is free, so the next queued beads are slung (in the
//   order they were queued);
// - of any workflow: `gh:run` gates waiting on it open (on success) or get a note (on failure).
import type { Context } from "probot";
import { checkGates } from "../../town/gates.ts";
import { dispatchQueued } from "../../town/sling.ts";
import { type AppRuntime, slingSettingsOf, townFor } from "../runtime.ts";
import { announceDispatches } from "./announce.ts";

interface WorkflowRunPayload {
  action: string;
  workflow_run: {
    id: number;
    name?: string | null;
    path: string;
    conclusion: string | null;
    created_at: string;
    html_url: string;
  };
}

/** `polecat.yml` from `.github/workflows/polecat.yml@main`. */
export function workflowFile(path: string): string {
  return path.replace(/^\.github\/workflows\//, "").replace(/@.*$/, "");
}

export async function handleWorkflowRun(runtime: AppRuntime, context: Context): Promise<void> {
  const payload = context.payload as unknown as WorkflowRunPayload;
  if (payload.action !== "completed") return;
  const run = payload.workflow_run;
  const { town, config, hints } = await townFor(runtime, context);
  if (workflowFile(run.path) === config.polecat.workflow) {
    const results = await dispatchQueued(town, {
      settings: slingSettingsOf(config),
      completedRun: run.id,
      hints,
    });
    await announceDispatches(town, results);
  }
  await checkGates(town, {
    event: {
      kind: "run",
      runId: run.id,
      workflowPath: run.path,
      workflowName: run.name ?? workflowFile(run.path),
      conclusion: run.conclusion,
      createdAt: run.created_at,
      url: run.html_url,
    },
    overseers: config.overseers,
  });
}
