// Who may command the town (DESIGN §5). A pure decision from facts the router gathers: the app
// never answers itself (its replies could contain commands), other bots only when the repo's
// config allowlists them, and commands that change the town need write, maintain or admin.
// Everyone may ask read-only questions (/help, /status): the answer is all they get.
import { canCommandTown, type PermissionLevel } from "../model/permission.ts";
import { isMutating } from "./commands/catalog.ts";
import type { SlashCommand } from "./commands/types.ts";

/** What the router knows when a command arrives. */
export interface MayRunInput {
  command: SlashCommand;
  /**
   * The actor's permission on the repository. Null when it was not looked up, which is only
   * allowed for read-only commands: look it up (github/permissions `getPermission`) when
   * {@link needsPermissionLookup} says so.
   */
  permission: PermissionLevel | null;
  /** The login of the comment's author (`alice`, `renovate[bot]`). */
  actor: string;
  /** The sender is a bot account (`context.isBot`). */
  isBot: boolean;
  /** Config `allowed_bots`: logins with or without `[bot]`, any case; `"*"` allows every bot. */
  allowedBots: readonly string[];
  /** The app's own login (`gastown[bot]`, or `github-actions[bot]` when run as a workflow). */
  appLogin: string;
}

/** Why a command is ignored without a reply. */
export type IgnoreReason = "own-comment" | "bot-not-allowed";

export type MayRunDecision =
  | { kind: "allow" }
  | { kind: "refuse"; reason: "needs-write"; message: string }
  | { kind: "ignore"; reason: IgnoreReason };

/** `Alice`, `alice[bot]` → `alice`: logins compare without case or the `[bot]` suffix. */
export function normalizeLogin(login: string): string {
  return login
    .trim()
    .replace(/^@/, "")
    .replace(/\[bot\]$/i, "")
    .toLowerCase();
}

const looksLikeBot = (login: string): boolean => /\[bot\]$/i.test(login.trim());

/**
 * True when {@link mayRun} will need the actor's permission: a command that changes the town,
 * from a human who is not the app. Saves the permission call for everything else.
 */
export function needsPermissionLookup(input: Omit<MayRunInput, "permission">): boolean {
  if (input.isBot || looksLikeBot(input.actor)) return false;
  return isMutating(input.command);
}

/** The app's own account: a bot with the app's login (a person who shares the name is not). */
function isOwnComment(input: Pick<MayRunInput, "actor" | "isBot" | "appLogin">): boolean {
  return (
    (input.isBot || looksLikeBot(input.actor)) &&
    normalizeLogin(input.actor) === normalizeLogin(input.appLogin)
  );
}

function isAllowedBot(input: Pick<MayRunInput, "actor" | "isBot" | "allowedBots">): boolean {
  if (!input.isBot && !looksLikeBot(input.actor)) return false;
  const actor = normalizeLogin(input.actor);
  return input.allowedBots.some((entry) => entry.trim() === "*" || normalizeLogin(entry) === actor);
}

/**
 * Whether `actor` may run `command`:
 * - the app's own comments are ignored (no loops);
 * - bots are ignored unless allowlisted; an allowlisted bot may run every command (bots hold no
 *   collaborator permission, the allowlist is the maintainers' grant);
 * - read-only commands are allowed for anyone;
 * - commands that change the town need write, maintain or admin, else a polite refusal.
 */
export function mayRun(input: MayRunInput): MayRunDecision {
  if (isOwnComment(input)) return { kind: "ignore", reason: "own-comment" };
  if (input.isBot || looksLikeBot(input.actor)) {
    return isAllowedBot(input) ? { kind: "allow" } : { kind: "ignore", reason: "bot-not-allowed" };
  }
  if (!isMutating(input.command)) return { kind: "allow" };
  if (input.permission === null) {
    throw new TypeError(
      `mayRun: /${input.command.name} changes the town; look up ${input.actor}'s permission first`,
    );
  }
  if (canCommandTown(input.permission)) return { kind: "allow" };
  return {
    kind: "refuse",
    reason: "needs-write",
    message: renderRefusal({ actor: input.actor, command: input.command, permission: input.permission }),
  };
}

const ARTICLE: Readonly<Record<PermissionLevel, string>> = {
  none: "no access",
  read: "read access",
  triage: "triage access",
  write: "write access",
  maintain: "maintain access",
  admin: "admin access",
};

/** The reply to a refused command: who, which command, what it needs, what they have, what next. */
export function renderRefusal(input: {
  actor: string;
  command: SlashCommand;
  permission: PermissionLevel;
}): string {
  const actor = input.actor.replace(/^@/, "");
  const what = input.command.name === "convoy" ? `/convoy ${input.command.action}` : `/${input.command.name}`;
  return [
    `Sorry @${actor}, \`${what}\` changes the town, so it needs write, maintain or admin permission on this repository, and you have ${ARTICLE[input.permission]}. Nothing was changed.`,
    "",
    "A maintainer can run the command for you. `/help` lists the commands anyone can use.",
  ].join("\n");
}
