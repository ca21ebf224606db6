// The `bd` commands about the graph and annotations: ready, blocked, dependencies, labels and
// comments. Same shape as bd-commands.ts: parse, resolve, one use case, print.
import type { Command } from "commander";
import type { ReadySort } from "../model/ready.ts";
import { addBeadLabels, commentOnBead, removeBeadLabels, showBead } from "../town/beads.ts";
import { addDependency, dependencyTree, listDependencies, removeDependency } from "../town/deps.ts";
import { findBlocked, findReady } from "../town/ready.ts";
import { collect, parsePositive, parsePriorityArg, parseTypeArg, splitList, UsageError } from "./args.ts";
import { localBeads, targetBead } from "./context.ts";
import { beadRef, blockedLines, dependencyLines, readyLines, treeLines } from "./format-beads.ts";
import type { Runtime } from "./runtime.ts";
import { oneLine } from "./text.ts";

interface JsonOption {
  json?: boolean;
}

function printLines(rt: Runtime, lines: readonly string[]): void {
  for (const line of lines) rt.print(line);
}

/** `bd ready` and `bd blocked`. */
export function registerReadyCommands(bd: Command, rt: Runtime): void {
  bd.command("ready")
    .description("open work nothing holds back, most urgent first, then oldest")
    .option("--explain", "also say why every other open bead is not ready")
    .option("-n, --limit <count>", "at most this many")
    .option("-p, --priority <priorities>", "only these priorities", collect)
    .option("-t, --type <types>", "only these types (a non-work type named here counts)", collect)
    .option("-a, --assignee <login>", "only beads assigned to this login")
    .option("--unassigned", "only beads nobody is assigned to")
    .option("-l, --label <labels>", "only beads with all of these labels", collect)
    .option("--sort <order>", "priority (default), oldest or hybrid")
    .option("--json", "print as JSON")
    .action(async (options, command: Command) => {
      const sorts: ReadySort[] = ["priority", "oldest", "hybrid"];
      if (options.sort !== undefined && !sorts.includes(options.sort)) {
        throw new UsageError(`Unknown sort "${options.sort}".`, `Use one of: ${sorts.join(", ")}.`);
      }
      const query = {
        ...(options.explain ? { explain: true } : {}),
        ...(options.limit === undefined ? {} : { limit: parsePositive(options.limit, "--limit") }),
        ...(options.priority ? { priority: splitList(options.priority).map(parsePriorityArg) } : {}),
        ...(options.type ? { types: splitList(options.type).map(parseTypeArg) } : {}),
        ...(options.assignee === undefined ? {} : { assignee: options.assignee as string }),
        ...(options.unassigned ? { unassigned: true } : {}),
        ...(options.label ? { labels: splitList(options.label) } : {}),
        ...(options.sort === undefined ? {} : { sort: options.sort as ReadySort }),
      };
      const context = await rt.context(command);
      const result = await findReady(context.town, query);
      if (options.json)
        return rt.printJson(options.explain ? result : { ready: result.ready, open: result.open });
      printLines(rt, readyLines(result.ready, options.explain ? result.notReady : null, rt.style));
    });

  bd.command("blocked")
    .description("open beads held back by an open blocker or a blocked parent")
    .option("--json", "print as JSON")
    .action(async (options: JsonOption, command: Command) => {
      const context = await rt.context(command);
      const result = await findBlocked(context.town);
      if (options.json) return rt.printJson(result);
      printLines(rt, blockedLines(result.blocked, rt.style));
    });
}

