// `issues.labeled` with the sling label (`gt/sling` by default): sling the bead, as `/sling`
// would, then take the label off so adding it again slings again. The one who added it needs
// write access, like any command that changes the town; a bot adding it is ignored.
import type { Context } from "probot";
import { createComment } from "../../github/comments.ts";
import { removeLabel } from "../../github/issues.ts";
import { getPermission } from "../../github/permissions.ts";
import { canCommandTown } from "../../model/permission.ts";
import { sling } from "../../town/sling.ts";
import { describeSling } from "../execute.ts";
import { type AppRuntime, senderOf, slingSettingsOf, townFor } from "../runtime.ts";

interface LabeledPayload {
  label?: { name: string };
  issue: { number: number; pull_request?: unknown };
  sender: { login: string; type?: string };
}

export async function handleLabeled(runtime: AppRuntime, context: Context): Promise<void> {
  const payload = context.payload as unknown as LabeledPayload;
  if (payload.issue.pull_request !== undefined || !payload.label) return;
  // Labels bots add (the app's own status labels above all) never sling: bots hold no permission.
  if (senderOf(context).isBot) return;
  const { town, config, hints } = await townFor(runtime, context, { reportOn: payload.issue.number });
  if (payload.label.name.toLowerCase() !== config.labels.sling.toLowerCase()) return;
  const number = payload.issue.number;
  const actor = payload.sender.login;
  await removeLabel(town, { number, label: payload.label.name });
  const permission = await getPermission(town, actor);
  if (!canCommandTown(permission)) {
    await createComment(town, {
      issue: number,
      body: `Sorry @${actor}, adding \`${config.labels.sling}\` slings the bead, which needs write, maintain or admin permission on this repository. Nothing was changed.`,
    });
    return;
  }
  const result = await sling(town, { bead: number, settings: slingSettingsOf(config), by: actor, hints });
  await createComment(town, { issue: number, body: describeSling(result) });
}
