// `gt mail send|inbox|read|reply|thread|archive`: mail on comments. Who "I" am comes from
// `--from`/`--address`, else GT_ADDRESS, else `overseer` (a human at a terminal).
import type { Command } from "commander";
import { formatAddress, parseAddress } from "../model/address.ts";
import { MAIL_TYPES, type MailType } from "../model/mail.ts";
import { archiveMail, mailThread, readInbox, readMail, replyMail, sendMail } from "../town/mail.ts";
import { collect, parseAddressArg, parsePositive, parsePriorityArg, splitList, UsageError } from "./args.ts";
import { localBeads } from "./context.ts";
import { inboxLines, messageLines, threadLines } from "./format-town.ts";
import { selfAddress } from "./gt-convoy.ts";
import type { Runtime } from "./runtime.ts";
import { oneLine } from "./text.ts";

function me(rt: Runtime, given: string | undefined) {
  return parseAddressArg(given ?? selfAddress(rt.host) ?? "overseer");
}

async function messageBody(rt: Runtime, options: { message?: string; stdin?: boolean }): Promise<string> {
  if (options.message !== undefined && options.stdin) {
    throw new UsageError("Give the message with -m or --stdin, not both.", "Drop one of the two.");
  }
  const body = options.stdin ? await rt.readStdin() : options.message;
  if (body === undefined || body.trim() === "") {
    throw new UsageError("The message is empty.", 'Write it with -m "…" or pipe it in with --stdin.');
  }
  return body;
}

function mentions(values: readonly string[] | undefined): string[] {
  return splitList(values).map((login) => login.replace(/^@/, ""));
}

function registerSend(mail: Command, rt: Runtime): void {
  mail
    .command("send")
    .description("send mail to an address (its mailbox, or the bead it concerns with --bead)")
    .argument(
      "[to]",
      "mayor/, deacon/, overseer, @town, <rig>/witness, <rig>/refinery, <rig>/polecats/<name>",
    )
    .argument("[words...]", "the subject, then the message (instead of -s and -m)")
    .option("-s, --subject <subject>", "one-line subject")
    .option("-m, --message <text>", "the body")
    .option("--stdin", "read the body from stdin")
    .option("--human", "send to the overseer (the humans)")
    .option("--type <type>", `${MAIL_TYPES.join(", ")} (default notification)`)
    .option("--priority <priority>", "0 (urgent) to 4; default 2")
    .option("--urgent", "priority 0")
    .option("--bead <bead>", "post it on this bead")
    .option("--from <address>", "the sender (default GT_ADDRESS or overseer)")
    .option("--cc <login>", "GitHub login to @mention (repeatable)", collect)
    .option("--json", "print the message as JSON")
    .action(async (first: string | undefined, rest: string[], options, command: Command) => {
      if (options.human && first !== undefined && parseAddress(first).ok) {
        throw new UsageError("Give a recipient or --human, not both.", "Drop one of the two.");
      }
      // With --human there is no address: every word is subject and message.
      const toText = options.human ? undefined : first;
      const words = options.human && first !== undefined ? [first, ...rest] : rest;
      if (toText === undefined && !options.human) {
        throw new UsageError(
          "Who is the mail for?",
          'Name an address (gt mail send mayor/ -s "Subject" -m "Message") or pass --human.',
        );
      }
      const to = options.human ? parseAddressArg("overseer") : parseAddressArg(toText as string);
      const subjectWords = options.subject === undefined ? words.slice(0, 1) : [];
      const messageWords = options.subject === undefined ? words.slice(1) : words;
      const subject = options.subject ?? subjectWords[0];
      if (subject === undefined) {
        throw new UsageError(
          "The mail has no subject.",
          'Give it with -s "Subject", or as the word after the address: gt mail send mayor/ "Subject" "Message".',
        );
      }
      if (messageWords.length > 0 && (options.message !== undefined || options.stdin)) {
        throw new UsageError(
          "Give the message once: as words, with -m, or with --stdin.",
          "Drop the extra one.",
        );
      }
      if (options.type !== undefined && !(MAIL_TYPES as readonly string[]).includes(options.type)) {
        throw new UsageError(`Unknown mail type "${options.type}".`, `Use one of: ${MAIL_TYPES.join(", ")}.`);
      }
      if (options.urgent && options.priority !== undefined) {
        throw new UsageError("--urgent and --priority exclude each other.", "Drop one of the two.");
      }
      const priority = options.urgent
        ? 0
        : options.priority === undefined
          ? undefined
          : parsePriorityArg(options.priority);
      const bead = options.bead === undefined ? undefined : rt.refs([options.bead]);
      const from = me(rt, options.from);
      const body = messageWords.length > 0 ? messageWords.join(" ") : await messageBody(rt, options);
      const context = await rt.context(command);
      const sent = await sendMail(context.town, {
        from,
        to,
        subject,
        body,
        ...(options.type === undefined ? {} : { type: options.type as MailType }),
        ...(priority === undefined ? {} : { priority }),
        ...(bead ? { bead: localBeads(context, bead)[0] as number } : {}),
        mentions: mentions(options.cc),
      });
      if (options.json) return rt.printJson(sent);
      rt.print(
        `Sent ${sent.message.id} to ${formatAddress(to)} on #${sent.issue}: ${rt.style.dim(sent.message.url)}`,
      );
    });

  mail
    .command("reply")
    .description("reply to a message: back to its sender, in its thread")
    .argument("<id>", "the message id")
    .argument("[text...]", "the reply (or -m, --stdin)")
    .option("-m, --message <text>", "the reply")
    .option("--stdin", "read the reply from stdin")
    .option("-s, --subject <subject>", "default: Re: <subject>")
    .option("--from <address>", "the sender (default GT_ADDRESS or overseer)")
    .option("--cc <login>", "GitHub login to @mention (repeatable)", collect)
    .option("--json", "print the message as JSON")
    .action(async (idText: string, words: string[], options, command: Command) => {
      const id = parsePositive(idText, "The message id");
      if (words.length > 0 && (options.message !== undefined || options.stdin)) {
        throw new UsageError(
          "Give the reply once: as text, with -m, or with --stdin.",
          "Drop the extra one.",
        );
      }
      const body = words.length > 0 ? words.join(" ") : await messageBody(rt, options);
      const from = me(rt, options.from);
      const context = await rt.context(command);
      const sent = await replyMail(context.town, {
        from,
        id,
        body,
        ...(options.subject === undefined ? {} : { subject: options.subject as string }),
        mentions: mentions(options.cc),
      });
      if (options.json) return rt.printJson(sent);
      rt.print(
        `Replied ${sent.message.id} to ${formatAddress(sent.message.envelope.to)}: ${rt.style.dim(sent.message.url)}`,
      );
    });
}

