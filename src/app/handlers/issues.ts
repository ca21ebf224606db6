// The `issues` events beyond labelled and closed (labeled.ts, closed.ts):
// - opened: the new issue's body is read for slash commands (and @mentions) as a comment would be,
//   from its author: a writer can file a bead and `/sling` it in one go.
// - unlabeled: a person taking `status/hooked` (or `status/queued`) off a bead means "stop": with
//   write access it is `/unsling` (run cancelled, hook and slot released, the branch kept);
//   without it the label goes back on, with a note, since the hook is still held.
// - reopened: a bead of a landed convoy reopens the convoy (it lands, and notifies, again); in a
//   feeding convoy with nobody on it, the bead is slung again.
// - milestoned: a writer putting a bead in a feeding convoy that nobody is working on starts it.
// Events the app (or another bot) caused are left alone: the app already did what follows.
import type { Context } from "probot";
import { createComment } from "../../github/comments.ts";
import { addLabels } from "../../github/issues.ts";
import { getConvoy } from "../../github/milestones.ts";
import { getHookHolder } from "../../github/refs.ts";
import { getPermission } from "../../github/permissions.ts";
import { canCommandTown } from "../../model/permission.ts";
import { feedConvoy, isFeeding } from "../../town/convoy-feed.ts";
import { addToConvoy } from "../../town/convoys.ts";
import { QUEUED_LABEL, unsling } from "../../town/sling.ts";
import {
  type AppRuntime,
  clientOf,
  loggerOf,
  repoOf,
  senderOf,
  slingSettingsOf,
  townFor,
} from "../runtime.ts";
import { announceDispatches } from "./announce.ts";
import { handleCommandText } from "./commands.ts";

interface IssuePayload {
  issue: {
    number: number;
    body?: string | null;
    html_url?: string;
    user?: { login: string; type?: string } | null;
    milestone?: { number: number; state?: string } | null;
    pull_request?: unknown;
  };
  label?: { name: string };
  milestone?: { number: number };
}

const payloadOf = (context: Context): IssuePayload => context.payload as unknown as IssuePayload;

/** `issues.opened`: commands in the body. */
export async function handleOpened(runtime: AppRuntime, context: Context, appLogin: string): Promise<void> {
  const { issue } = payloadOf(context);
  if (issue.pull_request !== undefined) return;
  const author = issue.user?.login ?? "ghost";
  await handleCommandText(runtime, context, appLogin, {
    body: issue.body ?? "",
    author,
    authorIsBot: issue.user?.type === "Bot" || /\[bot\]$/i.test(author),
    issue: issue.number,
    ...(issue.html_url === undefined ? {} : { url: issue.html_url }),
    react: () =>
      clientOf(context).rest.reactions.createForIssue({
        ...repoOf(context),
        issue_number: issue.number,
        content: "eyes",
      }),
  });
}

/** `issues.unlabeled`: a person took a bead off its hook or out of the queue. */
export async function handleUnlabeled(runtime: AppRuntime, context: Context): Promise<void> {
  const { issue, label } = payloadOf(context);
  const sender = senderOf(context);
  if (issue.pull_request !== undefined || !label || sender.isBot) return;
  const name = label.name.toLowerCase();
  const { town, config } = await townFor(runtime, context);
  const hooked = config.labels.status.hooked.toLowerCase();
  if (name !== hooked && name !== QUEUED_LABEL) return;
  const number = issue.number;
  if (canCommandTown(await getPermission(town, sender.login))) {
    const result = await unsling(town, { bead: number, settings: slingSettingsOf(config) });
    if (!result.released && result.cancelledRun === null) return;
    const run = result.cancelledRun === null ? "" : ` Run ${result.cancelledRun} was cancelled.`;
    await createComment(town, {
      issue: number,
      body: `@${sender.login} took \`${label.name}\` off, so #${number} is released as \`/unsling\` would.${run} Its branch is kept; \`/sling\` resumes the work.`,
    });
    return;
  }
  // Not theirs to release: put the label back while the town still holds the bead.
  const held = name === hooked ? (await getHookHolder(town, number)).held : true;
  if (!held) return;
  await addLabels(town, { number, labels: [label.name] });
  await createComment(town, {
    issue: number,
    body: `Sorry @${sender.login}, releasing #${number} needs write, maintain or admin permission on this repository, so \`${label.name}\` is back on. A maintainer can \`/unsling\` it.`,
  });
}

/** `issues.reopened`: the bead's landed convoy reopens; a feeding convoy picks it up again. */
export async function handleReopened(runtime: AppRuntime, context: Context): Promise<void> {
  const { issue } = payloadOf(context);
  if (issue.pull_request !== undefined || !issue.milestone) return;
  const { town, config, hints } = await townFor(runtime, context);
  const convoy = issue.milestone.number;
  const current = await getConvoy(town, convoy);
  if (current.state === "closed") {
    await addToConvoy(town, { convoy, beads: [issue.number], force: true });
    loggerOf(context).info({ convoy, bead: issue.number }, "landed convoy reopened by its bead");
  }
  if (!isFeeding(current)) return;
  const fed = await feedConvoy(town, { convoy, settings: slingSettingsOf(config), hints });
  if (fed.sling) await announceDispatches(town, [fed.sling]);
}

/** `issues.milestoned`: a writer added a bead to a feeding convoy. */
export async function handleMilestoned(runtime: AppRuntime, context: Context): Promise<void> {
  const { issue, milestone } = payloadOf(context);
  const sender = senderOf(context);
  const convoy = milestone?.number ?? issue.milestone?.number;
  if (issue.pull_request !== undefined || convoy === undefined || sender.isBot) return;
  const { town, config, hints } = await townFor(runtime, context);
  if (!isFeeding(await getConvoy(town, convoy))) return;
  if (!canCommandTown(await getPermission(town, sender.login))) return;
  const fed = await feedConvoy(town, { convoy, settings: slingSettingsOf(config), hints });
  if (fed.sling) await announceDispatches(town, [fed.sling]);
}
