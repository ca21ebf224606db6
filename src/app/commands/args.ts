// Argument helpers shared by the command parsers: options with values (`--formula F`,
// `--formula=F`), repeatable `--var key=value`, bead refs and names. Each helper throws a
// UsageProblem that the parser turns into a CommandError carrying the usage line.
import { type BeadRef, parseBeadRef } from "../../model/bead-ref.ts";
import { IDENTIFIER } from "../../formula/schema.ts";
import type { Lexer, Token } from "./tokenize.ts";
import { closestMatch } from "./suggest.ts";

/** What is wrong with one command's arguments, and (optionally) a better hint than the usage. */
export class UsageProblem extends Error {
  readonly hint: string | null;

  constructor(message: string, hint: string | null = null) {
    super(message);
    this.name = "UsageProblem";
    this.hint = hint;
  }
}

/** An option a command accepts. */
export interface OptionSpec {
  /** `--formula`; short aliases such as `-f` go in `aliases`. */
  name: string;
  aliases?: readonly string[];
  /** True when the option takes a value (`--formula F` or `--formula=F`). */
  takesValue: boolean;
  /** True when it may be given more than once (`--var`). */
  repeatable?: boolean;
}

/** Positionals and options read from a command's words. */
export interface ReadArgs {
  positionals: Token[];
  /** Option name → the values given (for switches, one empty string per use). */
  options: Map<string, string[]>;
}

const looksLikeOption = (token: Token): boolean =>
  !token.quoted && /^--?[A-Za-z]/.test(token.value) && !/^-\d/.test(token.value);

/** Reads every remaining word; `--` makes the rest positional. */
export function readArgs(lexer: Lexer, specs: readonly OptionSpec[]): ReadArgs {
  const positionals: Token[] = [];
  const options = new Map<string, string[]>();
  let onlyPositionals = false;
  for (let token = lexer.next(); token; token = lexer.next()) {
    if (onlyPositionals || !looksLikeOption(token)) {
      if (!token.quoted && token.value === "--" && !onlyPositionals) onlyPositionals = true;
      else positionals.push(token);
      continue;
    }
    const eq = token.value.indexOf("=");
    const written = eq === -1 ? token.value : token.value.slice(0, eq);
    const spec = specs.find((s) => s.name === written || s.aliases?.includes(written));
    if (!spec) {
      const known = specs.flatMap((s) => [s.name, ...(s.aliases ?? [])]);
      const guess = closestMatch(written, known);
      throw new UsageProblem(
        `unknown option ${written}`,
        guess
          ? `Did you mean ${guess}?`
          : known.length > 0
            ? `Options here: ${specs.map((s) => s.name).join(", ")}.`
            : "This command takes no options.",
      );
    }
    let value = "";
    if (spec.takesValue) {
      if (eq !== -1) value = token.value.slice(eq + 1);
      else {
        const next = lexer.next();
        if (!next || looksLikeOption(next)) throw new UsageProblem(`${spec.name} needs a value`);
        value = next.value;
      }
    } else if (eq !== -1) {
      throw new UsageProblem(`${spec.name} takes no value`, `Write ${spec.name} on its own.`);
    }
    const seen = options.get(spec.name) ?? [];
    if (seen.length > 0 && !spec.repeatable) {
      throw new UsageProblem(`${spec.name} is given twice`, `Give ${spec.name} once.`);
    }
    options.set(spec.name, [...seen, value]);
  }
  return { positionals, options };
}

/** `--var` values as a record; each must be `key=value` with an identifier key, each key once. */
export function parseVars(values: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const item of values) {
    const eq = item.indexOf("=");
    if (eq <= 0) {
      throw new UsageProblem(
        `--var needs key=value (got "${item}")`,
        'Write --var key=value, quoting values with spaces: --var title="Fix login".',
      );
    }
    const key = item.slice(0, eq);
    if (!IDENTIFIER.test(key)) {
      throw new UsageProblem(
        `--var name "${key}" is not a variable name`,
        "Name variables with letters, digits and _, not starting with a digit.",
      );
    }
    if (Object.hasOwn(vars, key)) {
      throw new UsageProblem(`--var ${key} is given twice`, `Give each variable once.`);
    }
    vars[key] = item.slice(eq + 1);
  }
  return vars;
}

/** True for the forms people use to point at an issue: `#12`, `12`, `owner/repo#12`, a URL. */
export function looksLikeBeadRef(text: string): boolean {
  return /^#?\d+$/.test(text) || /^[^\s#/]+\/[^\s#/]+#\d+$/.test(text) || /^https?:\/\//i.test(text);
}

/** A bead ref (`#12`, `owner/repo#12`, an issue URL, or a prefix form `gt-12`). */
export function readBeadRef(text: string): BeadRef {
  const parsed = parseBeadRef(text);
  if (!parsed.ok) throw new UsageProblem(`"${text}" is not a bead`, parsed.error.hint);
  return parsed.value;
}

/** Fails when anything is left in `positionals`. */
export function expectNoMore(positionals: readonly Token[], from = 0): void {
  const extra = positionals[from];
  if (extra) throw new UsageProblem(`unexpected "${extra.value}"`);
}

/** A GitHub login: `@alice` or `alice`. */
export function readLogin(text: string): string {
  const match = /^@?([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})$/.exec(text);
  if (!match) {
    throw new UsageProblem(`"${text}" is not a GitHub user`, "Write a GitHub login such as @alice.");
  }
  return match[1] as string;
}
