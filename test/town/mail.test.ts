// Mail on the loopback GitHub: send to a mailbox (created on first use) or onto a bead, the
// inbox as unread-after-cursor, read, reply in thread, thread, archive, and the refusals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBead } from "../../src/github/issues.ts";
import { GastownError } from "../../src/model/errors.ts";
import { createBead } from "../../src/town/beads.ts";
import { archiveMail, mailThread, readInbox, readMail, replyMail, sendMail } from "../../src/town/mail.ts";
import { findMailbox, listMailboxes } from "../../src/town/mailbox.ts";
import { listRepoComments } from "../../src/town/repo-comments.ts";
import { startTown, type TestTown } from "./helpers.ts";

let t: TestTown;
beforeAll(async () => {
  t = await startTown();
});
afterAll(async () => {
  await t?.stop();
});

const subjects = (inbox: { entries: Array<{ message: { envelope: { subject: string } } }> }) =>
  inbox.entries.map((e) => e.message.envelope.subject);

describe("mail", () => {
  describe("when mail is sent to an address for the first time", () => {
    it("creates its mailbox once and delivers there", async () => {
      const first = await sendMail(t.town, {
        from: "mayor/",
        to: "gastown/witness",
        subject: "Patrol",
        body: "Check the polecats.",
        type: "task",
        priority: 1,
      });
      const second = await sendMail(t.town, {
        from: "mayor/",
        to: "gastown/witness",
        subject: "Again",
        body: "x",
      });
      expect(second.issue).toBe(first.issue);
      const mailbox = await getBead(t.town, first.issue);
      expect(mailbox.title).toBe("Mailbox: gastown/witness");
      expect(mailbox.type).toBe("mailbox");
      expect(first.message.envelope).toMatchObject({ type: "task", priority: 1, subject: "Patrol" });
      expect((await listMailboxes(t.town)).length).toBe(1);
    });
  });

  describe("when mail concerns a bead", () => {
    it("goes on the bead and still reaches the inbox", async () => {
      const bead = await createBead(t.town, { title: "Flaky test" });
      const sent = await sendMail(t.town, {
        from: "gastown/refinery",
        to: "gastown/polecats/rust",
        subject: "MERGE_FAILED rust",
        body: "Tests failed on the staging branch.",
        bead: bead.number,
      });
      expect(sent).toMatchObject({ issue: bead.number, onBead: true });
      const inbox = await readInbox(t.town, { address: "gastown/polecats/rust" });
      expect(subjects(inbox)).toEqual(["MERGE_FAILED rust"]);
      expect(inbox.mailbox).toBeNull();
    });
  });

  describe("when the inbox is read", () => {
    it("shows unread mail after the cursor, and reading moves the cursor", async () => {
      const to = "deacon/";
      const ids: number[] = [];
      for (const subject of ["one", "two", "three"]) {
        ids.push((await sendMail(t.town, { from: "mayor/", to, subject, body: `${subject}!` })).message.id);
      }
      await sendMail(t.town, { from: "mayor/", to: "@town", subject: "all hands", body: "Everyone." });
      expect(subjects(await readInbox(t.town, { address: to }))).toEqual([
        "one",
        "two",
        "three",
        "all hands",
      ]);

      // Out of order: the cursor waits for "one".
      expect((await readMail(t.town, { address: to, id: ids[1]! })).wasUnread).toBe(true);
      expect(subjects(await readInbox(t.town, { address: to }))).toEqual(["one", "three", "all hands"]);
      await readMail(t.town, { address: to, id: ids[0]! });
      expect((await readMail(t.town, { address: to, id: ids[0]! })).wasUnread).toBe(false);
      const inbox = await readInbox(t.town, { address: to });
      expect(subjects(inbox)).toEqual(["three", "all hands"]);
      expect(inbox.unread).toBe(2);

      const all = await readInbox(t.town, { address: to, all: true });
      expect(all.entries.map((e) => [e.message.envelope.subject, e.read])).toEqual([
        ["one", true],
        ["two", true],
        ["three", false],
        ["all hands", false],
      ]);

      await archiveMail(t.town, { address: to, ids: [ids[0]!, ids[2]!] });
      expect(subjects(await readInbox(t.town, { address: to, all: true }))).toEqual(["two", "all hands"]);
    });

    it("reads the inbox in two requests: the mailbox and the comments since the cursor", async () => {
      await findMailbox(t.town, { kind: "deacon" });
      const before = t.requests();
      await readInbox(t.town, { address: "deacon/" });
      expect(t.requests() - before).toBe(2);
    });
  });

  describe("when mail is replied to", () => {
    it("goes back to the sender in the same thread, and the thread lists both", async () => {
      const original = await sendMail(t.town, {
        from: "gastown/polecats/tin",
        to: "mayor/",
        subject: "HELP: stuck",
        body: "The build hangs.",
      });
      const reply = await replyMail(t.town, {
        from: "mayor/",
        id: original.message.id,
        body: "Try --verbose.",
      });
      expect(reply.message.envelope).toMatchObject({
        subject: "Re: HELP: stuck",
        type: "reply",
        thread: original.message.envelope.thread,
        replyTo: original.message.id,
      });
      expect(reply.message.envelope.to).toEqual({ kind: "polecat", rig: "gastown", name: "tin" });
      const thread = await mailThread(t.town, { thread: reply.message.id });
      expect(thread.messages.map((m) => m.id)).toEqual([original.message.id, reply.message.id]);
    });
  });

  describe("when the body is over GitHub's 65,536 characters", () => {
    it("refuses it clearly and writes nothing, not even a mailbox", async () => {
      const before = (await listRepoComments(t.town)).length;
      const error = (await sendMail(t.town, {
        from: "mayor/",
        to: "newrig/witness",
        subject: "Huge",
        body: "x".repeat(70_000),
      }).catch((e: unknown) => e)) as GastownError;
      expect(error).toBeInstanceOf(GastownError);
      expect(error.code).toBe("too-long");
      expect(error.message).toMatch(/GitHub allows at most 65,536/);
      expect(error.hint).toMatch(/Nothing was sent/);
      expect((await listRepoComments(t.town)).length).toBe(before);
      expect(await findMailbox(t.town, { kind: "witness", rig: "newrig" })).toBeNull();
    });
  });

  describe("when an address is malformed", () => {
    it("says what is wrong and which forms work, before any request", async () => {
      const before = t.requests();
      const error = (await sendMail(t.town, {
        from: "mayor/",
        to: "gastown/",
        subject: "x",
        body: "y",
      }).catch((e: unknown) => e)) as GastownError;
      expect(error.code).toBe("bad-address");
      expect(error.message).toMatch(/"gastown\/" is not a mail address/);
      expect(error.hint).toMatch(/<rig>\/witness/);
      expect(t.requests()).toBe(before);
    });
  });

  describe("when a message id is not mail", () => {
    it("refuses to read it", async () => {
      await expect(readMail(t.town, { address: "mayor/", id: 999_999 })).rejects.toThrow(
        /There is no message 999999/,
      );
    });
  });
});
