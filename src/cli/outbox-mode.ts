// Outbox mode (DESIGN §4.2, "agents propose, the runner commits"). Inside a polecat's job the
// agent holds no GitHub token, so GASTOWN_OUTBOX=<file> turns `gt`/`bd` into writers of
// intentions: each command the agent may use validates its arguments and appends one outbox line;
// the runner, which holds the token, applies the lines. Every other command is absent, so a
// command that would need GitHub fails as an unknown command instead of looking for a token.
import type { Command } from "commander";
import { formatAddress } from "../model/address.ts";
import { MAIL_TYPES, type MailType } from "../model/mail.ts";
import {
  appendOutboxEntry,
  createOutboxEntry,
  DISCOVERED_TYPES,
  ESCALATION_SEVERITIES,
  type EscalationSeverity,
  type OutboxEntryInput,
} from "../runner/outbox.ts";
import { collect, parseAddressArg, parsePriorityArg, splitList, UsageError } from "./args.ts";
import type { Env } from "./context.ts";
import type { Runtime } from "./runtime.ts";

/** The outbox file when outbox mode is on (GASTOWN_OUTBOX set and not blank). */
export function outboxPath(env: Env): string | undefined {
  const path = env.GASTOWN_OUTBOX?.trim();
  return path ? path : undefined;
}

async function textFrom(
  rt: Runtime,
  options: { message?: string; stdin?: boolean },
  flag: string,
): Promise<string | undefined> {
  if (options.message !== undefined && options.stdin) {
    throw new UsageError(`Give the text with ${flag} or --stdin, not both.`, "Drop one of the two.");
  }
  return options.stdin ? rt.readStdin() : options.message;
}

/** Validates and appends one entry, then says what happens next. */
async function propose(rt: Runtime, input: OutboxEntryInput, json: boolean | undefined): Promise<void> {
  const path = outboxPath(rt.host.env);
  if (path === undefined) throw new Error("outbox mode without GASTOWN_OUTBOX");
  const entry = createOutboxEntry(input, rt.host.now ? { now: rt.host.now() } : {});
  if (!entry.ok) throw new UsageError(entry.error.message, entry.error.hint);
  try {
    await appendOutboxEntry(path, entry.value);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `Could not write to the outbox ${path}: ${reason}`,
      "GASTOWN_OUTBOX must name a writable file; the polecat runner sets it.",
    );
  }
  if (json) return rt.printJson(entry.value);
  rt.print(`Queued ${entry.value.kind} ${entry.value.id}: the runner applies it.`);
}

function registerMailSend(program: Command, rt: Runtime): void {
  program
    .command("mail")
    .description("mail (outbox mode: send only)")
    .command("send")
    .description("send mail to an address; the runner posts it")
    .argument("[to]", "mayor/, deacon/, overseer, <rig>/witness, <rig>/refinery, <rig>/polecats/<name>")
    .requiredOption("-s, --subject <subject>", "one-line subject")
    .option("-m, --message <text>", "the body")
    .option("--stdin", "read the body from stdin")
    .option("--human", "send to the overseer (the humans)")
    .option("--type <type>", `${MAIL_TYPES.join(", ")} (default notification)`)
    .option("--priority <priority>", "0 (urgent) to 4; default 2")
    .option("--urgent", "priority 0")
    .option("--bead <bead>", "post it on this bead")
    .option("--json", "print the entry as JSON")
    .action(async (toText: string | undefined, options) => {
      if ((toText === undefined) === !options.human) {
        throw new UsageError(
          "Name one recipient: an address or --human.",
          "Write gt mail send mayor/ -s … -m ….",
        );
      }
      const to = formatAddress(parseAddressArg(options.human ? "overseer" : (toText as string)));
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
      const bead = options.bead === undefined ? undefined : rt.refs([options.bead])[0]?.number;
      const body = (await textFrom(rt, options, "-m")) ?? "";
      await propose(
        rt,
        {
          kind: "mail",
          to,
          subject: options.subject,
          body,
          ...(options.type === undefined ? {} : { type: options.type as MailType }),
          ...(priority === undefined ? {} : { priority }),
          ...(bead === undefined ? {} : { bead }),
        },
        options.json,
      );
    });
}

