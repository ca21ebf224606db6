// The command catalogue: usage lines, one-line summaries and which forms change the town. Usage
// errors, `/help` and the permission check all read from here, so they cannot drift apart.
import type { CommandName, SlashCommand } from "./types.ts";

/** One way of writing a command (`/convoy` has three). */
export interface CommandForm {
  usage: string;
  summary: string;
  /** True when it changes the town, so it needs write, maintain or admin on the repository. */
  mutating: boolean;
}

/** A command and its forms. */
export interface CommandSpec {
  name: CommandName;
  forms: readonly CommandForm[];
  /** Worked examples for `/help <command>`. */
  examples: readonly string[];
  /** Commands for pull requests in the refinery's queue; listed in their own part of `/help`. */
  refinery: boolean;
}

const spec = (
  name: CommandName,
  forms: CommandForm[],
  examples: string[],
  refinery = false,
): CommandSpec => ({ name, forms, examples, refinery });

/** Every command, in the order `/help` lists them. */
export const COMMAND_SPECS: readonly CommandSpec[] = [
  spec(
    "sling",
    [
      {
        usage: "/sling [#bead | polecat] [--formula F] [--var k=v]... [--force]",
        summary: "Hook the bead to a polecat and start its run",
        mutating: true,
      },
    ],
    ["/sling", "/sling furiosa --formula mol-polecat-work", "/sling #12 --var focus=tests --force"],
  ),
  spec(
    "unsling",
    [
      {
        usage: "/unsling [#bead]",
        summary: "Cancel the run and release the hook (keeps the branch)",
        mutating: true,
      },
    ],
    ["/unsling", "/unsling #12"],
  ),
  spec(
    "hook",
    [
      {
        usage: "/hook [#bead]",
        summary: "Show the polecat, run and attempt holding the bead",
        mutating: false,
      },
    ],
    ["/hook"],
  ),
  spec(
    "convoy",
    [
      {
        usage: '/convoy create "name" #1 #2... [--notify @user]... [--feed]',
        summary: "Group beads into a convoy (a milestone); --feed slings them one after another",
        mutating: true,
      },
      { usage: "/convoy add #3 [#4...]", summary: "Add beads to this bead's convoy", mutating: true },
      {
        usage: "/convoy feed [off]",
        summary: "Sling this bead's convoy one bead at a time, each when the last closes",
        mutating: true,
      },
      { usage: "/convoy status", summary: "Show this bead's convoy and its progress", mutating: false },
    ],
    [
      '/convoy create "Auth rework" #12 #13 --notify @alice --feed',
      "/convoy add #14",
      "/convoy feed",
      "/convoy status",
    ],
  ),
  spec(
    "mail",
    [
      {
        usage: '/mail <address> "subject" <body...>',
        summary: "Send mail to an agent or the overseer",
        mutating: true,
      },
    ],
    [
      '/mail gastown/polecats/nux "Use the new API" Switch to v2 before you open the PR.',
      '/mail mayor/ "Status?" How is the convoy doing?',
    ],
  ),
  spec("ready", [{ usage: "/ready", summary: "List the beads ready to sling", mutating: false }], ["/ready"]),
  spec(
    "status",
    [{ usage: "/status", summary: "Show the bead's status, hook, convoy and blockers", mutating: false }],
    ["/status"],
  ),
  spec(
    "priority",
    [
      {
        usage: "/priority p0..p4",
        summary: "Set the bead's priority (p0 critical … p4 backlog)",
        mutating: true,
      },
    ],
    ["/priority p1"],
  ),
  spec(
    "blocked-by",
    [
      {
        usage: "/blocked-by #12 [#13...]",
        summary: "Record that other beads block this one",
        mutating: true,
      },
    ],
    ["/blocked-by #12", "/blocked-by octo/api#7"],
  ),
  spec(
    "pour",
    [
      {
        usage: "/pour <formula> [--var k=v]...",
        summary: "Pour a formula into steps under this bead",
        mutating: true,
      },
    ],
    ["/pour release --var version=1.4.0"],
  ),
  spec(
    "escalate",
    [
      {
        usage: "/escalate [-s low|medium|high|critical] text",
        summary: "Ask the overseers for help (default severity: medium)",
        mutating: true,
      },
    ],
    ["/escalate -s high The polecat keeps failing the same test"],
  ),
  spec(
    "help",
    [{ usage: "/help [command]", summary: "Show this list, or one command in detail", mutating: false }],
    ["/help", "/help sling"],
  ),
  spec(
    "queue",
    [
      {
        usage: "/queue [p=0..4]",
        summary: "Put this pull request in the refinery's merge queue (p=0 goes first)",
        mutating: true,
      },
    ],
    ["/queue", "/queue p=0"],
    true,
  ),
  spec(
    "dequeue",
    [{ usage: "/dequeue", summary: "Take this pull request out of the merge queue", mutating: true }],
    ["/dequeue"],
    true,
  ),
];

const BY_NAME: ReadonlyMap<CommandName, CommandSpec> = new Map(COMMAND_SPECS.map((s) => [s.name, s]));

/** The spec of a command. */
export function commandSpec(name: CommandName): CommandSpec {
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`No spec for command ${name}`);
  return found;
}

/** Every usage line of a command, one per form. */
export function usageOf(name: CommandName): string {
  return commandSpec(name)
    .forms.map((form) => form.usage)
    .join("\n");
}

/** True when running the command changes the town (so it needs write permission or better). */
export function isMutating(command: SlashCommand): boolean {
  if (command.name === "convoy") return command.action !== "status";
  return commandSpec(command.name).forms.some((form) => form.mutating);
}
