// `npm run bench -- mail`: `gt mail inbox` of a mailbox holding 500 messages, 480 of them read.
// Read state is a cursor in the mailbox's metadata, so the inbox costs the mailbox lookup plus
// one list of the comments since the cursor: target requests ≤ 2. Seeding sends every message
// with sendMail and reads the first 480 in order with readMail (the `gt mail read` path), so the
// cursor advances as it does for a real reader; none of that is measured.
//
// GitHub's timestamps, and so `since`, have one-second resolution: the list returns every comment
// from the cursor's second on. Real GitHub spaces content creation far below 100 comments a
// second (its secondary limits), but the loopback GitHub does not, so sends are paced to at most
// SENDS_PER_SECOND per clock second; `listed` says how many comments the inbox's list returned.
// `MAIL_SENT=1000 MAIL_READ=990 npm run bench -- mail` to change the size.
import { setTimeout as sleep } from "node:timers/promises";
import type { MailMessage } from "../src/model/mail.ts";
import { readInbox, readMail, sendMail } from "../src/town/mail.ts";
import { findMailbox } from "../src/town/mailbox.ts";
import { readMailboxState } from "../src/town/mailbox-state.ts";
import { listRepoComments } from "../src/town/repo-comments.ts";
import { measure, report, withBenchTown } from "./_setup.ts";

const SENT = Number(process.env.MAIL_SENT ?? 500);
const READ = Number(process.env.MAIL_READ ?? 480);
const RECIPIENT = "gastown/polecats/nux";
const SENDS_PER_SECOND = 50;
const SENDERS = ["mayor/", "gastown/witness", "gastown/refinery", "gastown/polecats/furiosa"];

await withBenchTown(async ({ sim, town }) => {
  // One at a time: the first send creates the mailbox, and the stream keeps sending order.
  const sent: MailMessage[] = [];
  let second = 0;
  let inSecond = 0;
  for (let i = 0; i < SENT; i += 1) {
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      second = now;
      inSecond = 0;
    } else if (inSecond >= SENDS_PER_SECOND) {
      await sleep((now + 1) * 1000 - Date.now());
      second = now + 1;
      inSecond = 0;
    }
    inSecond += 1;
    const mail = await sendMail(town, {
      from: SENDERS[i % SENDERS.length] as string,
      to: RECIPIENT,
      subject: `Bench message ${i + 1}`,
      body: `Message ${i + 1} of ${SENT} for the mail benchmark.`,
      type: i % 10 === 0 ? "task" : "notification",
    });
    sent.push(mail.message);
  }
  for (const message of sent.slice(0, READ)) {
    const read = await readMail(town, { address: RECIPIENT, id: message.id });
    if (!read.wasUnread) throw new Error(`message ${message.id} was already read before its turn`);
  }

  const { result, requests, ms, breakdown } = await measure(sim, () =>
    readInbox(town, { address: RECIPIENT }),
  );
  const expected = SENT - READ;
  if (result.unread !== expected)
    throw new Error(`the inbox shows ${result.unread} unread, expected ${expected}`);
  // How much the `since` list carried (read after the measurement, so not counted).
  const mailbox = await findMailbox(town, result.address);
  const cursor = mailbox ? readMailboxState(mailbox.metadata).state.cursor : null;
  const listed = (await listRepoComments(town, cursor ? { since: cursor.at } : {})).length;
  const target = 2;
  report(
    {
      bench: "mail",
      requests,
      sent: SENT,
      read: READ,
      unread: result.unread,
      ms,
      target,
      target_met: requests <= target,
    },
    { listed, calls: breakdown },
  );
});
