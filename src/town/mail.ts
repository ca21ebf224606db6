// Mail on comments (DESIGN §1): a message is a comment on the bead it concerns or on the
// recipient's mailbox issue. An inbox reads the repository's comments since the recipient's read
// cursor (one paginated call past the mailbox lookup) and keeps those addressed to it or to
// @town. Bodies over GitHub's limit are refused before anything is written, never cut.
import { createComment, findComment } from "../github/comments.ts";
import { getBead, updateBead as updateIssue } from "../github/issues.ts";
import { type Address, formatAddress, parseAddress, sameAddress } from "../model/address.ts";
import type { Bead } from "../model/bead.ts";
import { GastownError, unwrap } from "../model/errors.ts";
import {
  type Comment,
  createEnvelope,
  type MailEnvelope,
  type MailMessage,
  type MailType,
  mailFromComment,
  parseMail,
  renderMail,
  replyEnvelope,
} from "../model/mail.ts";
import type { Priority } from "../model/vocabulary.ts";
import { logOf, nowOf, type TownContext } from "./context.ts";
import { ensureMailbox, findMailbox } from "./mailbox.ts";
import {
  EMPTY_MAILBOX_STATE,
  isArchived,
  isRead,
  type MailboxState,
  markArchived,
  markRead,
  readMailboxState,
  sameState,
  writeMailboxState,
} from "./mailbox-state.ts";
import { listRepoComments } from "./repo-comments.ts";

/** A message as an inbox lists it. */
export interface InboxEntry {
  message: MailMessage;
  /** When GitHub recorded it. */
  createdAt: string;
  read: boolean;
  archived: boolean;
}

function toAddress(value: Address | string, role: string): Address {
  if (typeof value !== "string") return value;
  const parsed = parseAddress(value);
  if (parsed.ok) return parsed.value;
  throw new GastownError(`Mail ${role}: ${parsed.error.message}`, {
    code: "bad-address",
    hint: parsed.error.hint,
  });
}

function isFor(envelope: MailEnvelope, address: Address): boolean {
  return sameAddress(envelope.to, address) || envelope.to.kind === "town";
}

export interface SendMailParams {
  from: Address | string;
  to: Address | string;
  subject: string;
  body: string;
  type?: MailType;
  priority?: Priority;
  /** Post on this bead instead of the recipient's mailbox. */
  bead?: number;
  /** The conversation to continue (default: a new one). */
  thread?: string;
  replyTo?: number;
  /** GitHub logins to @mention, so GitHub notifies those humans. */
  mentions?: readonly string[];
}

/** A sent message and where it went. */
export interface SentMail {
  message: MailMessage;
  /** The issue it was posted on: the bead, or the recipient's mailbox. */
  issue: number;
  onBead: boolean;
}

/** Builds and checks a message completely before any write (mailbox creation included). */
function compose(params: SendMailParams, sentAt: Date): { envelope: MailEnvelope; text: string } {
  const envelope = unwrap(
    createEnvelope({
      from: toAddress(params.from, "sender"),
      to: toAddress(params.to, "recipient"),
      subject: params.subject,
      sentAt,
      ...(params.type === undefined ? {} : { type: params.type }),
      ...(params.priority === undefined ? {} : { priority: params.priority }),
      ...(params.thread === undefined ? {} : { thread: params.thread }),
      ...(params.replyTo === undefined ? {} : { replyTo: params.replyTo }),
    }),
  );
  return { envelope, text: checkedText(envelope, params.body, params.mentions) };
}

function checkedText(envelope: MailEnvelope, body: string, mentions: readonly string[] | undefined): string {
  if (body.trim() === "") {
    throw new GastownError("The mail has no body.", {
      code: "bad-input",
      hint: 'Write the message with -m "…" (or pipe it in with --stdin).',
    });
  }
  return unwrap(renderMail(envelope, body, mentions && mentions.length > 0 ? { mentions } : {}));
}

