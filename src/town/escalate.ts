// Escalation (`gt escalate`, `/escalate`): something needs a human. It becomes a
// `type/escalation` bead (severity, related bead and who raised it in its metadata; priority from
// the severity, so `bd list` sorts critical ones first) and mail to the overseer's mailbox that
// points at it. When the severity asks for it, the mail @mentions the overseers (logins or
// teams) so GitHub notifies them for real; otherwise it waits in the mailbox.
import { createBead as createIssue } from "../github/issues.ts";
import { type Address, formatAddress } from "../model/address.ts";
import type { Bead } from "../model/bead.ts";
import { GastownError } from "../model/errors.ts";
import type { Priority } from "../model/vocabulary.ts";
import { logOf, type TownContext } from "./context.ts";
import { type SentMail, sendMail } from "./mail.ts";

/** Gas Town's escalation severities, least urgent first. */
export const ESCALATION_LEVELS = ["low", "medium", "high", "critical"] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** The bead priority of each severity: critical is p0. */
export const SEVERITY_PRIORITY: Readonly<Record<EscalationLevel, Priority>> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
};

/** Whether a severity @mentions the overseers by default: all but `low`. */
export function notifiesOverseers(severity: EscalationLevel): boolean {
  return severity !== "low";
}

/** A login (`alice`) or team (`acme/maintainers`), with or without `@`. */
const MENTION = /^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9._-]+)?)$/;

/** The distinct, well-formed mentions of a list, bots left out, `@` dropped. */
export function cleanMentions(entries: readonly string[]): string[] {
  const out = new Map<string, string>();
  for (const entry of entries) {
    const match = MENTION.exec(entry.trim());
    const name = match?.[1];
    if (!name || name.toLowerCase().endsWith("[bot]")) continue;
    out.set(name.toLowerCase(), name);
  }
  return [...out.values()];
}

export interface EscalateParams {
  severity: EscalationLevel;
  /** One line: what is wrong (the escalation's title). */
  description: string;
  /** More detail, Markdown. */
  details?: string;
  /** The bead it is about. */
  related?: number;
  /** Who raised it: a town address, or a GitHub login for a person. */
  from: Address | { login: string };
  /** Humans (logins or `org/team`) to @mention; only used when `notify` is on. */
  overseers?: readonly string[];
  /** @mention the overseers; default {@link notifiesOverseers} of the severity. */
  notify?: boolean;
  /** A link for people (the run, the comment it came from). */
  link?: string;
}

export interface EscalationResult {
  escalation: Bead;
  mail: SentMail;
  /** Who was @mentioned. */
  mentions: string[];
}

const TITLE_ROOM = 200;

function who(from: EscalateParams["from"]): string {
  return "login" in from ? `@${from.login}` : formatAddress(from);
}

/** Raises an escalation: the bead, then the mail (see the module comment). */
export async function escalate(town: TownContext, params: EscalateParams): Promise<EscalationResult> {
  const description = params.description.replace(/\s+/g, " ").trim();
  if (description === "") {
    throw new GastownError("An escalation needs a description.", {
      code: "bad-input",
      hint: "Say what is wrong: /escalate -s high The polecat keeps failing the same test.",
    });
  }
  const title = description.length > TITLE_ROOM ? `${description.slice(0, TITLE_ROOM - 1)}…` : description;
  const priority = SEVERITY_PRIORITY[params.severity];
  const raisedBy = who(params.from);
  const lines = [
    `**Severity:** ${params.severity}`,
    "",
    `Raised by ${raisedBy}${params.related === undefined ? "" : ` on #${params.related}`}.${params.link ? ` [Source](${params.link})` : ""}`,
    ...(params.details && params.details.trim() !== "" ? ["", params.details.trim()] : []),
    ...(description.length > TITLE_ROOM ? ["", description] : []),
    "",
    "Close this issue once it is dealt with.",
  ];
  const escalation = await createIssue(town, {
    title,
    body: lines.join("\n"),
    type: "escalation",
    priority,
    metadata: {
      others: {
        severity: params.severity,
        ...(params.related === undefined ? {} : { related: params.related }),
        source: raisedBy,
      },
    },
  });
  const notify = params.notify ?? notifiesOverseers(params.severity);
  const mentions = notify ? cleanMentions(params.overseers ?? []) : [];
  const subject = `Escalation (${params.severity}): ${title}`;
  const mail = await sendMail(town, {
    from: "login" in params.from ? { kind: "overseer" } : params.from,
    to: { kind: "overseer" },
    subject: subject.length > 150 ? `${subject.slice(0, 149)}…` : subject,
    body: `Escalation #${escalation.number} needs you${params.related === undefined ? "" : `; it was raised on #${params.related}`}.\n\n${lines.join("\n")}`,
    type: "escalation",
    priority,
    ...(mentions.length > 0 ? { mentions } : {}),
  });
  logOf(town).info(
    {
      escalation: escalation.number,
      severity: params.severity,
      related: params.related,
      mentions: mentions.length,
    },
    "escalated",
  );
  return { escalation, mail, mentions };
}
