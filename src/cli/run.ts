// Runs `gt` or `bd` in-process: builds the commander program, parses argv, and turns every
// outcome into an exit code and text. 0 ok; 1 failure (`error: …` then `hint: …`); 2 usage.
// The binaries call this with the real process; tests call it with an injected environment and
// read what was written. Nothing printed ever contains the token.
import { Command, CommanderError } from "commander";
import packageJson from "../../package.json" with { type: "json" };
import type { Logger } from "../log.ts";
import { isGastownError } from "../model/errors.ts";
import { redactSecrets } from "../model/redact.ts";
import { UsageError } from "./args.ts";
import { registerBdCommands } from "./bd-commands.ts";
import { registerCompletion } from "./completion.ts";
import type { CliHost, Env } from "./context.ts";
import { registerGtCommands } from "./gt-commands.ts";
import { outboxPath, registerBdOutboxCommands, registerGtOutboxCommands } from "./outbox-mode.ts";
import { createRuntime, type Runtime } from "./runtime.ts";
import { oneLine, styleFor, wantsColour } from "./text.ts";

export interface RunOptions {
  env?: Env;
  cwd?: string;
  /** Whether stdout is a terminal (colour); default false. */
  isTTY?: boolean;
  /** Whether stderr is a terminal; default `isTTY`. */
  isErrTTY?: boolean;
  /** What `--stdin` reads. */
  readStdin?: () => Promise<string>;
  /** Live writers (the binaries); the text is captured either way. */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  ghToken?: CliHost["ghToken"];
  gitRemote?: CliHost["gitRemote"];
  createClient?: CliHost["createClient"];
  now?: () => Date;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

type Register = (program: Command, rt: Runtime) => void;

const PROGRAMS: Record<"gt" | "bd", { description: string; register: Register }> = {
  gt: {
    description: "Gas Town on GitHub: convoys, mail, hooks, molecules, status and doctor",
    register: registerGtCommands,
  },
  bd: {
    description: "Beads on GitHub issues: create, list, ready, dependencies, molecules",
    register: registerBdCommands,
  },
};

/** Inside a polecat's job (GASTOWN_OUTBOX set): only the commands that write to the outbox. */
const OUTBOX_PROGRAMS: Record<"gt" | "bd", { description: string; register: Register }> = {
  gt: {
    description:
      "Gas Town, outbox mode: mail, step done, escalate, handoff and done are queued for the runner",
    register: registerGtOutboxCommands,
  },
  bd: {
    description: "Beads, outbox mode: discovered work is queued for the runner",
    register: registerBdOutboxCommands,
  },
};

/**
 * A quiet logger: warnings on stderr, everything with GASTOWN_DEBUG=1. Error-level records stay
 * debug-only: a failure the user must see is thrown and reported once, while Octokit logs every
 * failed request at error level, including the 404s the use cases expect (a bead not found yet).
 */
function cliLogger(env: Env, write: (line: string) => void): Logger {
  const debug = env.GASTOWN_DEBUG === "1" || env.GASTOWN_DEBUG === "true";
  const line = (level: string) => (fields: Record<string, unknown>, message: string) => {
    const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
    write(`${level}: ${oneLine(message)}${extra}`);
  };
  const quiet = () => {};
  return {
    debug: debug ? line("debug") : quiet,
    info: debug ? line("info") : quiet,
    warn: line("warning"),
    error: debug ? line("debug") : quiet,
  };
}

function defaultGhToken(): Promise<string | undefined> {
  return Promise.resolve(undefined);
}

/** Runs one command line of `gt` or `bd`. */
export async function runCli(
  name: "gt" | "bd",
  argv: readonly string[],
  options: RunOptions = {},
): Promise<CliResult> {
  const env = options.env ?? {};
  let stdout = "";
  let stderr = "";
  const secrets: string[] = [];
  const writeOut = (text: string) => {
    stdout += text;
    options.stdout?.(text);
  };
  const writeErr = (text: string) => {
    const clean = redactSecrets(text, secrets);
    stderr += clean;
    options.stderr?.(clean);
  };
  const errStyle = styleFor(wantsColour(env, options.isErrTTY ?? options.isTTY ?? false));
  const host: CliHost = {
    env,
    cwd: options.cwd ?? ".",
    ghToken: options.ghToken ?? defaultGhToken,
    gitRemote: options.gitRemote ?? (() => Promise.resolve(undefined)),
    log: cliLogger(env, (line) => writeErr(`${line}\n`)),
    ...(options.createClient === undefined ? {} : { createClient: options.createClient }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  const rt = createRuntime({
    host,
    style: styleFor(wantsColour(env, options.isTTY ?? false)),
    writeOut,
    writeErr,
    readStdin: options.readStdin ?? (() => Promise.resolve("")),
    secrets,
  });
  const { description, register } = outboxPath(env) === undefined ? PROGRAMS[name] : OUTBOX_PROGRAMS[name];
  const program = new Command(name)
    .description(description)
    .version(packageJson.version, "-V, --version")
    .option("--repo <owner/name>", "the repository (default GASTOWN_REPO, then the origin remote)")
    .option("--api-url <url>", "the API root (default GITHUB_API_URL, then GitHub)")
    .exitOverride()
    .configureOutput({
      writeOut,
      writeErr,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
      outputError: (message, write) => {
        write(`${errStyle.red(message.trimEnd())}\nhint: see '${name} --help' for how to call it\n`);
      },
    })
    .showSuggestionAfterError(true);
  register(program, rt);
  registerCompletion(program, (text) => writeOut(text));

  let code: number;
  try {
    await program.parseAsync([...argv], { from: "user" });
    code = rt.exitCode;
  } catch (error: unknown) {
    code = reportError(error, writeErr, errStyle.red);
  }
  return { code, stdout, stderr };
}

/** Prints an error the house way and returns its exit code. */
function reportError(error: unknown, write: (text: string) => void, red: (text: string) => string): number {
  if (error instanceof CommanderError) {
    // Help and version end with 0; `gt convoy` with no subcommand shows help and is a usage error.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (isGastownError(error)) {
    write(`${red(`error: ${oneLine(error.message)}`)}\nhint: ${oneLine(error.hint)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(
    `${red(`error: ${oneLine(message)}`)}\nhint: this is unexpected; run again with GASTOWN_DEBUG=1 and report it with the output.\n`,
  );
  return 1;
}

/** `gt` in-process. */
export function runGt(argv: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return runCli("gt", argv, options);
}

/** `bd` in-process. */
export function runBd(argv: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return runCli("bd", argv, options);
}
