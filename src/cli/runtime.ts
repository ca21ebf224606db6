// What every command gets: printing (sanitized, redacted, coloured only on a terminal), JSON
// output, stdin, and the repository context, resolved on first use so `--help` and usage errors
// need no token.
import type { Command } from "commander";
import type { BeadRef } from "../model/bead-ref.ts";
import { redactSecrets } from "../model/redact.ts";
import { parseRef } from "./args.ts";
import { type CliContext, type CliHost, type GlobalOptions, prefixOf, resolveContext } from "./context.ts";
import type { Style } from "./text.ts";

export interface Runtime {
  host: CliHost;
  /** Styles for stdout (plain unless stdout is a colour terminal). */
  style: Style;
  /** Writes a line to stdout. Callers sanitize GitHub text; secrets are redacted here. */
  print(text?: string): void;
  /** Writes a value as indented JSON to stdout. */
  printJson(value: unknown): void;
  /** Writes a line to stderr. */
  note(text: string): void;
  /** Everything on stdin (for `--stdin`). */
  readStdin(): Promise<string>;
  /** The repository, token and town, from the command's global options. */
  context(command: Command): Promise<CliContext>;
  /** Parses bead ids (a malformed one is a usage error). */
  refs(texts: readonly string[]): BeadRef[];
  /** The exit code when the command ends without an error (default 0). */
  exitCode: number;
}

/** JSON for maps and sets too (dependency graphs hold maps). */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

export interface RuntimeParts {
  host: CliHost;
  style: Style;
  writeOut(text: string): void;
  writeErr(text: string): void;
  readStdin(): Promise<string>;
  /** Secrets to redact from everything written; the token is added once known. */
  secrets: string[];
}

export function createRuntime(parts: RuntimeParts): Runtime {
  const clean = (text: string) => redactSecrets(text, parts.secrets);
  let context: Promise<CliContext> | undefined;
  return {
    host: parts.host,
    style: parts.style,
    exitCode: 0,
    print(text = "") {
      parts.writeOut(`${clean(text)}\n`);
    },
    printJson(value) {
      parts.writeOut(`${clean(JSON.stringify(value, jsonReplacer, 2))}\n`);
    },
    note(text) {
      parts.writeErr(`${clean(text)}\n`);
    },
    readStdin: parts.readStdin,
    context(command) {
      context ??= resolveContext(parts.host, command.optsWithGlobals<GlobalOptions>()).then((resolved) => {
        parts.secrets.push(resolved.token);
        return resolved;
      });
      return context;
    },
    refs(texts) {
      const prefix = prefixOf(parts.host);
      return texts.map((text) => parseRef(text, prefix));
    },
  };
}