async function post(
  town: TownContext,
  params: { envelope: MailEnvelope; text: string; bead?: number },
): Promise<SentMail> {
  let issue: number;
  if (params.bead !== undefined) {
    issue = (await getBead(town, params.bead)).number;
  } else {
    issue = (await ensureMailbox(town, params.envelope.to)).number;
  }
  const comment = await createComment(town, { issue, body: params.text });
  const message = mailFromComment(comment);
  if (!message) {
    throw new GastownError(`Comment ${comment.id} was posted but does not read back as mail.`, {
      code: "github",
      hint: "Something rewrote the comment on its way in; check the comment on GitHub.",
    });
  }
  logOf(town).info(
    { mail: comment.id, issue, to: formatAddress(params.envelope.to), type: params.envelope.type },
    "mail sent",
  );
  return { message, issue, onBead: params.bead !== undefined };
}

/** `gt mail send`: to the recipient's mailbox (created on first use) or onto a bead. */
export async function sendMail(town: TownContext, params: SendMailParams): Promise<SentMail> {
  const { envelope, text } = compose(params, nowOf(town));
  return post(town, { envelope, text, ...(params.bead === undefined ? {} : { bead: params.bead }) });
}

/** The messages of the stream that are for `address`, in stream order. */
function messagesFor(
  comments: readonly Comment[],
  address: Address,
): Array<{ message: MailMessage; createdAt: string }> {
  return comments.flatMap((comment) => {
    const message = mailFromComment(comment);
    return message && isFor(message.envelope, address) ? [{ message, createdAt: comment.createdAt }] : [];
  });
}

interface MailboxView {
  mailbox: Bead | null;
  state: MailboxState;
  problem: string | null;
}

async function loadMailbox(town: TownContext, address: Address): Promise<MailboxView> {
  const mailbox = await findMailbox(town, address);
  if (!mailbox) return { mailbox: null, state: EMPTY_MAILBOX_STATE, problem: null };
  const { state, problem } = readMailboxState(mailbox.metadata);
  return { mailbox, state, problem };
}

export interface Inbox {
  address: Address;
  /** The mailbox issue; null when nothing was ever sent to it there. */
  mailbox: number | null;
  entries: InboxEntry[];
  unread: number;
  /** A damaged read state, said out loud. */
  problem: string | null;
}

/**
 * `gt mail inbox`: unread messages for `address` (and @town), oldest first. With `all`, read ones
 * too (archived ones stay hidden).
 */
export async function readInbox(
  town: TownContext,
  params: { address: Address | string; all?: boolean },
): Promise<Inbox> {
  const address = toAddress(params.address, "recipient");
  const view = await loadMailbox(town, address);
  const since = params.all ? (view.state.archiveCursor?.at ?? null) : (view.state.cursor?.at ?? null);
  const comments = await listRepoComments(town, since === null ? {} : { since });
  const entries = messagesFor(comments, address)
    .map(({ message, createdAt }) => ({
      message,
      createdAt,
      read: isRead(view.state, message.id),
      archived: isArchived(view.state, message.id),
    }))
    .filter((entry) => !entry.archived && (params.all || !entry.read));
  return {
    address,
    mailbox: view.mailbox?.number ?? null,
    entries,
    unread: entries.filter((entry) => !entry.read).length,
    problem: view.problem,
  };
}

async function getMail(town: TownContext, id: number): Promise<{ message: MailMessage; comment: Comment }> {
  const comment = await findComment(town, id);
  if (!comment) {
    throw new GastownError(`There is no message ${id}.`, {
      code: "not-found",
      hint: "Take the id from gt mail inbox (the number before the subject).",
      status: 404,
    });
  }
  const parsed = parseMail(comment.body);
  if (parsed.kind === "damaged") {
    throw new GastownError(`Message ${id} cannot be read: ${parsed.problem}.`, {
      code: "bad-input",
      hint: `Open it on GitHub instead: ${comment.url}`,
    });
  }
  const message = mailFromComment(comment);
  if (!message) {
    throw new GastownError(`Comment ${id} is not mail.`, {
      code: "bad-input",
      hint: "Take the id from gt mail inbox; ordinary comments are read on GitHub.",
    });
  }
  return { message, comment };
}

/** Writes a new read state to the address's mailbox (creating it), when it changed. */
async function saveState(
  town: TownContext,
  address: Address,
  view: MailboxView,
  next: MailboxState,
): Promise<void> {
  if (view.mailbox && sameState(view.state, next) && view.problem === null) return;
  const mailbox = view.mailbox ?? (await ensureMailbox(town, address));
  if (!mailbox.writable) {
    throw new GastownError(
      `Mailbox #${mailbox.number} was written by a newer gastown; its read state cannot be saved.`,
      {
        code: "conflict",
        hint: "Upgrade gastown, then read again.",
      },
    );
  }
  await updateIssue(town, {
    number: mailbox.number,
    body: { text: mailbox.body, metadata: writeMailboxState(mailbox.metadata, next) },
  });
}

