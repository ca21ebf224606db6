// `issue_comment.created`: the slash commands and @mentions of a comment (handleCommandText),
// acknowledged with a reaction on the comment.
import type { Context } from "probot";
import { type AppRuntime, clientOf, repoOf } from "../runtime.ts";
import { handleCommandText } from "./commands.ts";

interface CommentPayload {
  action: string;
  comment: {
    id: number;
    body: string | null;
    html_url?: string;
    user: { login: string; type?: string } | null;
  };
  issue: { number: number };
}

export async function handleComment(runtime: AppRuntime, context: Context, appLogin: string): Promise<void> {
  const payload = context.payload as unknown as CommentPayload;
  if (payload.action !== "created") return;
  const author = payload.comment.user?.login ?? "ghost";
  await handleCommandText(runtime, context, appLogin, {
    body: payload.comment.body ?? "",
    author,
    authorIsBot: context.isBot || payload.comment.user?.type === "Bot",
    issue: payload.issue.number,
    ...(payload.comment.html_url === undefined ? {} : { url: payload.comment.html_url }),
    react: () =>
      clientOf(context).rest.reactions.createForIssueComment({
        ...repoOf(context),
        comment_id: payload.comment.id,
        content: "eyes",
      }),
  });
}