/** `bd dep add|remove|list|tree`. */
export function registerDepCommands(bd: Command, rt: Runtime): void {
  const dep = bd.command("dep").description("dependencies: which bead blocks which");
  dep
    .command("add")
    .description("record that <blocked> is blocked by <blocker> (refuses a cycle)")
    .argument("<blocked>", "the bead that waits")
    .argument("[blocker]", "the bead it waits for (or --blocked-by)")
    .option("--blocked-by <blocker>", "the bead it waits for")
    .option("--json", "print the result as JSON")
    .action(
      async (
        a: string,
        b: string | undefined,
        options: JsonOption & { blockedBy?: string },
        command: Command,
      ) => {
        if ((b === undefined) === (options.blockedBy === undefined)) {
          throw new UsageError(
            b === undefined
              ? "Which bead does it wait for?"
              : "Give the blocker once: as an argument or with --blocked-by.",
            "bd dep add <blocked> <blocker>, or bd dep add <blocked> --blocked-by <blocker>.",
          );
        }
        const refs = rt.refs([a, (b ?? options.blockedBy) as string]);
        const context = await rt.context(command);
        const [blocked, blocker] = localBeads(context, refs) as [number, number];
        const result = await addDependency(context.town, { blocked, blocker });
        if (options.json) return rt.printJson(result);
        const verb = result.added ? "Now" : "Already";
        rt.print(`${verb}: #${blocked} is blocked by ${beadRef(result.blocker, rt.style)}`);
      },
    );
  dep
    .command("remove")
    .alias("rm")
    .description("remove the edge '<blocked> is blocked by <blocker>'")
    .argument("<blocked>", "the bead that waits")
    .argument("<blocker>", "the bead it waits for")
    .option("--json", "print the result as JSON")
    .action(async (a: string, b: string, options: JsonOption, command: Command) => {
      const refs = rt.refs([a, b]);
      const context = await rt.context(command);
      const [blocked, blocker] = localBeads(context, refs) as [number, number];
      const result = await removeDependency(context.town, { blocked, blocker });
      if (options.json) return rt.printJson(result);
      rt.print(
        result.removed
          ? `Removed: #${blocked} is no longer blocked by #${blocker}`
          : rt.style.dim(`#${blocked} was not blocked by #${blocker}; nothing changed`),
      );
    });
  dep
    .command("list")
    .description("a bead's blockers and what it blocks")
    .argument("<bead>", "the bead")
    .option("--json", "print as JSON")
    .action(async (id: string, options: JsonOption, command: Command) => {
      const context = await rt.context(command);
      const [number] = localBeads(context, rt.refs([id])) as [number];
      const list = await listDependencies(context.town, { number });
      if (options.json) return rt.printJson(list);
      printLines(rt, dependencyLines(list, rt.style));
    });
  dep
    .command("tree")
    .description("the tree of blockers under a bead (--up: what it blocks)")
    .argument("<bead>", "the bead")
    .option("--up", "follow what the bead blocks instead")
    .option("--depth <levels>", "how deep to go (default 10)")
    .option("--json", "print as JSON")
    .action(async (id: string, options, command: Command) => {
      const refs = rt.refs([id]);
      const maxDepth = options.depth === undefined ? undefined : parsePositive(options.depth, "--depth");
      const context = await rt.context(command);
      const [number] = localBeads(context, refs) as [number];
      const tree = await dependencyTree(context.town, {
        number,
        direction: options.up ? "up" : "down",
        ...(maxDepth === undefined ? {} : { maxDepth }),
      });
      if (options.json) return rt.printJson(tree);
      printLines(rt, treeLines(tree, rt.style));
    });
}

/** `bd label add|remove|list` and `bd comment`. */
export function registerLabelCommands(bd: Command, rt: Runtime): void {
  const label = bd.command("label").description("add, remove or list a bead's labels");
  for (const [name, description] of [
    ["add", "add labels to a bead"],
    ["remove", "remove labels from a bead"],
  ] as const) {
    label
      .command(name)
      .description(description)
      .argument("<bead>", "the bead")
      .argument("<labels...>", "label names")
      .option("--json", "print the bead as JSON")
      .action(async (id: string, labels: string[], options: JsonOption, command: Command) => {
        const refs = rt.refs([id]);
        const target = targetBead(await rt.context(command), refs[0]!);
        const params = { number: target.number, labels: splitList(labels) };
        const bead =
          name === "add"
            ? await addBeadLabels(target.town, params)
            : await removeBeadLabels(target.town, params);
        if (options.json) return rt.printJson(bead);
        rt.print(
          `#${bead.number} labels: ${bead.labels.length > 0 ? bead.labels.map(oneLine).join(", ") : rt.style.dim("none")}`,
        );
      });
  }
  label
    .command("list")
    .description("a bead's labels")
    .argument("<bead>", "the bead")
    .option("--json", "print as JSON")
    .action(async (id: string, options: JsonOption, command: Command) => {
      const refs = rt.refs([id]);
      const target = targetBead(await rt.context(command), refs[0]!);
      const { bead } = await showBead(target.town, { number: target.number });
      if (options.json) return rt.printJson(bead.labels);
      for (const name of bead.labels) rt.print(oneLine(name));
    });

  bd.command("comment")
    .description("comment on a bead")
    .argument("<bead>", "the bead")
    .argument("[text...]", "the comment (or --stdin)")
    .option("--stdin", "read the comment from stdin")
    .option("--json", "print the comment as JSON")
    .action(async (id: string, words: string[], options, command: Command) => {
      const refs = rt.refs([id]);
      if (words.length > 0 && options.stdin) {
        throw new UsageError("Give the comment as text or with --stdin, not both.", "Drop one of the two.");
      }
      const body = options.stdin ? await rt.readStdin() : words.join(" ");
      if (body.trim() === "") {
        throw new UsageError(
          "The comment is empty.",
          'Write it after the bead: bd comment 12 "Found the cause".',
        );
      }
      const target = targetBead(await rt.context(command), refs[0]!);
      const comment = await commentOnBead(target.town, { number: target.number, body });
      if (options.json) return rt.printJson(comment);
      rt.print(`Commented on #${target.number}: ${rt.style.dim(comment.url)}`);
    });
}