function registerStepDone(program: Command, rt: Runtime): void {
  program
    .command("mol")
    .description("molecules (outbox mode: step done only)")
    .command("step")
    .description("work on one step of the molecule")
    .command("done")
    .description("close a step of the molecule once its work is committed")
    .argument("<step>", "the step's id")
    .option("-m, --message <text>", "a note kept on the step")
    .option("--json", "print the entry as JSON")
    .action(async (step: string, options) => {
      await propose(
        rt,
        { kind: "step-done", step, ...(options.message === undefined ? {} : { note: options.message }) },
        options.json,
      );
    });
}

function registerEnds(program: Command, rt: Runtime): void {
  program
    .command("escalate")
    .description("ask for help when you cannot continue; then stop")
    .argument("<description...>", "what is blocking you, one line")
    .option("-s, --severity <severity>", `${ESCALATION_SEVERITIES.join(", ")} (default medium)`)
    .option("-r, --reason <text>", "what you tried")
    .option("--json", "print the entry as JSON")
    .action(async (words: string[], options) => {
      if (
        options.severity !== undefined &&
        !(ESCALATION_SEVERITIES as readonly string[]).includes(options.severity)
      ) {
        throw new UsageError(
          `Unknown severity "${options.severity}".`,
          `Use one of: ${ESCALATION_SEVERITIES.join(", ")}.`,
        );
      }
      await propose(
        rt,
        {
          kind: "escalate",
          description: words.join(" "),
          ...(options.severity === undefined ? {} : { severity: options.severity as EscalationSeverity }),
          ...(options.reason === undefined ? {} : { reason: options.reason }),
        },
        options.json,
      );
    });

  program
    .command("handoff")
    .description("stop cleanly; a fresh job continues from what you write")
    .option("-m, --message <text>", "what is done and what is next")
    .option("--stdin", "read the message from stdin")
    .option("--json", "print the entry as JSON")
    .action(async (options) => {
      const message = (await textFrom(rt, options, "-m")) ?? "";
      await propose(rt, { kind: "handoff", message }, options.json);
    });

  program
    .command("done")
    .description("the work is complete and committed; the runner opens the pull request")
    .option("-m, --message <text>", "a summary of the change")
    .option("--stdin", "read the summary from stdin")
    .option("--json", "print the entry as JSON")
    .action(async (options) => {
      const summary = await textFrom(rt, options, "-m");
      await propose(rt, { kind: "done", ...(summary === undefined ? {} : { summary }) }, options.json);
    });
}

function registerDiscovered(program: Command, rt: Runtime): void {
  program
    .command("create")
    .description("file work found outside this bead's scope (outbox mode: needs --discovered-from)")
    .argument("<title...>", "the title")
    .requiredOption("--discovered-from <bead>", "the bead the work was found in")
    .option("-d, --description <text>", "the body")
    .option("--stdin", "read the body from stdin")
    .option("-t, --type <type>", `${DISCOVERED_TYPES.join(", ")} (default task)`)
    .option("-p, --priority <priority>", "0 (critical) to 4 (backlog); default 2")
    .option("-l, --label <labels>", "labels, comma-separated or repeated", collect)
    .option("--json", "print the entry as JSON")
    .action(async (words: string[], options) => {
      if (options.type !== undefined && !(DISCOVERED_TYPES as readonly string[]).includes(options.type)) {
        throw new UsageError(
          `Discovered work cannot be of type "${options.type}".`,
          `Use one of: ${DISCOVERED_TYPES.join(", ")}.`,
        );
      }
      const from = rt.refs([options.discoveredFrom])[0]?.number;
      const priority = options.priority === undefined ? undefined : parsePriorityArg(options.priority);
      const body = await textFrom(rt, { message: options.description, stdin: options.stdin }, "-d");
      const labels = splitList(options.label);
      await propose(
        rt,
        {
          kind: "discovered",
          title: words.join(" "),
          ...(body === undefined ? {} : { body }),
          ...(options.type === undefined ? {} : { type: options.type as (typeof DISCOVERED_TYPES)[number] }),
          ...(priority === undefined ? {} : { priority }),
          ...(labels.length === 0 ? {} : { labels }),
          ...(from === undefined ? {} : { from }),
        },
        options.json,
      );
    });
}

/** `gt` in outbox mode: mail send, mol step done, escalate, handoff, done. */
export function registerGtOutboxCommands(program: Command, rt: Runtime): void {
  registerMailSend(program, rt);
  registerStepDone(program, rt);
  registerEnds(program, rt);
}

/** `bd` in outbox mode: `bd create --discovered-from`. */
export function registerBdOutboxCommands(program: Command, rt: Runtime): void {
  registerDiscovered(program, rt);
}
