// One parser per command: words in, a typed command out, or a UsageProblem saying what is wrong
// (parse.ts adds the usage line). Free-text commands (mail, escalate) take the rest of their line
// and the lines below it as written.
import { parseAddress } from "../../model/address.ts";
import { type Priority, parsePriority } from "../../model/vocabulary.ts";
import { FORMULA_NAME } from "../../formula/schema.ts";
import { POLECAT_NAME } from "../config/polecat-names.ts";
import {
  expectNoMore,
  looksLikeBeadRef,
  parseVars,
  readArgs,
  readBeadRef,
  readLogin,
  UsageProblem,
} from "./args.ts";
import { closestMatch } from "./suggest.ts";
import type { Lexer } from "./tokenize.ts";
import {
  COMMAND_NAMES,
  type CommandName,
  type ConvoyCommand,
  DEFAULT_SEVERITY,
  type EscalateCommand,
  isCommandName,
  type MailCommand,
  SEVERITIES,
  type Severity,
  type SlashCommand,
  type SlingCommand,
} from "./types.ts";

/** Reads one command's words (and the lines below it, for free text). */
export type Parser = (lexer: Lexer, following: readonly string[]) => SlashCommand;

/** A command that takes no arguments. */
function bare<C extends SlashCommand>(command: C): Parser {
  return (lexer) => {
    const { positionals } = readArgs(lexer, []);
    if (positionals[0]) {
      throw new UsageProblem(
        `takes no arguments (got "${positionals[0].value}")`,
        `Write /${command.name} on its own.`,
      );
    }
    return command;
  };
}

/** A command with one optional bead. */
function optionalBead(name: "unsling" | "hook"): Parser {
  return (lexer) => {
    const { positionals } = readArgs(lexer, []);
    const first = positionals[0];
    expectNoMore(positionals, 1);
    return { name, bead: first ? readBeadRef(first.value) : null };
  };
}

function parseSling(lexer: Lexer): SlingCommand {
  const { positionals, options } = readArgs(lexer, [
    { name: "--formula", takesValue: true },
    { name: "--var", takesValue: true, repeatable: true },
    { name: "--force", aliases: ["-f"], takesValue: false },
  ]);
  const first = positionals[0];
  expectNoMore(positionals, 1);
  let target: SlingCommand["target"] = null;
  if (first) {
    if (looksLikeBeadRef(first.value)) target = { kind: "bead", ref: readBeadRef(first.value) };
    else if (POLECAT_NAME.test(first.value)) target = { kind: "polecat", name: first.value };
    else {
      throw new UsageProblem(
        `"${first.value}" is neither a bead nor a polecat name`,
        "Name a bead (#12, owner/repo#12) or a polecat from the pool (furiosa), or leave it out.",
      );
    }
  }
  const formula = options.get("--formula")?.[0] ?? null;
  if (formula !== null) checkFormulaName(formula);
  return {
    name: "sling",
    target,
    formula,
    vars: parseVars(options.get("--var") ?? []),
    force: options.has("--force"),
  };
}

function checkFormulaName(formula: string): void {
  if (!FORMULA_NAME.test(formula)) {
    throw new UsageProblem(
      `"${formula}" is not a formula name`,
      'Formula names use letters, digits, ".", "_" and "-" (for example mol-polecat-work).',
    );
  }
}

function parseConvoy(lexer: Lexer): ConvoyCommand {
  const action = lexer.next();
  if (!action) throw new UsageProblem("needs create, add, feed or status");
  switch (action.value.toLowerCase()) {
    case "create": {
      const { positionals, options } = readArgs(lexer, [
        { name: "--notify", takesValue: true, repeatable: true },
        { name: "--feed", takesValue: false },
      ]);
      const [first, ...rest] = positionals;
      if (!first)
        throw new UsageProblem("create needs a name or beads", 'Write /convoy create "name" #1 #2.');
      const titled = first.quoted || !looksLikeBeadRef(first.value);
      if (titled && first.value.trim() === "") throw new UsageProblem("the convoy name is empty");
      const refs = titled ? rest : positionals;
      const beads = refs.map((token) => {
        if (!token.quoted && looksLikeBeadRef(token.value)) return readBeadRef(token.value);
        if (titled && !first.quoted) {
          const words = positionals.filter((t) => !looksLikeBeadRef(t.value)).map((t) => t.value);
          throw new UsageProblem(
            `"${token.value}" is not a bead`,
            `Quote a name with spaces: /convoy create "${words.join(" ")}" #1 #2.`,
          );
        }
        throw new UsageProblem(`"${token.value}" is not a bead`, "Name beads as #12 or owner/repo#12.");
      });
      const notify = (options.get("--notify") ?? [])
        .flatMap((value) => value.split(","))
        .filter((value) => value.trim() !== "")
        .map((value) => readLogin(value.trim()));
      return {
        name: "convoy",
        action: "create",
        title: titled ? first.value.trim() : null,
        beads,
        notify,
        feed: options.has("--feed"),
      };
    }
    case "add": {
      const { positionals } = readArgs(lexer, []);
      if (positionals.length === 0)
        throw new UsageProblem("add needs at least one bead", "Write /convoy add #3.");
      return { name: "convoy", action: "add", beads: positionals.map((t) => readBeadRef(t.value)) };
    }
    case "status": {
      const { positionals } = readArgs(lexer, []);
      expectNoMore(positionals);
      return { name: "convoy", action: "status" };
    }
    case "feed": {
      const { positionals } = readArgs(lexer, []);
      const first = positionals[0];
      expectNoMore(positionals, 1);
      const word = first?.value.toLowerCase() ?? "on";
      if (word !== "on" && word !== "off")
        throw new UsageProblem(
          `"${first?.value}" is neither on nor off`,
          "Write /convoy feed or /convoy feed off.",
        );
      return { name: "convoy", action: "feed", feed: word === "on" };
    }
    default: {
      const guess = closestMatch(action.value, ["create", "add", "feed", "status"]);
      throw new UsageProblem(
        `"${action.value}" is not a convoy action`,
        guess
          ? `Did you mean /convoy ${guess}?`
          : "Write /convoy create, /convoy add, /convoy feed or /convoy status.",
      );
    }
  }
}

