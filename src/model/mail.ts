// Mail is a comment (DESIGN §1): on the bead it concerns, or on the recipient's mailbox issue.
// A hidden header carries the envelope for the router; the visible part is for people:
//
//   <!-- gastown-mail {"v":1,"from":"mayor/","to":"gastown/witness",...} -->
//   #### ✉️ Subject
//   <sub>from <code>mayor/</code> to <code>gastown/witness</code> · task · P1</sub>
//
//   body
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { type Address, formatAddress, parseAddress } from "./address.ts";
import { fail, GastownError, ok, type Result } from "./errors.ts";
import { checkBodyLength } from "./limits.ts";
import { encodeCommentJson, METADATA_VERSION } from "./metadata.ts";
import { type Priority, DEFAULT_PRIORITY, PRIORITIES } from "./vocabulary.ts";

export const MAIL_TYPES = ["task", "notification", "escalation", "reply", "handoff"] as const;
/** `task` asks for action; `notification` (the default) informs; `handoff` carries work onward. */
export type MailType = (typeof MAIL_TYPES)[number];

export const MAIL_SUBJECT_MAX = 200;
const MAIL_TAG = "gastown-mail";

/** Who, what and which conversation: everything a router needs, none of the body. */
export interface MailEnvelope {
  from: Address;
  to: Address;
  subject: string;
  type: MailType;
  priority: Priority;
  /** The conversation, `thread-<hex>`; a reply keeps its original's. */
  thread: string;
  /** The comment id of the message this answers. */
  replyTo: number | null;
  sentAt: string;
}

/** A comment as the comments gateway returns it. */
export interface Comment {
  id: number;
  /** The issue (bead or mailbox) the comment is on. */
  issue: number;
  body: string;
  author: string | null;
  createdAt: string;
  updatedAt: string;
  url: string;
}

/** A mail message: an envelope and body read from a comment. */
export interface MailMessage {
  /** The comment id: what `gt mail read`/`reply` name. */
  id: number;
  issue: number;
  url: string;
  /** The GitHub login that posted it (the envelope's `from` is the town identity). */
  author: string | null;
  envelope: MailEnvelope;
  body: string;
}

/** A fresh thread id. */
export function newThreadId(bytes: Uint8Array = randomBytes(6)): string {
  return `thread-${Buffer.from(bytes).toString("hex")}`;
}

export interface EnvelopeInput {
  from: Address | string;
  to: Address | string;
  subject: string;
  sentAt: Date | string;
  type?: MailType;
  priority?: Priority;
  thread?: string;
  replyTo?: number | null;
}

function asAddress(value: Address | string, role: string): Result<Address> {
  if (typeof value !== "string") return ok(value);
  const parsed = parseAddress(value);
  if (parsed.ok) return parsed;
  return fail(
    new GastownError(`Mail ${role}: ${parsed.error.message}`, {
      code: "bad-address",
      hint: parsed.error.hint,
    }),
  );
}

/** Validates and completes an envelope (type notification, priority 2 and a new thread by default). */
export function createEnvelope(input: EnvelopeInput): Result<MailEnvelope> {
  const from = asAddress(input.from, "sender");
  if (!from.ok) return from;
  const to = asAddress(input.to, "recipient");
  if (!to.ok) return to;
  const subject = input.subject.trim();
  if (subject === "" || /[\r\n]/.test(subject) || subject.length > MAIL_SUBJECT_MAX) {
    return fail(
      new GastownError(
        subject === ""
          ? "A mail needs a subject."
          : `A mail subject must be one line of at most ${MAIL_SUBJECT_MAX} characters.`,
        { code: "bad-input", hint: "Give a short one-line subject with -s; put details in the body." },
      ),
    );
  }
  const sentAt = typeof input.sentAt === "string" ? input.sentAt : input.sentAt.toISOString();
  return ok({
    from: from.value,
    to: to.value,
    subject,
    type: input.type ?? "notification",
    priority: input.priority ?? DEFAULT_PRIORITY,
    thread: input.thread ?? newThreadId(),
    replyTo: input.replyTo ?? null,
    sentAt,
  });
}

