// Everything a formula author can get wrong is reported as a FormulaError: one or more problems,
// each at file:line:column, each with a hint that says what to write instead.

/** A place in a formula file; lines and columns count from 1 (line 0: the file as a whole). */
export interface Loc {
  file: string;
  line: number;
  column: number;
}

/** Machine-readable kinds of formula problems; callers and tests branch on these. */
export type FormulaErrorCode =
  | "syntax"
  | "unknown-key"
  | "invalid"
  | "missing-var"
  | "unknown-var"
  | "enum"
  | "pattern"
  | "type"
  | "unknown-need"
  | "cycle"
  | "duplicate-id"
  | "expansion-depth"
  | "unknown-formula"
  | "extends-cycle"
  | "wrong-type"
  | "unknown-target"
  | "loop"
  | "condition";

/** One thing wrong with a formula, where it is, and what to do about it. */
export interface FormulaProblem {
  code: FormulaErrorCode;
  loc: Loc;
  message: string;
  hint: string;
}

/** `file:line:column` as editors and terminals link it (just `file` for the file as a whole). */
export function formatLoc(loc: Loc): string {
  return loc.line === 0 ? loc.file : `${loc.file}:${loc.line}:${loc.column}`;
}

/**
 * A bad formula. `message` has one `file:line:col: what is wrong` line per problem; `hint` is the
 * first problem's advice; `problems` has them all.
 */
export class FormulaError extends Error {
  readonly code: FormulaErrorCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly hint: string;
  readonly problems: readonly FormulaProblem[];

  constructor(problems: readonly FormulaProblem[]) {
    const first = problems[0];
    if (first === undefined) throw new TypeError("FormulaError needs at least one problem");
    super(problems.map((p) => `${formatLoc(p.loc)}: ${p.message}`).join("\n"));
    this.name = "FormulaError";
    this.code = first.code;
    this.file = first.loc.file;
    this.line = first.loc.line;
    this.column = first.loc.column;
    this.hint = first.hint;
    this.problems = problems;
  }

  /** Every problem followed by its hint, the way the CLI prints them. */
  describe(): string {
    return this.problems.map((p) => `${formatLoc(p.loc)}: ${p.message}\n  hint: ${p.hint}`).join("\n");
  }
}

/** Throws a FormulaError with a single problem. */
export function fail(code: FormulaErrorCode, loc: Loc, message: string, hint: string): never {
  throw new FormulaError([{ code, loc, message, hint }]);
}

/** Collects problems during one phase so an author sees all of them at once. */
export class ProblemList {
  readonly items: FormulaProblem[] = [];

  add(code: FormulaErrorCode, loc: Loc, message: string, hint: string): void {
    this.items.push({ code, loc, message, hint });
  }

  /** Throws when anything was collected. */
  throwIfAny(): void {
    if (this.items.length > 0) throw new FormulaError(this.items);
  }
}

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The closest candidate within a typo's reach, or undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `Did you mean "x"? ` when a close candidate exists, else the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const guess = closest(word, candidates);
  return guess === undefined ? "" : `Did you mean "${guess}"? `;
}

/** Lists names for a hint, shortening long lists. */
export function listNames(names: readonly string[], max = 12): string {
  if (names.length <= max) return names.join(", ");
  return `${names.slice(0, max).join(", ")}, … (${names.length - max} more)`;
}

/** A cycle as `a → b → a`. */
export function formatCycle(ids: readonly string[]): string {
  return ids.join(" → ");
}
