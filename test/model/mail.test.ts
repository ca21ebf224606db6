import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Address,
  addressFromMailboxTitle,
  formatAddress,
  mailboxTitle,
  parseAddress,
} from "../../src/model/address.ts";
import { unwrap } from "../../src/model/errors.ts";
import { GITHUB_BODY_LIMIT } from "../../src/model/limits.ts";
import {
  createEnvelope,
  type MailEnvelope,
  mailFromComment,
  newThreadId,
  parseMail,
  renderMail,
  replyEnvelope,
} from "../../src/model/mail.ts";

describe("parseAddress", () => {
  it.each<[string, Address, string]>([
    ["mayor/", { kind: "mayor" }, "mayor/"],
    ["mayor", { kind: "mayor" }, "mayor/"],
    ["deacon/", { kind: "deacon" }, "deacon/"],
    ["overseer", { kind: "overseer" }, "overseer"],
    ["--human", { kind: "overseer" }, "overseer"],
    ["@overseer", { kind: "overseer" }, "overseer"],
    ["@town", { kind: "town" }, "@town"],
    ["gastown/witness", { kind: "witness", rig: "gastown" }, "gastown/witness"],
    ["gastown/refinery", { kind: "refinery", rig: "gastown" }, "gastown/refinery"],
    ["gastown/polecats/rust", { kind: "polecat", rig: "gastown", name: "rust" }, "gastown/polecats/rust"],
    ["gastown/rust", { kind: "polecat", rig: "gastown", name: "rust" }, "gastown/polecats/rust"],
    ["gastown/crew/max", { kind: "crew", rig: "gastown", name: "max" }, "gastown/crew/max"],
  ])("reads %s", (text, address, canonical) => {
    expect(unwrap(parseAddress(text))).toEqual(address);
    expect(formatAddress(address)).toBe(canonical);
  });

  describe("when the address is malformed", () => {
    it.each([
      ["", "it is empty"],
      ["witness", "a rig role needs its rig"],
      ["@everyone", "not a known group"],
      ["gastown/", "broadcast to a whole rig is not supported"],
      ["gastown/polecats", "needs a name after it"],
      ["gastown/polecats/", "the polecat name is empty"],
      ["gastown/boss/max", '"boss" is not a role with members'],
      ["gastown/polecats/a/b", "too many parts"],
      ["gas town/witness", 'the rig name "gas town" may only hold'],
      ["gastown/crew/witness", '"witness" is a role, not a crew name'],
      ["mayor/rust", "mayor/ is a town role"],
    ])("refuses %j saying why and listing the forms", (text, why) => {
      const result = parseAddress(text);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe("bad-address");
      expect(result.error.message).toContain(why);
      expect(result.error.hint).toContain("<rig>/polecats/<name>");
    });
  });

  it("maps each address to a mailbox title and back", () => {
    for (const text of [
      "mayor/",
      "overseer",
      "@town",
      "gastown/witness",
      "gastown/polecats/rust",
      "gastown/crew/max",
    ]) {
      const address = unwrap(parseAddress(text));
      expect(addressFromMailboxTitle(mailboxTitle(address))).toEqual(address);
    }
    expect(mailboxTitle({ kind: "witness", rig: "gastown" })).toBe("Mailbox: gastown/witness");
    expect(addressFromMailboxTitle("Fix the bug")).toBeNull();
  });
});

const sentAt = "2026-01-10T12:00:00.000Z";

function envelope(overrides: Partial<MailEnvelope> = {}): MailEnvelope {
  return {
    from: { kind: "mayor" },
    to: { kind: "witness", rig: "gastown" },
    subject: "MERGE_READY rust",
    type: "task",
    priority: 1,
    thread: "thread-abc123",
    replyTo: null,
    sentAt,
    ...overrides,
  };
}

describe("createEnvelope", () => {
  it("fills in the defaults and a fresh thread", () => {
    const e = unwrap(
      createEnvelope({ from: "mayor/", to: "gastown/witness", subject: " Hello ", sentAt: new Date(sentAt) }),
    );
    expect(e).toMatchObject({ subject: "Hello", type: "notification", priority: 2, replyTo: null, sentAt });
    expect(e.thread).toMatch(/^thread-[0-9a-f]{12}$/);
  });

  it("refuses a malformed recipient, naming the role", () => {
    const result = createEnvelope({ from: "mayor/", to: "gastown/", subject: "x", sentAt });
    expect(!result.ok && result.error.message).toMatch(/^Mail recipient: "gastown\/" is not a mail address/);
  });

  it("refuses an empty or multi-line subject", () => {
    expect(createEnvelope({ from: "mayor/", to: "overseer", subject: "  ", sentAt }).ok).toBe(false);
    expect(createEnvelope({ from: "mayor/", to: "overseer", subject: "a\nb", sentAt }).ok).toBe(false);
  });
});

