// Shared helpers for the formula tests: parse or cook inline TOML, catch FormulaErrors, and
// source the built-ins and the broken fixtures from disk.
import { readFileSync } from "node:fs";
import {
  cookFormula,
  createDirectorySource,
  createMemorySource,
  FormulaError,
  type Formula,
  type FormulaSource,
  parseFormula,
  type Protomolecule,
} from "../../src/formula/index.ts";

export const BUILTIN_DIR = "formulas";
export const BAD_DIR = "test/fixtures/formulas/bad";

export const builtinSources: FormulaSource[] = [
  createDirectorySource({ dir: BUILTIN_DIR, label: "built-in" }),
];
export const badSources: FormulaSource[] = [
  createDirectorySource({ dir: BAD_DIR, label: "fixtures" }),
  ...builtinSources,
];

/** Parses inline formula text as `test.formula.toml` (or the given path). */
export function parse(source: string, path = "test.formula.toml"): Formula {
  return parseFormula({ source, path });
}

/** Reads a fixture file's text. */
export function fixture(name: string): { source: string; path: string } {
  const path = `${BAD_DIR}/${name}`;
  return { source: readFileSync(path, "utf8"), path };
}

/** Cooks inline TOML; `library` adds other formulas by name (file text keyed by formula name). */
export async function cook(
  source: string,
  options: { vars?: Record<string, string>; library?: Record<string, string> } = {},
): Promise<Protomolecule> {
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(options.library ?? {})) files[`lib/${name}.formula.toml`] = text;
  const sources = [createMemorySource({ label: "test", files }), ...builtinSources];
  const formula = parse(source);
  return options.vars === undefined
    ? cookFormula({ formula, sources })
    : cookFormula({ formula, sources, vars: options.vars });
}

/** The FormulaError a function throws; fails the test when it throws nothing or something else. */
export function formulaErrorOf(fn: () => unknown): FormulaError {
  try {
    fn();
  } catch (error: unknown) {
    if (error instanceof FormulaError) return error;
    throw error;
  }
  throw new Error("expected a FormulaError, but nothing was thrown");
}

/** The FormulaError a promise rejects with. */
export async function rejection(promise: Promise<unknown>): Promise<FormulaError> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof FormulaError) return error;
    throw error;
  }
  throw new Error("expected a FormulaError, but the promise resolved");
}

/** `id<-need,need` per step, for compact graph assertions. */
export function shape(proto: Protomolecule): string[] {
  return proto.steps.map((step) =>
    step.needs.length === 0 ? step.id : `${step.id}<-${step.needs.join(",")}`,
  );
}