function registerRead(mail: Command, rt: Runtime): void {
  mail
    .command("inbox")
    .description("unread mail for an address (default GT_ADDRESS or overseer)")
    .argument("[address]", "whose inbox")
    .option("-a, --all", "read mail too (archived mail stays hidden)")
    .option("--json", "print as JSON")
    .action(async (addressText: string | undefined, options, command: Command) => {
      const address = me(rt, addressText);
      const context = await rt.context(command);
      const inbox = await readInbox(context.town, { address, ...(options.all ? { all: true } : {}) });
      if (options.json) return rt.printJson(inbox);
      for (const line of inboxLines(inbox, rt.style, options.all ?? false)) rt.print(line);
    });

  mail
    .command("read")
    .description("read a message (marks it read for you)")
    .argument("<id>", "the message id")
    .option("--address <address>", "read as this address (default GT_ADDRESS or overseer)")
    .option("--json", "print as JSON")
    .action(async (idText: string, options, command: Command) => {
      const id = parsePositive(idText, "The message id");
      const address = me(rt, options.address);
      const context = await rt.context(command);
      const result = await readMail(context.town, { address, id });
      if (options.json) return rt.printJson(result);
      for (const line of messageLines(result.message, rt.style)) rt.print(line);
    });

  mail
    .command("thread")
    .description("every message of a conversation (a thread id or any message id in it)")
    .argument("<thread>", "thread-… or a message id")
    .option("--json", "print as JSON")
    .action(async (text: string, options, command: Command) => {
      const thread = /^#?\d+$/.test(text.trim()) ? parsePositive(text, "The message id") : text.trim();
      const context = await rt.context(command);
      const result = await mailThread(context.town, { thread });
      if (options.json) return rt.printJson(result);
      for (const line of threadLines(result, rt.style)) rt.print(line);
    });

  mail
    .command("archive")
    .description("archive messages: read, and hidden from inbox --all")
    .argument("<ids...>", "message ids")
    .option("--address <address>", "archive as this address (default GT_ADDRESS or overseer)")
    .option("--json", "print the result as JSON")
    .action(async (ids: string[], options, command: Command) => {
      const numbers = ids.map((id) => parsePositive(id, "A message id"));
      const address = me(rt, options.address);
      const context = await rt.context(command);
      const result = await archiveMail(context.town, { address, ids: numbers });
      if (options.json) return rt.printJson(result);
      rt.print(`Archived ${result.archived.join(", ")} for ${oneLine(formatAddress(address))}`);
    });
}

/** Adds `gt mail …`. */
export function registerMailCommands(program: Command, rt: Runtime): void {
  const mail = program.command("mail").description("mail between agents and humans (comments)");
  registerSend(mail, rt);
  registerRead(mail, rt);
}
