// The `gt` commands: hooks, status and doctor here; convoys and mail in their own files.
import type { Command } from "commander";
import { parseAddress } from "../model/address.ts";
import { runDoctor } from "../town/doctor.ts";
import { attachHook, detachHook, listHooks, showHook } from "../town/hooks.ts";
import { townStatus } from "../town/status.ts";
import { parsePositive, UsageError } from "./args.ts";
import { registerFormulaCommands } from "./commands/formula.ts";
import { registerMolCommands } from "./commands/mol.ts";
import { targetBead } from "./context.ts";
import { beadRef } from "./format-beads.ts";
import { doctorLines, hookLines, statusLines } from "./format-town.ts";
import { registerConvoyCommands, selfAddress } from "./gt-convoy.ts";
import { registerMailCommands } from "./gt-mail.ts";
import { refinerySettingsFor, registerMqCommands } from "./gt-mq.ts";
import type { Runtime } from "./runtime.ts";
import { oneLine } from "./text.ts";

/** The polecat a hook command acts for: `--polecat`, else GT_POLECAT, else a polecat GT_ADDRESS. */
function polecatOf(rt: Runtime, given: string | undefined): string | undefined {
  if (given !== undefined) return given;
  const fromEnv = rt.host.env.GT_POLECAT?.trim();
  if (fromEnv) return fromEnv;
  const self = selfAddress(rt.host);
  const address = self === undefined ? null : parseAddress(self);
  return address?.ok && address.value.kind === "polecat" ? address.value.name : undefined;
}

function registerHook(program: Command, rt: Runtime): void {
  const hook = program.command("hook").description("what is on a hook: show, attach (atomic claim), detach");
  hook
    .command("show", { isDefault: true })
    .description("one bead's hook, or every hook (of --polecat)")
    .argument("[bead]", "the bead")
    .option("--polecat <name>", "only this polecat's hooks")
    .option("--json", "print as JSON")
    .action(async (id: string | undefined, options, command: Command) => {
      const refs = id === undefined ? [] : rt.refs([id]);
      const context = await rt.context(command);
      if (refs[0]) {
        const target = targetBead(context, refs[0]);
        const entry = await showHook(target.town, { bead: target.number });
        if (options.json) return rt.printJson(entry);
        for (const line of hookLines([entry], rt.style)) rt.print(line);
        return;
      }
      const polecat = polecatOf(rt, options.polecat);
      const entries = await listHooks(context.town, polecat === undefined ? {} : { polecat });
      if (options.json) return rt.printJson(entries);
      for (const line of hookLines(entries, rt.style)) rt.print(line);
    });

  hook
    .command("attach")
    .description("claim a bead for a polecat; exactly one of many concurrent claims wins")
    .argument("<bead>", "the bead")
    .option("--polecat <name>", "who takes it (default GT_POLECAT or a polecat GT_ADDRESS)")
    .option("--run <id>", "the Actions run working it")
    .option("--json", "print the result as JSON")
    .action(async (id: string, options, command: Command) => {
      const refs = rt.refs([id]);
      const polecat = polecatOf(rt, options.polecat);
      if (polecat === undefined) {
        throw new UsageError("Whose hook? No polecat given.", "Pass --polecat <name> (or set GT_POLECAT).");
      }
      const run = options.run === undefined ? undefined : parsePositive(options.run, "--run");
      const target = targetBead(await rt.context(command), refs[0]!);
      const result = await attachHook(target.town, {
        bead: target.number,
        polecat,
        ...(run === undefined ? {} : { run }),
        ...(selfAddress(rt.host) === undefined ? {} : { dispatchedBy: selfAddress(rt.host) as string }),
      });
      if (options.json) return rt.printJson(result);
      rt.print(
        `Hooked ${beadRef(result.bead, rt.style)} on ${rt.style.cyan(oneLine(polecat))} (attempt ${result.holder.attempt})`,
      );
    });

  hook
    .command("detach")
    .description("take a bead off its hook (with --polecat, only from that polecat)")
    .argument("<bead>", "the bead")
    .option("--polecat <name>", "only release this polecat's claim")
    .option("--json", "print the result as JSON")
    .action(async (id: string, options, command: Command) => {
      const refs = rt.refs([id]);
      const target = targetBead(await rt.context(command), refs[0]!);
      const result = await detachHook(target.town, {
        bead: target.number,
        ...(options.polecat === undefined ? {} : { polecat: options.polecat as string }),
      });
      if (options.json) return rt.printJson(result);
      const from = result.holder ? ` from ${rt.style.cyan(oneLine(result.holder.polecat))}` : "";
      rt.print(
        result.released
          ? `Detached ${beadRef(result.bead, rt.style)}${from}`
          : rt.style.dim(`#${result.bead.number} was not on a hook; its labels are tidy`),
      );
    });
}

function registerStatusDoctor(program: Command, rt: Runtime): void {
  program
    .command("status")
    .description("the town at a glance: convoys, hooked beads, ready work")
    .option("--json", "print as JSON")
    .action(async (options, command: Command) => {
      const context = await rt.context(command);
      const status = await townStatus(context.town);
      if (options.json) return rt.printJson(status);
      for (const line of statusLines(status, rt.style)) rt.print(line);
    });

  program
    .command("doctor")
    .description("check labels, mailboxes, hooks, dependencies and the token; --fix repairs")
    .option("--fix", "repair what is safe to repair")
    .option("--json", "print the report as JSON")
    .action(async (options, command: Command) => {
      const context = await rt.context(command);
      const actionsToken =
        rt.host.env.GITHUB_ACTIONS === "true" &&
        context.tokenSource === "GITHUB_TOKEN" &&
        context.token.startsWith("ghs_");
      const refinery = await refinerySettingsFor(context.town).catch(() => undefined);
      const report = await runDoctor(context.town, {
        fix: options.fix ?? false,
        actionsToken,
        ...(refinery === undefined ? {} : { refinery }),
      });
      if (!report.healthy) rt.exitCode = 1;
      if (options.json) return rt.printJson(report);
      for (const line of doctorLines(report, rt.style, options.fix ?? false)) rt.print(line);
    });
}

/** Adds every `gt` command to `program`. */
export function registerGtCommands(program: Command, rt: Runtime): void {
  registerConvoyCommands(program, rt);
  registerMailCommands(program, rt);
  registerHook(program, rt);
  registerStatusDoctor(program, rt);
  registerFormulaCommands(program, rt);
  registerMolCommands(program, rt);
  registerMqCommands(program, rt);
}
