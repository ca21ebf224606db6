// From a comment body to typed commands: find the command lines (scan.ts), split each one's
// arguments like a shell (tokenize.ts), and check them against the command's usage. Every
// command line yields either a command or a CommandError that says what is wrong and shows the
// usage; nothing here throws on user input.
import { fail, ok, type Result } from "../../model/errors.ts";
import { UsageProblem } from "./args.ts";
import { usageOf } from "./catalog.ts";
import { CommandError } from "./errors.ts";
import { PARSERS } from "./parsers.ts";
import { type CommandLine, scanCommandLines } from "./scan.ts";
import { closestMatch } from "./suggest.ts";
import { Lexer, TokenizeError } from "./tokenize.ts";
import { COMMAND_NAMES, type CommandName, isCommandName, type SlashCommand } from "./types.ts";

/** At most this many commands run from one comment; the rest are reported, not run. */
export const MAX_COMMANDS_PER_COMMENT = 10;

/** One command line of a comment and what came of parsing it. */
export type CommandOutcome =
  | { ok: true; line: number; source: string; command: SlashCommand }
  | { ok: false; line: number; source: string; error: CommandError };

/** Every slash command in a comment body, in order, parsed or with its error. */
export function parseComment(body: string): CommandOutcome[] {
  const lines = scanCommandLines(body);
  const outcomes = lines.slice(0, MAX_COMMANDS_PER_COMMENT).map(parseCommandLine);
  const extra = lines[MAX_COMMANDS_PER_COMMENT];
  if (extra) {
    const skipped = lines.length - MAX_COMMANDS_PER_COMMENT;
    outcomes.push({
      ok: false,
      line: extra.line,
      source: extra.source,
      error: new CommandError(
        `This comment has ${lines.length} commands; only the first ${MAX_COMMANDS_PER_COMMENT} were read (${skipped} skipped).`,
        {
          command: null,
          typed: extra.name,
          usage: null,
          suggestion: null,
          hint: `Split the rest into another comment, at most ${MAX_COMMANDS_PER_COMMENT} commands each.`,
        },
      ),
    });
  }
  return outcomes;
}

/** Parses one command written on its own (`/sling --force`), e.g. from a test or the CLI. */
export function parseCommand(text: string): Result<SlashCommand> {
  const [line] = scanCommandLines(text);
  if (!line) {
    return fail(
      new CommandError(`"${text.trim()}" is not a slash command.`, {
        command: null,
        typed: text.trim(),
        usage: null,
        suggestion: null,
        hint: "Start the line with a slash and a command name, such as /help.",
      }),
    );
  }
  const outcome = parseCommandLine(line);
  return outcome.ok ? ok(outcome.command) : fail(outcome.error);
}

function parseCommandLine(line: CommandLine): CommandOutcome {
  const where = { line: line.line, source: line.source };
  if (!isCommandName(line.name)) return { ok: false, ...where, error: unknownCommandError(line.name) };
  const name = line.name;
  try {
    return { ok: true, ...where, command: PARSERS[name](new Lexer(line.args), line.following) };
  } catch (error: unknown) {
    if (error instanceof UsageProblem) return { ok: false, ...where, error: usageError(name, error) };
    if (error instanceof TokenizeError) {
      const snippet = line.args.slice(error.offset, error.offset + 16);
      const problem = new UsageProblem(
        `the quote at \`${snippet}\` is never closed`,
        'Close the quote, or put a backslash before a quote you mean literally (\\").',
      );
      return { ok: false, ...where, error: usageError(name, problem) };
    }
    throw error;
  }
}

/** The error for `/name` when the name is not a command: the closest command, and /help. */
export function unknownCommandError(typed: string): CommandError {
  const suggestion = closestMatch(typed, COMMAND_NAMES) as CommandName | null;
  const list = COMMAND_NAMES.map((n) => `/${n}`).join(", ");
  return new CommandError(`/${typed} is not a Gas Town command.`, {
    command: null,
    typed,
    usage: null,
    suggestion,
    hint: suggestion
      ? `Did you mean /${suggestion}? The commands are: ${list}.`
      : `The commands are: ${list}. Write /help for what each does.`,
  });
}

function usageError(name: CommandName, problem: UsageProblem): CommandError {
  const usage = usageOf(name);
  const oneLine = usage.split("\n").join(" or ");
  return new CommandError(`/${name}: ${problem.message}.`, {
    command: name,
    typed: name,
    usage,
    suggestion: null,
    hint: problem.hint ?? `Write it as ${oneLine}.`,
  });
}
