// `gt formula list|show|cook`: the formulas a checkout can use (its `.github/gastown/formulas/`
// and `.beads/formulas/`, then the built-ins; `--remote` reads the repository on GitHub instead),
// a formula's vars and step DAG, and the cooked protomolecule. A bad formula exits 1 with every
// problem at file:line:col and what to write instead.
import type { Command } from "commander";
import {
  FormulaError,
  type FormulaSource,
  formatLoc,
  listFormulas,
  parseFormula,
  renderMermaid,
} from "../../formula/index.ts";
import { githubFormulaSources, localFormulaSources } from "../../town/formula-sources.ts";
import { cookNamedFormula } from "../../town/molecule/cook.ts";
import { collect, UsageError } from "../args.ts";
import type { Runtime } from "../runtime.ts";
import { formulaLines, formulaListLines } from "./molecule-format.ts";

/** `--var name=value` options as a record; a malformed one is a usage error. */
export function parseVarOptions(values: readonly string[] | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const text of values ?? []) {
    const match = /^([^=]+)=(.*)$/s.exec(text);
    const name = match?.[1]?.trim();
    if (!match || !name) {
      throw new UsageError(`--var "${text}" is not name=value.`, 'Write it as --var feature="dark mode".');
    }
    vars[name] = match[2] as string;
  }
  return vars;
}

/**
 * Runs a command, reporting a FormulaError the compiler way: one `error: file:line:col: …` and
 * `hint: …` pair per problem on stderr, exit code 1.
 */
export async function reportingFormulaErrors(rt: Runtime, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error: unknown) {
    if (!(error instanceof FormulaError)) throw error;
    for (const problem of error.problems) {
      rt.note(`error: ${formatLoc(problem.loc)}: ${problem.message}`);
      rt.note(`hint: ${problem.hint}`);
    }
    rt.exitCode = 1;
  }
}

interface SourceOptions {
  remote?: boolean;
}

/** The formula search path: the checkout's directories (or the repo's on GitHub), then built-ins. */
export async function formulaSources(
  rt: Runtime,
  command: Command,
  options: SourceOptions,
): Promise<FormulaSource[]> {
  if (!options.remote) return localFormulaSources(rt.host.cwd);
  const context = await rt.context(command);
  return githubFormulaSources(context.town);
}

async function describeListing(source: FormulaSource | undefined, name: string) {
  const file = await source?.read(name);
  if (file === undefined) return {};
  try {
    const formula = parseFormula({ source: file.text, path: file.path });
    return {
      type: formula.type ?? "workflow",
      ...(formula.version === undefined ? {} : { version: formula.version }),
      ...(formula.description === undefined
        ? {}
        : { description: formula.description.trim().split("\n")[0] }),
    };
  } catch (error: unknown) {
    if (error instanceof FormulaError) return { error: error.message.split("\n")[0] as string };
    throw error;
  }
}

function registerList(formula: Command, rt: Runtime): void {
  formula
    .command("list")
    .description("the formulas this repository can pour: its own first, then the built-ins")
    .option("--remote", "read the repository's formulas on GitHub instead of the checkout")
    .option("--json", "print as JSON")
    .action(async (options: SourceOptions & { json?: boolean }, command: Command) => {
      const sources = await formulaSources(rt, command, options);
      const listings = await listFormulas(sources);
      const described = [];
      for (const listing of listings) {
        const source = sources.find((candidate) => candidate.label === listing.source);
        described.push({ ...listing, ...(await describeListing(source, listing.name)) });
      }
      if (options.json) return rt.printJson(described);
      for (const line of formulaListLines(described, rt.style)) rt.print(line);
    });
}

function graphFormat(value: string | boolean | undefined): "ascii" | "mermaid" | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === "ascii") return "ascii";
  if (value === "mermaid") return "mermaid";
  throw new UsageError(
    `--graph ${value} is not a graph format.`,
    "Write --graph (text), or --graph mermaid.",
  );
}

function registerShow(formula: Command, rt: Runtime): void {
  formula
    .command("show")
    .description("a formula's vars and steps; --graph draws its step DAG")
    .argument("<name>", "the formula's name, or a path to a .formula.toml / .formula.json file")
    .option("--graph [format]", "draw the step DAG: text (default) or mermaid")
    .option("--remote", "read the repository's formulas on GitHub instead of the checkout")
    .option("--json", "print as JSON")
    .action(
      async (name: string, options: SourceOptions & { graph?: string | boolean; json?: boolean }, command) =>
        reportingFormulaErrors(rt, async () => {
          const graph = graphFormat(options.graph);
          const sources = await formulaSources(rt, command, options);
          const { proto, path, source } = await cookNamedFormula({ ref: name, sources, cwd: rt.host.cwd });
          if (options.json) {
            return rt.printJson({ source, path, ...proto, mermaid: renderMermaid(proto) });
          }
          if (graph === "mermaid") return rt.print(renderMermaid(proto).trimEnd());
          for (const line of formulaLines(proto, `${source}: ${path}`, rt.style, graph === "ascii"))
            rt.print(line);
        }),
    );
}

function registerCook(formula: Command, rt: Runtime): void {
  formula
    .command("cook")
    .description("cook a formula into its protomolecule: the flat, checked step DAG a pour creates")
    .argument("<formula>", "the formula's name, or a path to a .formula.toml / .formula.json file")
    .option("--var <name=value>", "a var's value (repeatable); any --var cooks in runtime mode", collect)
    .option("--mode <mode>", "compile (keep {{vars}}) or runtime (substitute; required vars needed)")
    .option("--remote", "read the repository's formulas on GitHub instead of the checkout")
    .option("--json", "print the protomolecule as JSON")
    .action(
      async (
        name: string,
        options: SourceOptions & { var?: string[]; mode?: string; json?: boolean },
        command: Command,
      ) =>
        reportingFormulaErrors(rt, async () => {
          if (options.mode !== undefined && options.mode !== "compile" && options.mode !== "runtime") {
            throw new UsageError(
              `--mode ${options.mode} is not a cook mode.`,
              "Write --mode compile or --mode runtime.",
            );
          }
          if (options.mode === "compile" && options.var !== undefined) {
            throw new UsageError(
              "--var values cannot be used in compile mode.",
              "Drop --mode compile, or the --var options.",
            );
          }
          const vars = parseVarOptions(options.var);
          const runtime = options.var !== undefined || options.mode === "runtime";
          const sources = await formulaSources(rt, command, options);
          const { proto, path, source } = await cookNamedFormula({
            ref: name,
            sources,
            cwd: rt.host.cwd,
            ...(runtime ? { vars } : {}),
          });
          if (options.json) return rt.printJson(proto);
          for (const line of formulaLines(proto, `${source}: ${path}`, rt.style, true)) rt.print(line);
          if (proto.mode === "runtime") {
            rt.print(rt.style.dim(`\nPour it with: bd mol pour ${name}${varFlags(vars)}`));
          }
        }),
    );
}

function varFlags(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([key, value]) => ` --var ${JSON.stringify(`${key}=${value}`)}`)
    .join("");
}

/** Adds `formula list|show|cook` to `program` (gt). */
export function registerFormulaCommands(program: Command, rt: Runtime): void {
  const formula = program.command("formula").description("formulas: list, show and cook workflow templates");
  registerList(formula, rt);
  registerShow(formula, rt);
  registerCook(formula, rt);
}
