// Finding formulas by name. Sources are searched in order and the first hit wins, so a repo's
// `.github/gastown/formulas/shiny.formula.toml` shadows the built-in `shiny`. A source is any
// reader of files (the filesystem, GitHub's contents API, a test's memory), so this module does
// no I/O of its own.
import { didYouMean, FormulaError, fail, listNames, type Loc } from "./errors.ts";
import type { Formula, FormulaLibrary, FormulaStep, NameRef } from "./model.ts";
import { formulaFileNames, formulaNameOfFile, parseFormula } from "./parse.ts";

/** Where a repository keeps its own formulas, searched in this order before the built-ins. */
export const REPO_FORMULA_DIRS = [".github/gastown/formulas", ".beads/formulas"] as const;

/** A formula file's text and the path to report it under. */
export interface FormulaFile {
  path: string;
  text: string;
}

/** A formula and where it lives, as a listing shows it. */
export interface FormulaEntry {
  name: string;
  path: string;
}

/** A place formulas are read from. */
export interface FormulaSource {
  /** Where, for messages and listings: `.github/gastown/formulas`, `built-in`. */
  readonly label: string;
  /** The formula's file (`<name>.formula.toml`, else `.json`), or undefined. */
  read(name: string): Promise<FormulaFile | undefined>;
  /** Every formula the source holds. */
  list(): Promise<FormulaEntry[]>;
}

export interface ReaderSourceOptions {
  label: string;
  /** The directory the files are in, joined to file names with "/". */
  dir: string;
  /** The file's text, or undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  /** The file names in `dir` (others than formulas are ignored). */
  listFiles(): Promise<string[]>;
}

function join(dir: string, file: string): string {
  return dir === "" || dir === "." ? file : `${dir.replace(/\/+$/, "")}/${file}`;
}

/** A source over any file reader (the filesystem, GitHub contents, ...). */
export function createReaderSource(options: ReaderSourceOptions): FormulaSource {
  return {
    label: options.label,
    async read(name) {
      for (const fileName of formulaFileNames(name)) {
        const path = join(options.dir, fileName);
        const text = await options.readText(path);
        if (text !== undefined) return { path, text };
      }
      return undefined;
    },
    async list() {
      const entries = new Map<string, FormulaEntry>();
      for (const fileName of (await options.listFiles()).sort()) {
        const name = formulaNameOfFile(fileName);
        // TOML sorts before JSON and is tried first by read(), so it is the one listed.
        if (name !== undefined && !entries.has(name))
          entries.set(name, { name, path: join(options.dir, fileName) });
      }
      return [...entries.values()];
    },
  };
}

/** A source over files held in memory, keyed by path (`formulas/x.formula.toml`). */
export function createMemorySource(options: {
  label: string;
  files: Readonly<Record<string, string>>;
}): FormulaSource {
  const byName = new Map<string, FormulaFile>();
  for (const [path, text] of Object.entries(options.files).sort(([a], [b]) => a.localeCompare(b))) {
    const name = formulaNameOfFile(path);
    if (name !== undefined && !byName.has(name)) byName.set(name, { path, text });
  }
  return {
    label: options.label,
    read: async (name) => byName.get(name),
    list: async () => [...byName].map(([name, file]) => ({ name, path: file.path })),
  };
}

/** A formula loaded by name, with every formula it refers to. */
export interface ResolvedFormula {
  name: string;
  path: string;
  /** The label of the source it came from. */
  source: string;
  formula: Formula;
  /** It and every formula it refers to, transitively: parents, expansions, aspects. */
  library: FormulaLibrary;
}

/** One formula in a listing: the source that wins and any it shadows. */
export interface FormulaListing extends FormulaEntry {
  source: string;
  /** Labels of later sources that hold a formula of the same name. */
  shadows: string[];
}