/** The free text of a command: the rest of its line, then the lines below it. */
function freeText(lexer: Lexer, following: readonly string[]): string {
  const first = lexer.restText();
  return [first, ...following].join("\n").trim();
}

function parseMail(lexer: Lexer, following: readonly string[]): MailCommand {
  const to = lexer.next();
  if (!to) throw new UsageProblem("needs an address, a subject and a body");
  const address = parseAddress(to.value);
  if (!address.ok) throw new UsageProblem(address.error.message.replace(/\.$/, ""), address.error.hint);
  const subject = lexer.next();
  if (!subject || subject.value.trim() === "") throw new UsageProblem("needs a subject after the address");
  const body = freeText(lexer, following);
  if (body === "") {
    throw new UsageProblem(
      "needs a body after the subject",
      "Write the message after the subject, on the same line or below it.",
    );
  }
  return { name: "mail", to: address.value, subject: subject.value.trim(), body };
}

function parseEscalate(lexer: Lexer, following: readonly string[]): EscalateCommand {
  let severity: Severity = DEFAULT_SEVERITY;
  const first = lexer.peek();
  if (first && !first.quoted && /^(?:-s|--severity)(?:=|$)/.test(first.value)) {
    lexer.next();
    const eq = first.value.indexOf("=");
    const value = eq === -1 ? lexer.next()?.value : first.value.slice(eq + 1);
    if (value === undefined || value === "") throw new UsageProblem("-s needs a severity");
    const level = value.toLowerCase();
    if (!(SEVERITIES as readonly string[]).includes(level)) {
      const guess = closestMatch(level, SEVERITIES);
      throw new UsageProblem(
        `"${value}" is not a severity`,
        guess ? `Did you mean -s ${guess}?` : `Use one of: ${SEVERITIES.join(", ")}.`,
      );
    }
    severity = level as Severity;
  }
  const text = freeText(lexer, following);
  if (text === "") throw new UsageProblem("needs a description", "Say what is wrong after the command.");
  return { name: "escalate", severity, text };
}

/** The parser of every command. */
export const PARSERS: Readonly<Record<CommandName, Parser>> = {
  sling: parseSling,
  unsling: optionalBead("unsling"),
  hook: optionalBead("hook"),
  convoy: parseConvoy,
  mail: parseMail,
  ready: bare({ name: "ready" }),
  status: bare({ name: "status" }),
  priority: (lexer) => {
    const { positionals } = readArgs(lexer, []);
    const first = positionals[0];
    if (!first)
      throw new UsageProblem("needs a priority", "Write /priority p0 (critical) to /priority p4 (backlog).");
    expectNoMore(positionals, 1);
    const priority = parsePriority(first.value);
    if (!priority.ok) throw new UsageProblem(`"${first.value}" is not a priority`, priority.error.hint);
    return { name: "priority", priority: priority.value };
  },
  "blocked-by": (lexer) => {
    const { positionals } = readArgs(lexer, []);
    if (positionals.length === 0) throw new UsageProblem("needs the bead that blocks this one");
    return { name: "blocked-by", blockers: positionals.map((t) => readBeadRef(t.value)) };
  },
  pour: (lexer) => {
    const { positionals, options } = readArgs(lexer, [{ name: "--var", takesValue: true, repeatable: true }]);
    const first = positionals[0];
    if (!first)
      throw new UsageProblem("needs a formula name", "Write /pour <formula>, for example /pour release.");
    expectNoMore(positionals, 1);
    checkFormulaName(first.value);
    return { name: "pour", formula: first.value, vars: parseVars(options.get("--var") ?? []) };
  },
  escalate: parseEscalate,
  help: (lexer) => {
    const { positionals } = readArgs(lexer, []);
    const first = positionals[0];
    expectNoMore(positionals, 1);
    if (!first) return { name: "help", topic: null };
    const topic = first.value.replace(/^\//, "").toLowerCase();
    if (isCommandName(topic)) return { name: "help", topic };
    const guess = closestMatch(topic, COMMAND_NAMES);
    throw new UsageProblem(
      `there is no command /${topic}`,
      guess ? `Did you mean /help ${guess}?` : "Write /help for the list of commands.",
    );
  },
  queue: (lexer) => {
    const { positionals } = readArgs(lexer, []);
    const first = positionals[0];
    expectNoMore(positionals, 1);
    if (!first) return { name: "queue", priority: null };
    const match = /^p=?([0-4])$/i.exec(first.value);
    if (!match)
      throw new UsageProblem(
        `"${first.value}" is not a queue priority`,
        "Write p=0 (goes first) to p=4, as bead priorities go: /queue p=0.",
      );
    return { name: "queue", priority: Number(match[1]) as Priority };
  },
  dequeue: bare({ name: "dequeue" }),
};