/** The envelope of a reply: back to the sender, same thread, `Re:` subject. */
export function replyEnvelope(
  original: MailMessage,
  reply: { from: Address; sentAt: Date | string; subject?: string; priority?: Priority },
): MailEnvelope {
  const subject =
    reply.subject ??
    (/^re:/i.test(original.envelope.subject)
      ? original.envelope.subject
      : `Re: ${original.envelope.subject}`);
  return {
    from: reply.from,
    to: original.envelope.from,
    subject: subject.slice(0, MAIL_SUBJECT_MAX),
    type: "reply",
    priority: reply.priority ?? original.envelope.priority,
    thread: original.envelope.thread,
    replyTo: original.id,
    sentAt: typeof reply.sentAt === "string" ? reply.sentAt : reply.sentAt.toISOString(),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export interface RenderMailOptions {
  /** GitHub logins to @mention so GitHub notifies them (humans only; agents read the router). */
  mentions?: readonly string[];
}

/**
 * The comment body for a message. Fails (never truncates) when the result would exceed GitHub's
 * 65,536-character limit.
 */
export function renderMail(
  envelope: MailEnvelope,
  body: string,
  options: RenderMailOptions = {},
): Result<string> {
  const header = {
    v: METADATA_VERSION,
    from: formatAddress(envelope.from),
    to: formatAddress(envelope.to),
    subject: envelope.subject,
    type: envelope.type,
    priority: envelope.priority,
    thread: envelope.thread,
    replyTo: envelope.replyTo,
    sentAt: envelope.sentAt,
  };
  const meta = [
    `from <code>${escapeHtml(header.from)}</code> to <code>${escapeHtml(header.to)}</code>`,
    envelope.type,
    `P${envelope.priority}`,
    ...(options.mentions && options.mentions.length > 0
      ? [`cc ${options.mentions.map((m) => `@${m.replace(/^@/, "")}`).join(" ")}`]
      : []),
  ].join(" · ");
  const text = [
    `<!-- ${MAIL_TAG} ${encodeCommentJson(header)} -->`,
    `#### ✉️ ${escapeHtml(envelope.subject)}`,
    `<sub>${meta}</sub>`,
    "",
    body,
  ].join("\n");
  const tooLong = checkBodyLength(text, "The mail");
  return tooLong ? fail(tooLong) : ok(text);
}

const headerSchema = z.object({
  v: z.number().int().positive(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  type: z.enum(MAIL_TYPES),
  priority: z
    .number()
    .refine((p): p is Priority => (PRIORITIES as readonly number[]).includes(p), "priority 0–4"),
  thread: z.string().min(1),
  replyTo: z.number().int().nullable(),
  sentAt: z.string(),
});

/** What a comment body turned out to be. */
export type MailParse =
  | { kind: "mail"; envelope: MailEnvelope; body: string }
  | { kind: "not-mail" }
  | { kind: "damaged"; problem: string };

const HEADER = new RegExp(`^\\s*<!--\\s*${MAIL_TAG}\\s+([\\s\\S]*?)-->[^\\n]*\\n?`);

/** Reads a comment body as mail. Never throws; a damaged header is reported, not guessed. */
export function parseMail(text: string): MailParse {
  const match = HEADER.exec(text);
  if (!match) return { kind: "not-mail" };
  let json: unknown;
  try {
    json = JSON.parse(match[1] ?? "");
  } catch (error: unknown) {
    return {
      kind: "damaged",
      problem: `the mail header is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: "damaged",
      problem: `the mail header is invalid at ${issue?.path.join(".") || "top"}: ${issue?.message}`,
    };
  }
  const header = parsed.data;
  if (header.v > METADATA_VERSION) {
    return { kind: "damaged", problem: `the mail header is version ${header.v}; upgrade gastown to read it` };
  }
  const from = parseAddress(header.from);
  const to = parseAddress(header.to);
  if (!from.ok || !to.ok) {
    return {
      kind: "damaged",
      problem: `the mail header names a malformed address (${!from.ok ? header.from : header.to})`,
    };
  }
  // Drop the visible heading this module renders, then the blank line before the body.
  let rest = text.slice(match[0].length);
  rest = rest.replace(/^#### ✉️ [^\n]*\n?/, "").replace(/^<sub>[^\n]*<\/sub>\n?/, "");
  rest = rest.replace(/^\n/, "");
  return {
    kind: "mail",
    envelope: {
      from: from.value,
      to: to.value,
      subject: header.subject,
      type: header.type,
      priority: header.priority,
      thread: header.thread,
      replyTo: header.replyTo,
      sentAt: header.sentAt,
    },
    body: rest,
  };
}

/** The message a comment carries; null for an ordinary or damaged comment. */
export function mailFromComment(comment: Comment): MailMessage | null {
  const parsed = parseMail(comment.body);
  if (parsed.kind !== "mail") return null;
  return {
    id: comment.id,
    issue: comment.issue,
    url: comment.url,
    author: comment.author,
    envelope: parsed.envelope,
    body: parsed.body,
  };
}
