// `gt convoy create|add|list|status|close|check|stranded`: convoys on milestones.
import type { Command } from "commander";
import type { MergeStrategy } from "../model/bead.ts";
import { parseBeadRef } from "../model/bead-ref.ts";
import { checkConvoys } from "../town/convoy-landing.ts";
import {
  addToConvoy,
  closeConvoy,
  convoyStatus,
  createConvoy,
  defaultConvoyOwner,
  listConvoysOf,
  strandedConvoys,
} from "../town/convoys.ts";
import { collect, parsePositive, splitList, UsageError } from "./args.ts";
import { type CliHost, localBeads, prefixOf } from "./context.ts";
import { beadRef } from "./format-beads.ts";
import { checkLines, convoyListLines, convoyStatusLines, strandedLines } from "./format-town.ts";
import type { Runtime } from "./runtime.ts";
import { oneLine } from "./text.ts";

const MERGES: MergeStrategy[] = ["batch", "native", "direct"];

/** The caller's own address (GT_ADDRESS), used as a default owner or sender. */
export function selfAddress(host: CliHost): string | undefined {
  return host.env.GT_ADDRESS?.trim() || undefined;
}

function printLines(rt: Runtime, lines: readonly string[]): void {
  for (const line of lines) rt.print(line);
}

function registerCreate(convoy: Command, rt: Runtime): void {
  convoy
    .command("create")
    .description("create a convoy (a milestone) tracking beads; if the first word is a bead id, all are")
    .argument("[name-or-beads...]", 'a name then beads ("Login rework" 12 13), or just beads (12 13)')
    .option("--from-epic <epic>", "track the epic's work descendants")
    .option(
      "--owner <who>",
      "who is told when it lands: an address or @login (default GT_ADDRESS, else you as @login, else overseer)",
    )
    .option("--watcher <who>", "also told when it lands (repeatable)", collect)
    .option("--notify <who>", "the same as --watcher (Gas Town's name for it)", collect)
    .option("--owned", "caller-managed: the town never closes it on its own")
    .option("--merge <strategy>", "batch, native or direct")
    .option("--base-branch <branch>", "the branch its work lands on")
    .option("-d, --description <text>", "a description")
    .option("--force", "move beads out of other open convoys")
    .option("--json", "print the convoy as JSON")
    .action(async (words: string[], options, command: Command) => {
      const prefix = prefixOf(rt.host);
      const looksLikeBead = (text: string) => parseBeadRef(text, prefix === undefined ? {} : { prefix }).ok;
      const allBeads = words.length > 0 && looksLikeBead(words[0] as string);
      const title = allBeads ? undefined : words[0];
      const refs = rt.refs(allBeads ? words : words.slice(1));
      const epic = options.fromEpic === undefined ? undefined : rt.refs([options.fromEpic]);
      if (options.merge !== undefined && !MERGES.includes(options.merge)) {
        throw new UsageError(
          `Unknown merge strategy "${options.merge}".`,
          `Use one of: ${MERGES.join(", ")}.`,
        );
      }
      if (words.length === 0 && epic === undefined) {
        throw new UsageError(
          "A convoy needs a name, beads or an epic.",
          'gt convoy create "Login rework" 12 13, or --from-epic 7.',
        );
      }
      const context = await rt.context(command);
      const owner = options.owner ?? selfAddress(rt.host) ?? (await defaultConvoyOwner(context.town));
      const result = await createConvoy(context.town, {
        ...(title === undefined ? {} : { title }),
        beads: localBeads(context, refs),
        ...(epic ? { epic: localBeads(context, epic)[0] as number } : {}),
        owner,
        watchers: [...splitList(options.watcher), ...splitList(options.notify)],
        ...(options.owned ? { owned: true } : {}),
        ...(options.merge === undefined ? {} : { merge: options.merge as MergeStrategy }),
        ...(options.baseBranch === undefined ? {} : { baseBranch: options.baseBranch as string }),
        ...(options.description === undefined ? {} : { description: options.description as string }),
        ...(options.force ? { force: true } : {}),
      });
      if (options.json) return rt.printJson(result);
      rt.print(
        `Created convoy ${rt.style.bold(String(result.convoy.number))} ${oneLine(result.convoy.title)} tracking ${result.beads.length} bead(s)`,
      );
      for (const bead of result.beads) rt.print(`  ${beadRef(bead, rt.style)}`);
    });

  convoy
    .command("add")
    .description("add beads to a convoy (reopens a landed one)")
    .argument("<convoy>", "the convoy number")
    .argument("<beads...>", "the beads")
    .option("--force", "move beads out of other open convoys")
    .option("--json", "print the convoy as JSON")
    .action(async (number: string, ids: string[], options, command: Command) => {
      const convoyNumber = parsePositive(number, "The convoy");
      const refs = rt.refs(ids);
      const context = await rt.context(command);
      const result = await addToConvoy(context.town, {
        convoy: convoyNumber,
        beads: localBeads(context, refs),
        ...(options.force ? { force: true } : {}),
      });
      if (options.json) return rt.printJson(result);
      rt.print(
        `Added ${result.beads.length} bead(s) to convoy ${result.convoy.number} ${oneLine(result.convoy.title)}${result.reopened ? " (reopened)" : ""}`,
      );
    });
}

