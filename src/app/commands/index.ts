// Slash commands: find them in a comment, parse them into typed commands, say how to use them.
export {
  COMMAND_SPECS,
  commandSpec,
  isMutating,
  usageOf,
  type CommandForm,
  type CommandSpec,
} from "./catalog.ts";
export { CommandError } from "./errors.ts";
export { renderCommandError, renderCommandHelp, renderHelp } from "./help.ts";
export {
  MAX_COMMANDS_PER_COMMENT,
  parseCommand,
  parseComment,
  unknownCommandError,
  type CommandOutcome,
} from "./parse.ts";
export { mentions, proseLines, scanCommandLines, type CommandLine } from "./scan.ts";
export { closestMatch, editDistance } from "./suggest.ts";
export { Lexer, tokenize, TokenizeError, type Token } from "./tokenize.ts";
export * from "./types.ts";
