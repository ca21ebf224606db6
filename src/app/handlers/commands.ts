// The slash commands (and @mentions of the app) in a piece of text a person wrote: a comment, or
// the body of a newly opened issue. Receipt is acknowledged with an 👀 reaction; each command is
// checked (mayRun) and run; the outcomes go back as one reply. The app's own text, and bots not
// allowlisted, are ignored without a word. A mention without commands gets a short answer: from
// a writer it is passed to the Mayor as mail; from anyone else, the list of commands.
import type { Context } from "probot";
import { createComment } from "../../github/comments.ts";
import { getPermission } from "../../github/permissions.ts";
import { GastownError } from "../../model/errors.ts";
import { canCommandTown, type PermissionLevel } from "../../model/permission.ts";
import { redactSecrets } from "../../model/redact.ts";
import { FormulaError } from "../../formula/index.ts";
import { sendMail } from "../../town/mail.ts";
import {
  type CommandOutcome,
  mentions,
  parseComment,
  renderCommandError,
  renderHelp,
} from "../commands/index.ts";
import { executeCommand } from "../execute.ts";
import { mayRun, needsPermissionLookup, normalizeLogin } from "../permissions.ts";
import { type AppRuntime, loggerOf, townFor } from "../runtime.ts";

/** What a person wrote, and where. */
export interface CommandText {
  body: string;
  /** Who wrote it. */
  author: string;
  authorIsBot: boolean;
  /** The issue it is on (the bead commands act on by default). */
  issue: number;
  /** Its page, for links back to it. */
  url?: string;
  /** Adds the 👀 reaction that acknowledges receipt. */
  react: () => Promise<unknown>;
}

function errorText(error: unknown): string {
  if (error instanceof FormulaError) {
    return `The formula has ${error.problems.length === 1 ? "a problem" : "problems"}:\n\n\`\`\`text\n${error.describe()}\n\`\`\``;
  }
  if (error instanceof GastownError) return `${error.message}\n\n${error.hint}`;
  return `Something went wrong: ${error instanceof Error ? error.message : String(error)}. Nothing more was done; try again, or check the app's log.`;
}

/** Runs the commands in `text` (see the module comment). */
export async function handleCommandText(
  runtime: AppRuntime,
  context: Context,
  appLogin: string,
  text: CommandText,
): Promise<void> {
  const outcomes = parseComment(text.body);
  const mentioned = outcomes.length === 0 && !text.authorIsBot && mentions(text.body, appLogin);
  if (outcomes.length === 0 && !mentioned) return;
  const own =
    (text.authorIsBot || /\[bot\]$/i.test(text.author)) &&
    normalizeLogin(text.author) === normalizeLogin(appLogin);
  if (own) return;
  const log = loggerOf(context);

  const { town, config, hints } = await townFor(runtime, context, { reportOn: text.issue });
  if (mentioned) return answerMention({ town, appLogin, text, log });

  const facts = { actor: text.author, isBot: text.authorIsBot, allowedBots: config.allowed_bots, appLogin };
  const parsed = outcomes.filter((o): o is Extract<CommandOutcome, { ok: true }> => o.ok);
  // An ignored author (the app itself, a bot not allowlisted) gets no reaction and no reply.
  const probe = parsed[0];
  if (probe && mayRun({ ...facts, command: probe.command, permission: "admin" }).kind === "ignore") return;
  if (!probe && text.authorIsBot) return;

  await text.react();
  let permission: PermissionLevel | null = null;
  if (parsed.some((o) => needsPermissionLookup({ ...facts, command: o.command }))) {
    permission = await getPermission(town, text.author);
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
      const reply = await executeCommand({
        town,
        config,
        command: outcome.command,
        issue: text.issue,
        actor: text.author,
        hints,
        refinery: runtime.refinery,
        ...(text.url === undefined ? {} : { link: text.url }),
      });
      sections.push(`> ${outcome.source}\n\n${reply}`);
    } catch (error: unknown) {
      log.warn(
        {
          command: outcome.command.name,
          issue: text.issue,
          error: error instanceof Error ? error.message : String(error),
        },
        "command failed",
      );
      sections.push(`> ${outcome.source}\n\n${errorText(error)}`);
    }
  }
  if (sections.length === 0) return;
  await createComment(town, { issue: text.issue, body: redactSecrets(sections.join("\n\n---\n\n")) });
}

const QUOTE_ROOM = 2000;

/** A mention without commands: a writer's goes to the Mayor as mail; everyone gets pointers. */
async function answerMention(params: {
  town: Awaited<ReturnType<typeof townFor>>["town"];
  appLogin: string;
  text: CommandText;
  log: ReturnType<typeof loggerOf>;
}): Promise<void> {
  const { town, text } = params;
  await text.react();
  const writer = canCommandTown(await getPermission(town, text.author));
  const lines = [
    `Hi @${text.author}, I answer slash commands on their own line, such as \`/ready\` or \`/sling\`.`,
  ];
  if (writer) {
    const quoted = text.body.length > QUOTE_ROOM ? `${text.body.slice(0, QUOTE_ROOM)}…` : text.body;
    const sent = await sendMail(town, {
      from: { kind: "overseer" },
      to: { kind: "mayor" },
      subject: `@${text.author} on #${text.issue}`,
      body: `${quoted
        .split("\n")
        .map((line) => `> ${line}`)
        .join("\n")}\n\n— @${text.author}${text.url ? ` ([source](${text.url}))` : ` on #${text.issue}`}`,
    });
    lines.push(
      "",
      `I passed your message to the Mayor as [mail](${sent.message.url}); it answers here when it runs.`,
    );
  }
  lines.push("", renderHelp());
  await createComment(town, { issue: text.issue, body: redactSecrets(lines.join("\n")) });
  params.log.info({ issue: text.issue, writer }, "mention answered");
}