describe("renderMail", () => {
  it("writes a hidden header and a heading people read", () => {
    const text = unwrap(
      renderMail(envelope(), "Branch: polecat/rust/12\n\nAll tests pass.", { mentions: ["alice"] }),
    );
    expect(text).toMatchInlineSnapshot(`
      "<!-- gastown-mail {"v":1,"from":"mayor/","to":"gastown/witness","subject":"MERGE_READY rust","type":"task","priority":1,"thread":"thread-abc123","replyTo":null,"sentAt":"2026-01-10T12:00:00.000Z"} -->
      #### ✉️ MERGE_READY rust
      <sub>from <code>mayor/</code> to <code>gastown/witness</code> · task · P1 · cc @alice</sub>

      Branch: polecat/rust/12

      All tests pass."
    `);
  });

  describe("when the body is over GitHub's limit", () => {
    it("refuses with the size, the limit and what to do, instead of cutting it", () => {
      const result = renderMail(envelope(), "x".repeat(GITHUB_BODY_LIMIT));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe("too-long");
      expect(result.error.message).toMatch(
        /^The mail is 65,8\d\d characters; GitHub allows at most 65,536 \(\d+ too many\)\.$/,
      );
      expect(result.error.hint).toContain("gist");
    });
  });
});

describe("parseMail", () => {
  it("reads back what renderMail wrote", () => {
    const body = "Line one\n\n  indented\n";
    const parsed = parseMail(unwrap(renderMail(envelope(), body)));
    expect(parsed).toEqual({ kind: "mail", envelope: envelope(), body });
  });

  it("says an ordinary comment is not mail", () => {
    expect(parseMail("LGTM")).toEqual({ kind: "not-mail" });
  });

  it("reports a damaged header instead of guessing", () => {
    expect(parseMail('<!-- gastown-mail {"v":1,"from": -->\nhi').kind).toBe("damaged");
    const bad = parseMail(
      '<!-- gastown-mail {"v":1,"from":"x","to":"overseer","subject":"s","type":"task","priority":1,"thread":"t","replyTo":null,"sentAt":"s"} -->',
    );
    expect(bad).toEqual({ kind: "damaged", problem: "the mail header names a malformed address (x)" });
    const future = parseMail(unwrap(renderMail(envelope(), "b")).replace('"v":1', '"v":9'));
    expect(future).toEqual({
      kind: "damaged",
      problem: "the mail header is version 9; upgrade gastown to read it",
    });
  });

  it("round-trips any subject and body", () => {
    const subject = fc
      .string({ minLength: 1, maxLength: 80 })
      .filter((s) => s.trim() === s && s !== "" && !/[\r\n]/.test(s));
    fc.assert(
      fc.property(
        subject,
        fc.string({ maxLength: 400 }),
        fc.constantFrom(...([0, 1, 2, 3, 4] as const)),
        (s, body, priority) => {
          const e = envelope({ subject: s, priority });
          expect(parseMail(unwrap(renderMail(e, body)))).toEqual({ kind: "mail", envelope: e, body });
        },
      ),
    );
  });
});

describe("replies", () => {
  it("go back to the sender on the same thread, answering the message", () => {
    const original = mailFromComment({
      id: 555,
      issue: 9,
      body: unwrap(renderMail(envelope(), "Please merge")),
      author: "gastown[bot]",
      createdAt: sentAt,
      updatedAt: sentAt,
      url: "https://github.com/acme/app/issues/9#issuecomment-555",
    });
    expect(original).not.toBeNull();
    const reply = replyEnvelope(original!, { from: { kind: "witness", rig: "gastown" }, sentAt });
    expect(reply).toEqual({
      from: { kind: "witness", rig: "gastown" },
      to: { kind: "mayor" },
      subject: "Re: MERGE_READY rust",
      type: "reply",
      priority: 1,
      thread: "thread-abc123",
      replyTo: 555,
      sentAt,
    });
  });

  it("make fresh thread ids from random bytes", () => {
    expect(newThreadId(new Uint8Array([1, 2, 255]))).toBe("thread-0102ff");
  });
});
