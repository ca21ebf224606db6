// `mol`: molecules on GitHub, for `bd` and `gt` alike. pour and wisp turn a formula into issues;
// current, progress and ready say where a molecule stands; `step done` closes one step and names
// the next; squash and burn end it. The root is the argument (or --root), else GASTOWN_MOLECULE
// (set for a polecat working a molecule), else the repository's only open molecule or wisp.
import type { Command } from "commander";
import { githubFormulaSources, localFormulaSources } from "../../town/formula-sources.ts";
import { cookNamedFormula } from "../../town/molecule/cook.ts";
import { burnMolecule, squashMolecule } from "../../town/molecule/finish.ts";
import { planPour } from "../../town/molecule/plan.ts";
import { pourMolecule } from "../../town/molecule/pour.ts";
import { completeStep, loadMolecule, resolveRoot } from "../../town/molecule/walk.ts";
import { pourWisp } from "../../town/molecule/wisp.ts";
import { collect, UsageError } from "../args.ts";
import { type CliContext, localBeads } from "../context.ts";
import type { Runtime } from "../runtime.ts";
import { oneLine, truncate } from "../text.ts";
import { parseVarOptions, reportingFormulaErrors } from "./formula.ts";
import {
  currentLines,
  finishLines,
  pourPlanLines,
  pourResultLines,
  progressLines,
  readyLines,
  stepId,
} from "./molecule-format.ts";

