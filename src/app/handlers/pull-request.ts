// `pull_request.closed`: a merged pull request opens the `gh:pr` gates waiting on it (by number
// or head branch); one closed unmerged leaves them shut, with a note. The refinery's own
// pull-request handling is a separate handler on the same events (see router.ts).
import type { Context } from "probot";
import { checkGates } from "../../town/gates.ts";
import { type AppRuntime, townFor } from "../runtime.ts";

interface PullPayload {
  action: string;
  pull_request: { number: number; merged?: boolean | null; html_url: string; head: { ref: string } };
}

export async function handlePullRequestGates(runtime: AppRuntime, context: Context): Promise<void> {
  const payload = context.payload as unknown as PullPayload;
  if (payload.action !== "closed") return;
  const pull = payload.pull_request;
  const { town, config } = await townFor(runtime, context);
  await checkGates(town, {
    event: {
      kind: "pull",
      number: pull.number,
      headRef: pull.head.ref,
      merged: pull.merged === true,
      url: pull.html_url,
    },
    overseers: config.overseers,
  });
}
