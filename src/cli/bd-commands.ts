// The `bd` commands: beads, dependencies, readiness, labels and comments over town/. Each
// action parses its arguments (usage errors before any request), resolves the context, calls
// one use case and prints its result: compact lines for people, `--json` for programs.
import type { Command } from "commander";
import type { Bead, CloseState } from "../model/bead.ts";
import type { BeadRef } from "../model/bead-ref.ts";
import {
  type BeadQuery,
  closeBead,
  createBead,
  queryBeads,
  readBead,
  reopenBead,
  showBead,
  updateBead,
} from "../town/beads.ts";
import {
  collect,
  parsePositive,
  parsePriorityArg,
  parseStatusArg,
  parseTypeArg,
  splitList,
  UsageError,
} from "./args.ts";
import { registerDepCommands, registerLabelCommands, registerReadyCommands } from "./bd-graph.ts";
import { type CliContext, localBeads, type TargetBead, targetBead } from "./context.ts";
import { beadLine, beadList, beadRef, showLines } from "./format-beads.ts";
import { registerMolCommands } from "./commands/mol.ts";
import type { Runtime } from "./runtime.ts";

interface JsonOption {
  json?: boolean;
}

/** The body from `-d/--description`, `--stdin`, or neither; both at once is a usage error. */
async function bodyFrom(
  rt: Runtime,
  options: { description?: string; stdin?: boolean },
): Promise<string | undefined> {
  if (options.description !== undefined && options.stdin) {
    throw new UsageError("Give the text with -d or --stdin, not both.", "Drop one of the two.");
  }
  if (options.stdin) return rt.readStdin();
  return options.description;
}

function printLines(rt: Runtime, lines: readonly string[]): void {
  for (const line of lines) rt.print(line);
}

function registerCreate(bd: Command, rt: Runtime): void {
  bd.command("create")
    .description("create a bead (an issue)")
    .argument("<title...>", "the title")
    .option("-d, --description <text>", "the body")
    .option("--stdin", "read the body from stdin")
    .option("-t, --type <type>", "task, bug, feature, chore, epic, …")
    .option("-p, --priority <priority>", "0 (critical) to 4 (backlog); default 2")
    .option("-l, --label <labels>", "labels, comma-separated or repeated", collect)
    .option("-a, --assignee <login>", "assignee (repeatable)", collect)
    .option("--parent <bead>", "make it a sub-issue of this epic")
    .option("--deps <beads>", "beads it is blocked by, comma-separated or repeated", collect)
    .option("--convoy <number>", "add it to this convoy (milestone)")
    .option("--json", "print the bead as JSON")
    .action(async (words: string[], options, command: Command) => {
      const title = words.join(" ");
      const type = options.type === undefined ? undefined : parseTypeArg(options.type);
      const priority = options.priority === undefined ? undefined : parsePriorityArg(options.priority);
      const parent = options.parent === undefined ? undefined : rt.refs([options.parent]);
      const deps = rt.refs(splitList(options.deps));
      const convoy = options.convoy === undefined ? undefined : parsePositive(options.convoy, "--convoy");
      const body = await bodyFrom(rt, options);
      const context = await rt.context(command);
      const bead = await createBead(context.town, {
        title,
        ...(body === undefined ? {} : { body }),
        ...(type === undefined ? {} : { type }),
        ...(priority === undefined ? {} : { priority }),
        labels: splitList(options.label),
        assignees: splitList(options.assignee),
        ...(parent ? { parent: localBeads(context, parent)[0] as number } : {}),
        blockedBy: localBeads(context, deps),
        ...(convoy === undefined ? {} : { convoy }),
      });
      if (options.json) return rt.printJson(bead);
      rt.print(`Created ${beadRef(bead, rt.style)}`);
      rt.print(rt.style.dim(bead.url));
    });
}

function registerShowList(bd: Command, rt: Runtime): void {
  bd.command("show")
    .description("show a bead with its blockers, dependents and sub-issues")
    .argument("<bead>", "123, #123, owner/repo#123, an issue URL or gt-123")
    .option("-c, --comments", "include comments")
    .option("--json", "print as JSON")
    .action(async (id: string, options: JsonOption & { comments?: boolean }, command: Command) => {
      const [ref] = rt.refs([id]);
      const target = targetBead(await rt.context(command), ref!);
      const details = await showBead(target.town, {
        number: target.number,
        comments: options.comments ?? false,
      });
      if (options.json) return rt.printJson(details);
      printLines(rt, showLines(details, rt.style));
    });

  bd.command("list")
    .description("list beads (default: every bead that is not closed)")
    .option("-s, --status <status>", "open, in-progress, hooked, blocked, deferred, pinned, closed or all")
    .option("-t, --type <types>", "only these types (comma-separated)", collect)
    .option("-p, --priority <priorities>", "only these priorities (comma-separated)", collect)
    .option("-l, --label <labels>", "only beads with all of these labels", collect)
    .option("-a, --assignee <login>", "only beads assigned to this login")
    .option("--convoy <number>", "only beads in this convoy")
    .option("--sort <order>", "priority (default), oldest, newest or updated")
    .option("-n, --limit <count>", "at most this many")
    .option("--json", "print as JSON")
    .action(async (options, command: Command) => {
      const sorts = ["priority", "oldest", "newest", "updated"];
      if (options.sort !== undefined && !sorts.includes(options.sort)) {
        throw new UsageError(`Unknown sort "${options.sort}".`, `Use one of: ${sorts.join(", ")}.`);
      }
      const query: BeadQuery = {
        ...(options.status === undefined
          ? {}
          : { status: options.status === "all" ? "all" : parseStatusArg(options.status) }),
        ...(options.type ? { types: splitList(options.type).map(parseTypeArg) } : {}),
        ...(options.priority ? { priorities: splitList(options.priority).map(parsePriorityArg) } : {}),
        ...(options.label ? { labels: splitList(options.label) } : {}),
        ...(options.assignee === undefined ? {} : { assignee: options.assignee }),
        ...(options.convoy === undefined ? {} : { convoy: parsePositive(options.convoy, "--convoy") }),
        ...(options.sort === undefined ? {} : { sort: options.sort as NonNullable<BeadQuery["sort"]> }),
        ...(options.limit === undefined ? {} : { limit: parsePositive(options.limit, "--limit") }),
      };
      const context = await rt.context(command);
      const beads = await queryBeads(context.town, query);
      if (options.json) return rt.printJson(beads);
      printLines(rt, beadList(beads, rt.style, "No beads match."));
    });
}