export interface ReadResult {
  message: MailMessage;
  /** True when it was unread for the reader before this read. */
  wasUnread: boolean;
}

/**
 * `gt mail read`: one message. When it is for `address` (or @town) the reader's cursor moves
 * past it (and past anything already read after it); reading other mail changes nothing.
 */
export async function readMail(
  town: TownContext,
  params: { address: Address | string; id: number },
): Promise<ReadResult> {
  const address = toAddress(params.address, "reader");
  const { message } = await getMail(town, params.id);
  if (!isFor(message.envelope, address)) return { message, wasUnread: false };
  const view = await loadMailbox(town, address);
  if (isRead(view.state, message.id)) return { message, wasUnread: false };
  const since = view.state.cursor?.at;
  const stream = messagesFor(await listRepoComments(town, since === undefined ? {} : { since }), address);
  const next = markRead(
    view.state,
    [message.id],
    stream.map((item) => ({ id: item.message.id, createdAt: item.createdAt })),
  );
  await saveState(town, address, view, next);
  return { message, wasUnread: true };
}

/** `gt mail archive`: read and hidden from `inbox --all`. Ids not for `address` are refused. */
export async function archiveMail(
  town: TownContext,
  params: { address: Address | string; ids: readonly number[] },
): Promise<{ archived: number[] }> {
  const address = toAddress(params.address, "reader");
  const messages = await Promise.all(params.ids.map((id) => getMail(town, id)));
  const foreign = messages.filter(({ message }) => !isFor(message.envelope, address));
  if (foreign.length > 0) {
    throw new GastownError(
      `Message ${foreign.map(({ message }) => message.id).join(", ")} is not addressed to ${formatAddress(address)}.`,
      { code: "bad-input", hint: "Archive your own mail; pass --address to act as another recipient." },
    );
  }
  const view = await loadMailbox(town, address);
  // Archived mail is read mail, so the archive cursor never passes the read cursor: reading from
  // it covers both.
  const since = view.state.archiveCursor?.at ?? null;
  const stream = messagesFor(await listRepoComments(town, since === null ? {} : { since }), address);
  const next = markArchived(
    view.state,
    params.ids,
    stream.map((item) => ({ id: item.message.id, createdAt: item.createdAt })),
  );
  await saveState(town, address, view, next);
  return { archived: [...params.ids] };
}

/**
 * `gt mail reply`: back to the sender, same thread, `Re:` subject. It goes where the original
 * is when that is a bead, and to the sender's mailbox otherwise.
 */
export async function replyMail(
  town: TownContext,
  params: {
    from: Address | string;
    id: number;
    body: string;
    subject?: string;
    priority?: Priority;
    mentions?: readonly string[];
  },
): Promise<SentMail> {
  const from = toAddress(params.from, "sender");
  const { message } = await getMail(town, params.id);
  const envelope = replyEnvelope(message, {
    from,
    sentAt: nowOf(town),
    ...(params.subject === undefined ? {} : { subject: params.subject }),
    ...(params.priority === undefined ? {} : { priority: params.priority }),
  });
  const text = checkedText(envelope, params.body, params.mentions);
  const where = await getBead(town, message.issue);
  return post(town, { envelope, text, ...(where.type === "mailbox" ? {} : { bead: where.number }) });
}

/** `gt mail thread`: every message of a conversation, oldest first. Takes a thread id or a message id. */
export async function mailThread(
  town: TownContext,
  params: { thread: string | number },
): Promise<{ thread: string; messages: MailMessage[] }> {
  const thread =
    typeof params.thread === "number"
      ? (await getMail(town, params.thread)).message.envelope.thread
      : params.thread;
  const comments = await listRepoComments(town);
  const messages = comments.flatMap((comment) => {
    const message = mailFromComment(comment);
    return message && message.envelope.thread === thread ? [message] : [];
  });
  if (messages.length === 0) {
    throw new GastownError(`There is no mail in thread "${thread}".`, {
      code: "not-found",
      hint: "Take the thread id from gt mail read, or pass a message id instead.",
    });
  }
  return { thread, messages };
}
