// Finding and cooking the formula a command names: a name is looked up in the sources (the
// repo's formula directories, then the built-ins); a path (`./x.formula.toml`) is read from disk,
// and the formulas it refers to come from the sources. Formula mistakes surface as FormulaError.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  cookFormula,
  type Formula,
  type FormulaSource,
  loadFormula,
  parseFormula,
  type Protomolecule,
  type ResolvedFormula,
} from "../../formula/index.ts";
import { GastownError } from "../../model/errors.ts";

/** True when a command's formula argument is a file path rather than a formula name. */
export function isFormulaPath(ref: string): boolean {
  return /[/\\]/.test(ref) || /\.(?:toml|json)$/.test(ref);
}

/** The formula a command names, parsed, with where it came from. */
export async function findFormula(params: {
  ref: string;
  sources: readonly FormulaSource[];
  /** Resolves relative paths (default: the process's working directory). */
  cwd?: string;
}): Promise<{ formula: Formula | ResolvedFormula; path: string; source: string }> {
  const { ref, sources } = params;
  if (!isFormulaPath(ref)) {
    const resolved = await loadFormula(ref, { sources });
    return { formula: resolved, path: resolved.path, source: resolved.source };
  }
  const path = resolve(params.cwd ?? ".", ref);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error: unknown) {
    const code = (error as { code?: unknown } | null)?.code;
    throw new GastownError(
      `Cannot read formula file ${ref}${typeof code === "string" ? ` (${code})` : ""}.`,
      {
        code: "not-found",
        hint: "Check the path, or name a formula instead (gt formula list shows them).",
        cause: error,
      },
    );
  }
  return { formula: parseFormula({ source: text, path: ref }), path: ref, source: "file" };
}

/**
 * Finds and cooks a formula. Without `vars` the cook is in compile mode (`{{vars}}` kept); with
 * them (even none) in runtime mode, as pouring needs.
 */
export async function cookNamedFormula(params: {
  ref: string;
  sources: readonly FormulaSource[];
  vars?: Readonly<Record<string, string>>;
  cwd?: string;
}): Promise<{ proto: Protomolecule; path: string; source: string }> {
  const found = await findFormula(params);
  const proto = await cookFormula({
    formula: found.formula,
    sources: params.sources,
    ...(params.vars === undefined ? {} : { vars: params.vars }),
  });
  return { proto, path: found.path, source: found.source };
}