function registerUpdate(bd: Command, rt: Runtime): void {
  bd.command("update")
    .description("change a bead's title, body, status, priority, type or assignees")
    .argument("<bead>", "the bead")
    .option("--title <title>", "new title")
    .option("-d, --description <text>", "new body")
    .option("--stdin", "read the new body from stdin")
    .option("-s, --status <status>", "open, in-progress, blocked, deferred, pinned or closed")
    .option("-p, --priority <priority>", "0 to 4")
    .option("-t, --type <type>", "new type")
    .option("-a, --assignee <login>", "set the assignees (repeatable; '' for none)", collect)
    .option("--json", "print the bead as JSON")
    .action(async (id: string, options, command: Command) => {
      const [ref] = rt.refs([id]);
      const status = options.status === undefined ? undefined : parseStatusArg(options.status);
      const priority = options.priority === undefined ? undefined : parsePriorityArg(options.priority);
      const type = options.type === undefined ? undefined : parseTypeArg(options.type);
      const body = await bodyFrom(rt, options);
      const changes = {
        ...(options.title === undefined ? {} : { title: options.title as string }),
        ...(body === undefined ? {} : { body }),
        ...(status === undefined ? {} : { status }),
        ...(priority === undefined ? {} : { priority }),
        ...(type === undefined ? {} : { type }),
        ...(options.assignee === undefined ? {} : { assignees: splitList(options.assignee) }),
      };
      if (Object.keys(changes).length === 0) {
        throw new UsageError("Nothing to update.", "Pass at least one of --title, -d, -s, -p, -t or -a.");
      }
      const target = targetBead(await rt.context(command), ref!);
      const bead = await updateBead(target.town, { number: target.number, ...changes });
      if (options.json) return rt.printJson(bead);
      rt.print(`Updated ${beadLine(bead, rt.style)}`);
    });
}

/**
 * Every named bead, read before any is changed: a typo in the third id of `bd close 1 2 x` fails
 * with nothing closed, rather than half-way through.
 */
async function readTargets(
  context: CliContext,
  refs: readonly BeadRef[],
): Promise<Array<TargetBead & { bead: Bead }>> {
  const targets = refs.map((ref) => targetBead(context, ref));
  const beads = await Promise.all(targets.map((target) => readBead(target.town, target.number)));
  return targets.map((target, i) => ({ ...target, bead: beads[i] as Bead }));
}

function registerCloseReopen(bd: Command, rt: Runtime): void {
  bd.command("close")
    .description("close beads (done, or burned with --not-planned)")
    .argument("<beads...>", "the beads")
    .option("-r, --reason <text>", "why, kept on the bead")
    .option("--not-planned", "closed without doing it (burned)")
    .option("--duplicate", "closed as a duplicate")
    .option("--json", "print the results as JSON")
    .action(async (ids: string[], options, command: Command) => {
      if (options.notPlanned && options.duplicate) {
        throw new UsageError("--not-planned and --duplicate exclude each other.", "Pick one way to close.");
      }
      const as: CloseState = options.notPlanned
        ? "not_planned"
        : options.duplicate
          ? "duplicate"
          : "completed";
      const context = await rt.context(command);
      const targets = await readTargets(context, rt.refs(ids));
      const results = [];
      for (const { town, number, bead } of targets) {
        results.push(
          await closeBead(town, {
            number,
            bead,
            as,
            ...(options.reason === undefined ? {} : { reason: options.reason }),
          }),
        );
      }
      if (options.json) return rt.printJson(results);
      for (const result of results) {
        const note = result.changed ? (result.releasedHook ? " (hook released)" : "") : " (already closed)";
        rt.print(`Closed ${beadRef(result.bead, rt.style)}${rt.style.dim(note)}`);
      }
    });

  bd.command("reopen")
    .description("reopen closed beads")
    .argument("<beads...>", "the beads")
    .option("--json", "print the results as JSON")
    .action(async (ids: string[], options: JsonOption, command: Command) => {
      const context = await rt.context(command);
      const targets = await readTargets(context, rt.refs(ids));
      const results = [];
      for (const { town, number, bead } of targets) results.push(await reopenBead(town, { number, bead }));
      if (options.json) return rt.printJson(results);
      for (const result of results) {
        rt.print(
          `Reopened ${beadRef(result.bead, rt.style)}${result.changed ? "" : rt.style.dim(" (was open)")}`,
        );
      }
    });
}

/** Adds every `bd` command to `program`. */
export function registerBdCommands(program: Command, rt: Runtime): void {
  registerCreate(program, rt);
  registerShowList(program, rt);
  registerUpdate(program, rt);
  registerCloseReopen(program, rt);
  registerReadyCommands(program, rt);
  registerDepCommands(program, rt);
  registerLabelCommands(program, rt);
  registerMolCommands(program, rt);
}