function registerReads(convoy: Command, rt: Runtime): void {
  convoy
    .command("list")
    .description("convoys with their progress")
    .option("--state <state>", "open (default), closed or all")
    .option("-a, --all", "open and closed")
    .option("--json", "print as JSON")
    .action(async (options, command: Command) => {
      const state = options.all ? "all" : (options.state ?? "open");
      if (!["open", "closed", "all"].includes(state)) {
        throw new UsageError(`Unknown state "${state}".`, "Use open, closed or all.");
      }
      const context = await rt.context(command);
      const convoys = await listConvoysOf(context.town, { state });
      if (options.json) return rt.printJson(convoys);
      printLines(rt, convoyListLines(convoys, rt.style));
    });

  convoy
    .command("status")
    .description("a convoy's progress, each bead's state and who works it")
    .argument("<convoy>", "the convoy number")
    .option("--json", "print as JSON")
    .action(async (number: string, options, command: Command) => {
      const convoyNumber = parsePositive(number, "The convoy");
      const context = await rt.context(command);
      const status = await convoyStatus(context.town, { convoy: convoyNumber });
      if (options.json) return rt.printJson(status);
      printLines(rt, convoyStatusLines(status, rt.style));
    });

  convoy
    .command("stranded")
    .description("open convoys with ready work and nobody on it")
    .option("--json", "print as JSON")
    .action(async (options, command: Command) => {
      const context = await rt.context(command);
      const stranded = await strandedConvoys(context.town);
      if (options.json) return rt.printJson(stranded);
      printLines(rt, strandedLines(stranded, rt.style));
    });
}

function registerLifecycle(convoy: Command, rt: Runtime): void {
  convoy
    .command("close")
    .description("close a convoy (refused while beads are open, unless --force)")
    .argument("<convoy>", "the convoy number")
    .option("--force", "close it even with open beads")
    .option("--json", "print the result as JSON")
    .action(async (number: string, options, command: Command) => {
      const convoyNumber = parsePositive(number, "The convoy");
      const context = await rt.context(command);
      const result = await closeConvoy(context.town, {
        convoy: convoyNumber,
        ...(options.force ? { force: true } : {}),
      });
      if (options.json) return rt.printJson(result);
      rt.print(
        result.changed
          ? `Closed convoy ${result.convoy.number} ${oneLine(result.convoy.title)}`
          : rt.style.dim(`Convoy ${result.convoy.number} was already closed`),
      );
    });

  convoy
    .command("check")
    .description("land complete convoys: close them and notify owner and watchers, once")
    .argument("[convoy]", "one convoy (default: every open convoy)")
    .option("-n, --dry-run", "say what would land, change nothing")
    .option("--json", "print the results as JSON")
    .action(async (number: string | undefined, options, command: Command) => {
      const convoyNumber = number === undefined ? undefined : parsePositive(number, "The convoy");
      const context = await rt.context(command);
      const results = await checkConvoys(context.town, {
        ...(convoyNumber === undefined ? {} : { convoy: convoyNumber }),
        ...(options.dryRun ? { dryRun: true } : {}),
      });
      if (options.json) return rt.printJson(results);
      printLines(rt, checkLines(results, rt.style, options.dryRun ?? false));
    });
}

/** Adds `gt convoy …`. */
export function registerConvoyCommands(program: Command, rt: Runtime): void {
  const convoy = program
    .command("convoy")
    .description("convoys: groups of beads that land together (milestones)");
  registerCreate(convoy, rt);
  registerReads(convoy, rt);
  registerLifecycle(convoy, rt);
}
