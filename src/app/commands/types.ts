// What a slash command means once parsed: one discriminated union, so the router switches on
// `name` and TypeScript checks every case. Text arguments stay text here; the use cases decide
// what a polecat name or a formula name refers to.
import type { Address } from "../../model/address.ts";
import type { BeadRef } from "../../model/bead-ref.ts";
import type { Priority } from "../../model/vocabulary.ts";

/** Every command the app understands. */
export const COMMAND_NAMES = [
  "sling",
  "unsling",
  "hook",
  "convoy",
  "mail",
  "ready",
  "status",
  "priority",
  "blocked-by",
  "pour",
  "escalate",
  "help",
  "queue",
  "dequeue",
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export function isCommandName(value: string): value is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(value);
}

/** Escalation severities, lowest first (Gas Town's `gt escalate -s`). */
export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const DEFAULT_SEVERITY: Severity = "medium";

/** Formula variables given with `--var key=value`, in the order written. */
export type CommandVars = Readonly<Record<string, string>>;

/** Where `/sling` sends the work: another bead than the one commented on, or a named polecat. */
export type SlingTarget = { kind: "bead"; ref: BeadRef } | { kind: "polecat"; name: string };

/** `/sling [#bead | polecat] [--formula F] [--var k=v]... [--force]` */
export interface SlingCommand {
  name: "sling";
  /** Null: sling the bead commented on, to the next free polecat name. */
  target: SlingTarget | null;
  /** Null: the configured default formula. */
  formula: string | null;
  vars: CommandVars;
  /** Sling even when the bead is not ready (blocked, deferred, already hooked). */
  force: boolean;
}

/** `/unsling [#bead]`: cancel the run and release the hook (the branch is kept). */
export interface UnslingCommand {
  name: "unsling";
  /** Null: the bead commented on. */
  bead: BeadRef | null;
}

/** `/hook [#bead]`: show what holds the bead (polecat, run, attempt). */
export interface HookCommand {
  name: "hook";
  bead: BeadRef | null;
}

/** `/convoy create "name" #1 #2 [--notify @user]...` */
export interface ConvoyCreateCommand {
  name: "convoy";
  action: "create";
  /** Null when the first argument was a bead: the convoy is named after that bead's title. */
  title: string | null;
  beads: BeadRef[];
  /** GitHub logins (without `@`) told once when the convoy lands. */
  notify: string[];
  /** The convoy feeds itself: its beads are slung one after another as each closes. */
  feed: boolean;
}

/** `/convoy add #3 [#4...]`: add beads to the convoy of the bead commented on. */
export interface ConvoyAddCommand {
  name: "convoy";
  action: "add";
  beads: BeadRef[];
}

/** `/convoy status`: progress of the convoy of the bead commented on. */
export interface ConvoyStatusCommand {
  name: "convoy";
  action: "status";
}

/** `/convoy feed [off]`: the convoy of the bead commented on feeds itself (or stops). */
export interface ConvoyFeedCommand {
  name: "convoy";
  action: "feed";
  feed: boolean;
}

export type ConvoyCommand = ConvoyCreateCommand | ConvoyAddCommand | ConvoyStatusCommand | ConvoyFeedCommand;

/** `/mail <address> "subject" <body...>` */
export interface MailCommand {
  name: "mail";
  to: Address;
  subject: string;
  body: string;
}

/** `/ready`: the rig's ready beads. */
export interface ReadyCommand {
  name: "ready";
}

/** `/status`: the bead's status, hook, convoy and blockers. */
export interface StatusCommand {
  name: "status";
}

/** `/priority p0..p4` */
export interface PriorityCommand {
  name: "priority";
  priority: Priority;
}

/** `/blocked-by #12 [#13...]` */
export interface BlockedByCommand {
  name: "blocked-by";
  blockers: BeadRef[];
}

/** `/pour <formula> [--var k=v]...`: pour a formula into a molecule under the bead. */
export interface PourCommand {
  name: "pour";
  formula: string;
  vars: CommandVars;
}

/** `/escalate [-s low|medium|high|critical] text` */
export interface EscalateCommand {
  name: "escalate";
  severity: Severity;
  text: string;
}

/** `/help [command]` */
export interface HelpCommand {
  name: "help";
  /** Null: the whole table. */
  topic: CommandName | null;
}

/** `/queue [p=N]`: put a pull request in the refinery's queue; `p=0` goes first, as P0 beads do. */
export interface QueueCommand {
  name: "queue";
  /** Null: the priority of the PR's bead (p2 without one). */
  priority: Priority | null;
}

/** `/dequeue`: take a pull request out of the refinery's queue. */
export interface DequeueCommand {
  name: "dequeue";
}

/** A parsed slash command. */
export type SlashCommand =
  | SlingCommand
  | UnslingCommand
  | HookCommand
  | ConvoyCommand
  | MailCommand
  | ReadyCommand
  | StatusCommand
  | PriorityCommand
  | BlockedByCommand
  | PourCommand
  | EscalateCommand
  | HelpCommand
  | QueueCommand
  | DequeueCommand;
