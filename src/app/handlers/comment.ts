// `issue_comment.created`: the slash commands of a comment. Receipt is acknowledged with an
// 👀 reaction; each command is checked (mayRun) and run; the outcomes go back as one reply.
// The app's own comments, and bots not allowlisted, are ignored without a word.
import type { Context } from "probot";
import { createComment } from "../../github/comments.ts";
import { getPermission } from "../../github/permissions.ts";
import { GastownError } from "../../model/errors.ts";
import type { PermissionLevel } from "../../model/permission.ts";
import { redactSecrets } from "../../model/redact.ts";
import { type CommandOutcome, parseComment, renderCommandError } from "../commands/index.ts";
import { executeCommand } from "../execute.ts";
import { mayRun, needsPermissionLookup } from "../permissions.ts";
import { type AppRuntime, clientOf, loggerOf, repoOf, townFor } from "../runtime.ts";

interface CommentPayload {
  action: string;
  comment: { id: number; body: string | null; user: { login: string; type?: string } | null };
  issue: { number: number };
}

function errorText(error: unknown): string {
  if (error instanceof GastownError) return `${error.message}\n\n${error.hint}`;
  return `Something went wrong: ${error instanceof Error ? error.message : String(error)}. Nothing more was done; try again, or check the app's log.`;
}

/** Handles one comment; see the module comment. */
export async function handleComment(runtime: AppRuntime, context: Context, appLogin: string): Promise<void> {
  const payload = context.payload as unknown as CommentPayload;
  if (payload.action !== "created") return;
  const outcomes = parseComment(payload.comment.body ?? "");
  if (outcomes.length === 0) return;
  const actor = payload.comment.user?.login ?? "ghost";
  const isBot = context.isBot || payload.comment.user?.type === "Bot";
  const repo = repoOf(context);
  const octokit = clientOf(context);
  const log = loggerOf(context);

  const { town, config } = await townFor(runtime, context, { reportOn: payload.issue.number });
  const facts = { actor, isBot, allowedBots: config.allowed_bots, appLogin };
  const parsed = outcomes.filter((o): o is Extract<CommandOutcome, { ok: true }> => o.ok);
  // An ignored author (the app itself, a bot not allowlisted) gets no reaction and no reply.
  const probe = parsed[0];
  if (probe && mayRun({ ...facts, command: probe.command, permission: "admin" }).kind === "ignore") return;
  if (!probe && isBot) return;

  await octokit.rest.reactions.createForIssueComment({
    ...repo,
    comment_id: payload.comment.id,
    content: "eyes",
  });
  let permission: PermissionLevel | null = null;
  if (parsed.some((o) => needsPermissionLookup({ ...facts, command: o.command }))) {
    permission = await getPermission(town, actor);
  }

  const sections: string[] = [];
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      sections.push(renderCommandError(outcome.error, outcome.source));
      continue;
    }
    const decision = mayRun({ ...facts, command: outcome.command, permission });
    if (decision.kind === "ignore") continue;
    if (decision.kind === "refuse") {
      sections.push(`> ${outcome.source}\n\n${decision.message}`);
      continue;
    }
    try {
      const text = await executeCommand({
        town,
        config,
        command: outcome.command,
        issue: payload.issue.number,
        actor,
      });
      sections.push(`> ${outcome.source}\n\n${text}`);
    } catch (error: unknown) {
      log.warn({ command: outcome.command.name, issue: payload.issue.number }, "command failed");
      sections.push(`> ${outcome.source}\n\n${errorText(error)}`);
    }
  }
  if (sections.length === 0) return;
  await createComment(town, {
    issue: payload.issue.number,
    body: redactSecrets(sections.join("\n\n---\n\n")),
  });
}
