// `workflow_job.completed`: a polecat's job that failed, was cancelled or timed out while its bead
// is still on the hook gets one note on the bead, with the job's link and how to go on (the
// branch is kept, so a new attempt resumes it). Jobs of other workflows match no hooked bead and
// change nothing. Restarting dead runs on its own is the witness's work.
import type { Context } from "probot";
import { createComment } from "../../github/comments.ts";
import { listBeads } from "../../github/issues.ts";
import { taxonomyOf } from "../../town/labels.ts";
import { type AppRuntime, townFor } from "../runtime.ts";

interface WorkflowJobPayload {
  action: string;
  workflow_job: {
    run_id: number;
    name: string;
    conclusion: string | null;
    html_url: string | null;
  };
}

const ENDED_BADLY = new Set(["failure", "cancelled", "timed_out"]);

export async function handleWorkflowJob(runtime: AppRuntime, context: Context): Promise<void> {
  const payload = context.payload as unknown as WorkflowJobPayload;
  const job = payload.workflow_job;
  if (payload.action !== "completed" || !ENDED_BADLY.has(job.conclusion ?? "")) return;
  const { town } = await townFor(runtime, context);
  const hooked = await listBeads(town, { state: "open", labels: [taxonomyOf(town).status.hooked] });
  const bead = hooked.find((b) => b.metadata.run === job.run_id);
  if (!bead) return;
  const link = job.html_url ? `[${job.name}](${job.html_url})` : `\`${job.name}\``;
  const polecat = bead.metadata.polecat ? ` of ${bead.metadata.polecat}` : "";
  await createComment(town, {
    issue: bead.number,
    body: `The polecat job${polecat} ${link} ended ${(job.conclusion ?? "").replace("_", " ")} while #${bead.number} is still on its hook. Its branch is kept: \`/unsling\` and then \`/sling\` starts attempt ${(bead.metadata.attempt ?? 1) + 1} where it left off.`,
  });
}