interface PourOptions {
  var?: string[];
  key?: string;
  title?: string;
  local?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

/** The root number from an argument, else GASTOWN_MOLECULE, else the only open one. */
async function rootFor(rt: Runtime, context: CliContext, given: string | undefined): Promise<number> {
  const text = given ?? rt.host.env.GASTOWN_MOLECULE?.trim();
  if (text !== undefined && text !== "") return localBeads(context, rt.refs([text]))[0] as number;
  return resolveRoot(context.town);
}

function pourCommand(mol: Command, as: "molecule" | "wisp"): Command {
  return mol
    .command(as === "molecule" ? "pour" : "wisp")
    .description(
      as === "molecule"
        ? "pour a formula as a molecule: a root issue, a sub-issue per step, blocked-by edges"
        : "pour a formula as a wisp: one root issue with the steps as a checklist",
    )
    .argument("<formula>", "the formula's name, or a path to a .formula.toml / .formula.json file")
    .option("--var <name=value>", "a var's value (repeatable)", collect)
    .option("--key <key>", "the pour key (default: from the formula and vars; same key, same molecule)")
    .option("--title <title>", "the root issue's title")
    .option("--local", "read formulas from the checkout instead of the repository on GitHub")
    .option("--json", "print the result as JSON");
}

function registerPour(mol: Command, rt: Runtime): void {
  pourCommand(mol, "molecule")
    .option("--dry-run", "print the issues and edges it would create, and write nothing")
    .action(async (name: string, options: PourOptions, command: Command) =>
      reportingFormulaErrors(rt, async () => {
        const vars = parseVarOptions(options.var);
        const plan = {
          ...(options.key ? { key: options.key } : {}),
          ...(options.title ? { title: options.title } : {}),
        };
        const needsContext = !(options.local && options.dryRun);
        const context = needsContext ? await rt.context(command) : undefined;
        const sources =
          options.local || context === undefined
            ? localFormulaSources(rt.host.cwd)
            : githubFormulaSources(context.town);
        const { proto } = await cookNamedFormula({ ref: name, sources, vars, cwd: rt.host.cwd });
        if (options.dryRun) {
          const planned = planPour(proto, plan);
          if (options.json) return rt.printJson(planned);
          for (const line of pourPlanLines(planned, rt.style)) rt.print(line);
          return;
        }
        const result = await pourMolecule((context as CliContext).town, { proto, ...plan });
        for (const warning of result.plan.warnings) rt.note(`warning: ${warning}`);
        if (options.json) {
          const { plan: poured, root, ...rest } = result;
          return rt.printJson({
            root: { number: root.number, url: root.url, title: root.title },
            key: poured.key,
            ...rest,
          });
        }
        for (const line of pourResultLines(result, rt.style)) rt.print(line);
      }),
    );
}

function registerWisp(mol: Command, rt: Runtime): void {
  pourCommand(mol, "wisp").action(async (name: string, options: PourOptions, command: Command) =>
    reportingFormulaErrors(rt, async () => {
      const vars = parseVarOptions(options.var);
      const context = await rt.context(command);
      const sources = options.local ? localFormulaSources(rt.host.cwd) : githubFormulaSources(context.town);
      const { proto } = await cookNamedFormula({ ref: name, sources, vars, cwd: rt.host.cwd });
      const result = await pourWisp(context.town, {
        proto,
        ...(options.key ? { key: options.key } : {}),
        ...(options.title ? { title: options.title } : {}),
      });
      const { root } = result;
      if (options.json) {
        return rt.printJson({
          root: { number: root.number, url: root.url, title: root.title },
          key: result.plan.key,
          resumed: result.resumed,
          steps: result.plan.steps.map((step) => step.id),
        });
      }
      const head = result.resumed
        ? `Wisp ${rt.style.bold(`#${root.number}`)} (${result.plan.formula}) was poured before with key ${result.plan.key}`
        : `Poured ${rt.style.bold(result.plan.formula)} as wisp ${rt.style.bold(`#${root.number}`)} (${result.plan.steps.length} steps as a checklist)`;
      rt.print(`${head}: ${rt.style.dim(root.url)}`);
    }),
  );
}

function registerFinish(mol: Command, rt: Runtime): void {
  mol
    .command("squash")
    .description("end a molecule: a digest comment, open steps closed as not planned, root closed")
    .argument("[root]", "the molecule's root (or one of its steps)")
    .option("--summary <text>", "what was done, for the digest")
    .option("--json", "print the result as JSON")
    .action(
      async (given: string | undefined, options: { summary?: string; json?: boolean }, command: Command) => {
        const context = await rt.context(command);
        const root = await rootFor(rt, context, given);
        const result = await squashMolecule(context.town, {
          root,
          ...(options.summary === undefined ? {} : { summary: options.summary }),
        });
        if (options.json) return rt.printJson(result);
        for (const line of finishLines(result, "squashed", rt.style)) rt.print(line);
      },
    );

  mol
    .command("burn")
    .description("discard a molecule: steps, gates and root closed as not planned, no digest")
    .argument("[root]", "the molecule's root (or one of its steps)")
    .option("--json", "print the result as JSON")
    .action(async (given: string | undefined, options: { json?: boolean }, command: Command) => {
      const context = await rt.context(command);
      const result = await burnMolecule(context.town, { root: await rootFor(rt, context, given) });
      if (options.json) return rt.printJson(result);
      for (const line of finishLines(result, "burned", rt.style)) rt.print(line);
    });
}

function registerViews(mol: Command, rt: Runtime): void {
  const views = [
    {
      name: "current",
      about: "every step: done, current, ready or blocked (and on what)",
      lines: currentLines,
    },
    { name: "progress", about: "steps done out of all, and the current step", lines: progressLines },
    { name: "ready", about: "the steps that can be started now", lines: readyLines },
  ] as const;
  for (const view of views) {
    mol
      .command(view.name)
      .description(view.about)
      .argument("[root]", "the molecule's root (or one of its steps)")
      .option("--json", "print as JSON")
      .action(async (given: string | undefined, options: { json?: boolean }, command: Command) => {
        const context = await rt.context(command);
        const loaded = await loadMolecule(context.town, await rootFor(rt, context, given));
        if (options.json) {
          const data =
            view.name === "progress"
              ? { root: loaded.view.root, ...loaded.view.progress, current: loaded.view.current?.id ?? null }
              : view.name === "ready"
                ? { root: loaded.view.root, ready: loaded.view.ready }
                : loaded.view;
          return rt.printJson(data);
        }
        for (const line of view.lines(loaded.view, rt.style)) rt.print(line);
      });
  }
}

function registerStep(mol: Command, rt: Runtime): void {
  const step = mol.command("step").description("work on one step of a molecule");
  step
    .command("done")
    .description("close a step (a wisp: tick it) and name the next ready one")
    .argument("<step>", "the step's id (or its issue number)")
    .option("--root <root>", "the molecule's root (default GASTOWN_MOLECULE, else the only open one)")
    .option("--force", "close it even though steps it needs are still open")
    .option("--json", "print the result as JSON")
    .action(
      async (id: string, options: { root?: string; force?: boolean; json?: boolean }, command: Command) => {
        if (id.trim() === "")
          throw new UsageError("Name the step to close.", "Write gt mol step done <step-id>.");
        const context = await rt.context(command);
        const root = await rootFor(rt, context, options.root);
        const result = await completeStep(context.town, {
          root,
          step: id,
          ...(options.force ? { force: true } : {}),
        });
        if (options.json) {
          return rt.printJson({
            step: result.step,
            changed: result.changed,
            next: result.next ?? null,
            progress: result.view.progress,
          });
        }
        const name = `${rt.style.bold(stepId(result.step.id))}${result.step.number === undefined ? "" : ` (#${result.step.number})`}`;
        rt.print(result.changed ? `Step ${name} done.` : `Step ${name} was already done.`);
        const { done, total } = result.view.progress;
        if (result.next) {
          const next = result.next;
          const where = next.number === undefined ? "" : ` (#${next.number})`;
          rt.print(
            `Next: ${rt.style.bold(stepId(next.id))}${where} ${truncate(oneLine(next.title), 60)}  ${rt.style.dim(`${done}/${total} done`)}`,
          );
        } else if (done === total) {
          rt.print(
            `All ${total} steps are done. Squash the molecule: bd mol squash ${result.view.root.number}`,
          );
        } else {
          rt.print(
            rt.style.dim(
              `${done}/${total} done; no step is ready yet (gt mol current shows what they wait on).`,
            ),
          );
        }
      },
    );
}

/** Adds `mol pour|wisp|squash|burn|current|progress|ready|step done` to `program` (gt and bd). */
export function registerMolCommands(program: Command, rt: Runtime): void {
  const mol = program
    .command("mol")
    .description("molecules: pour formulas onto GitHub and walk them step by step");
  registerPour(mol, rt);
  registerWisp(mol, rt);
  registerViews(mol, rt);
  registerStep(mol, rt);
  registerFinish(mol, rt);
}
