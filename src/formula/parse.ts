// Formula files in, the checked model out: `*.formula.toml` through smol-toml,
// `*.formula.json` through a positional JSON reader; both validated by the zod schema, with every
// problem reported at file:line:column.
import { parse as parseToml, TomlError } from "smol-toml";
import { fail, FormulaError, type Loc } from "./errors.ts";
import { mapTomlSource, parseJsonSource, type PathSegment, type SourceMap } from "./locate.ts";
import type { Formula } from "./model.ts";
import { normalizeFormula } from "./normalize.ts";
import { FormulaSchema } from "./schema.ts";
import { problemsFromIssues } from "./zod-issues.ts";

export interface ParseFormulaInput {
  /** The file's text. */
  source: string;
  /** The file's path, used in messages and to tell JSON (`.json`) from TOML. */
  path: string;
}

/** The two file names a formula may have. */
export function formulaFileNames(name: string): [string, string] {
  return [`${name}.formula.toml`, `${name}.formula.json`];
}

/** The formula name a file name implies (`shiny.formula.toml` → `shiny`), or undefined. */
export function formulaNameOfFile(fileName: string): string | undefined {
  const base = fileName.slice(fileName.lastIndexOf("/") + 1);
  const match = /^(.+)\.formula\.(?:toml|json)$/.exec(base);
  return match?.[1];
}

function readDocument(source: string, path: string): { raw: unknown; map: SourceMap } {
  if (path.endsWith(".json")) {
    const result = parseJsonSource(source);
    if (!result.ok) {
      fail(
        "syntax",
        { file: path, ...result.error.position },
        `JSON syntax error: ${result.error.message}`,
        "Fix the JSON here: keys and strings in double quotes, a comma between entries and none after the last.",
      );
    }
    return { raw: result.value, map: result.map };
  }
  try {
    const raw = parseToml(source);
    return { raw, map: mapTomlSource(source) };
  } catch (error: unknown) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split("\n")[0]!.replace(/^Invalid TOML document:\s*/, "");
    return fail(
      "syntax",
      { file: path, line: error.line, column: error.column },
      `TOML syntax error: ${reason}`,
      'Fix the TOML here: strings in quotes ("..."), lists as [a, b], tables as [name] or [[name]], one key = value per line.',
    );
  }
}

/**
 * Parses and checks one formula file. Throws a FormulaError naming file:line:column and what to
 * write instead for syntax errors, unknown keys (with a did-you-mean), wrong types, and rules
 * the format imposes (a var both required and defaulted, duplicate step ids, ...).
 */
export function parseFormula({ source, path }: ParseFormulaInput): Formula {
  const { raw, map } = readDocument(source, path);
  const at = (segments: readonly PathSegment[]): Loc => ({ file: path, ...map.locate(segments) });
  const checked = FormulaSchema.safeParse(raw);
  if (!checked.success) {
    const problems = problemsFromIssues(checked.error.issues, raw, at);
    problems.sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column);
    throw new FormulaError(problems);
  }
  return normalizeFormula(checked.data, at, path);
}