/** Every formula the sources hold, by name, the first source winning. */
export async function listFormulas(sources: readonly FormulaSource[]): Promise<FormulaListing[]> {
  const listings = new Map<string, FormulaListing>();
  for (const source of sources) {
    for (const entry of await source.list()) {
      const existing = listings.get(entry.name);
      if (existing === undefined) listings.set(entry.name, { ...entry, source: source.label, shadows: [] });
      else existing.shadows.push(source.label);
    }
  }
  return [...listings.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function stepRefs(steps: readonly FormulaStep[], out: NameRef[]): void {
  for (const step of steps) {
    if (step.expand !== undefined) out.push(step.expand);
    stepRefs(step.children, out);
    if (step.loop !== undefined) stepRefs(step.loop.body, out);
  }
}

/** The other formulas a formula names: parents, expansions and aspects. */
export function referencesOf(formula: Formula): NameRef[] {
  const out: NameRef[] = [...formula.extends];
  stepRefs(formula.steps, out);
  stepRefs(formula.template, out);
  for (const advice of formula.advice) stepRefs([...advice.before, ...advice.after], out);
  for (const rule of formula.compose.expand) out.push(rule.with);
  for (const rule of formula.compose.map) out.push(rule.with);
  out.push(...formula.compose.aspects);
  return out;
}

async function find(
  name: string,
  sources: readonly FormulaSource[],
): Promise<{ file: FormulaFile; source: FormulaSource } | undefined> {
  for (const source of sources) {
    const file = await source.read(name);
    if (file !== undefined) return { file, source };
  }
  return undefined;
}

async function notFound(name: string, loc: Loc, sources: readonly FormulaSource[]): Promise<never> {
  const names = (await listFormulas(sources)).map((listing) => listing.name);
  const where =
    sources.length === 0
      ? "no formula sources were given"
      : `looked in ${sources.map((s) => s.label).join(", ")}`;
  return fail(
    "unknown-formula",
    loc,
    `unknown formula "${name}" (${where})`,
    `${didYouMean(name, names)}Add ${name}.formula.toml to .github/gastown/formulas/${
      names.length > 0 ? `, or use one of: ${listNames(names)}` : ""
    }.`,
  );
}

function parseNamed(name: string, file: FormulaFile): Formula {
  const formula = parseFormula({ source: file.text, path: file.path });
  if (formula.name !== name) {
    throw new FormulaError([
      {
        code: "invalid",
        loc: formula.loc,
        message: `${file.path} declares formula "${formula.name}", but its file name says "${name}"`,
        hint: `Write formula = "${name}", or rename the file to ${formula.name}.formula.toml.`,
      },
    ]);
  }
  return formula;
}

/** Loads every formula `formula` refers to, transitively, into a library (with `formula` itself). */
export async function loadLibrary(
  formula: Formula,
  sources: readonly FormulaSource[],
): Promise<Map<string, Formula>> {
  const library = new Map<string, Formula>([[formula.name, formula]]);
  const queue = referencesOf(formula);
  for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
    if (library.has(ref.name)) continue;
    const found = await find(ref.name, sources);
    if (found === undefined) return notFound(ref.name, ref.loc, sources);
    const loaded = parseNamed(ref.name, found.file);
    library.set(ref.name, loaded);
    queue.push(...referencesOf(loaded));
  }
  return library;
}

/**
 * Finds a formula by name in the sources (first hit wins), parses it and loads everything it
 * refers to. Throws a FormulaError when it or a formula it names is missing or bad.
 */
export async function loadFormula(
  name: string,
  options: { sources: readonly FormulaSource[] },
): Promise<ResolvedFormula> {
  const found = await find(name, options.sources);
  if (found === undefined)
    return notFound(name, { file: `${name}.formula.toml`, line: 0, column: 0 }, options.sources);
  const formula = parseNamed(name, found.file);
  const library = await loadLibrary(formula, options.sources);
  return { name, path: found.file.path, source: found.source.label, formula, library };
}
