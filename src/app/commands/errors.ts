// A command that cannot run as written: what is wrong, and the usage line (or the closest command
// for a name we do not know). It is a GastownError, so every caller that already prints
// `message` and `hint` shows it well; the extra fields let a reply format it richly.
import { GastownError } from "../../model/errors.ts";
import type { CommandName } from "./types.ts";

export interface CommandErrorOptions {
  /** The command, when the name was known. */
  command: CommandName | null;
  /** The name as typed (without the slash). */
  typed: string;
  /** Every usage line of the command, when the name was known. */
  usage: string | null;
  /** The closest known command, when the name was not known and one is close. */
  suggestion: CommandName | null;
  hint: string;
}

/** A slash command that was recognised as one but cannot be run as written. */
export class CommandError extends GastownError {
  readonly command: CommandName | null;
  readonly typed: string;
  readonly usage: string | null;
  readonly suggestion: CommandName | null;

  constructor(message: string, options: CommandErrorOptions) {
    super(message, { code: "bad-input", hint: options.hint });
    this.name = "CommandError";
    this.command = options.command;
    this.typed = options.typed;
    this.usage = options.usage;
    this.suggestion = options.suggestion;
  }
}
