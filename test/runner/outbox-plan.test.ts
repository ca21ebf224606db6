import { describe, expect, it } from "vitest";
import { unwrap } from "../../src/model/errors.ts";
import {
  createOutboxEntry,
  type OutboxEntry,
  type OutboxEntryInput,
  planOutbox,
} from "../../src/runner/outbox.ts";
import type { OutboxContext } from "../../src/runner/outbox-plan.ts";

let counter = 0;
function entry(input: OutboxEntryInput): OutboxEntry {
  counter += 1;
  return unwrap(
    createOutboxEntry(input, {
      now: new Date("2026-03-01T12:00:00Z"),
      id: `entry-${String(counter).padStart(4, "0")}`,
    }),
  );
}

const context: OutboxContext = {
  bead: 12,
  polecat: "rust",
  rig: "gastown",
  attempt: 2,
  runUrl: "https://github.com/acme/app/actions/runs/99",
  molecule: {
    root: 10,
    steps: [
      { id: "design", title: "Design", issue: 11, done: true },
      { id: "implement", title: "Implement", issue: 12, done: false },
      { id: "test", title: "Test", issue: 13, done: false },
    ],
  },
};

describe("planOutbox", () => {
  describe("mail", () => {
    it("sends it from the polecat's own address, defused and redacted", () => {
      const mail = entry({
        kind: "mail",
        to: "mayor",
        subject: "Blocked   on CI",
        body: "@octocat CI needs ghp_abcdefghijklmnopqrstuvwxyz0123456789 and fixes #3",
        type: "task",
        priority: 1,
      });
      const plan = planOutbox([mail], context);
      expect(plan.operations).toEqual([
        {
          op: "send-mail",
          entry: mail.id,
          from: "gastown/polecats/rust",
          to: "mayor/",
          subject: "Blocked on CI",
          body: "@\u200boctocat CI needs [REDACTED] and fixes\u200b #3",
          type: "task",
          priority: 1,
          bead: null,
        },
      ]);
      expect(plan.rejected).toEqual([]);
    });

    it("rejects a malformed address with the accepted forms", () => {
      const mail = entry({ kind: "mail", to: "the boss", subject: "hi", body: "hello" });
      const plan = planOutbox([mail], context);
      expect(plan.operations).toEqual([]);
      expect(plan.rejected[0]?.reason).toMatch(
        /^"the boss" is not a mail address: a rig role needs its rig, like gastown\/witness\. Write one of mayor\//,
      );
    });

    it("stops at the job's cap and carries the count to the next plan", () => {
      const mails = [1, 2, 3].map((n) =>
        entry({ kind: "mail", to: "mayor/", subject: `note ${n}`, body: "x" }),
      );
      const first = planOutbox(mails.slice(0, 2), { ...context, limits: { mail: 2 } });
      expect(first.operations).toHaveLength(2);
      const second = planOutbox(mails.slice(2), { ...context, limits: { mail: 2 }, tally: first.tally });
      expect(second.operations).toEqual([]);
      expect(second.rejected[0]?.reason).toBe(
        "this job already sent mail 2 times, the most one job may; the rest are not applied",
      );
    });
  });

  describe("discovered work", () => {
    it("files a bead that says where it was found", () => {
      const found = entry({
        kind: "discovered",
        title: "Flaky retry test",
        body: "Fails 1 in 10.",
        type: "bug",
        labels: ["flaky"],
      });
      const plan = planOutbox([found], context);
      expect(plan.operations).toEqual([
        {
          op: "create-bead",
          entry: found.id,
          title: "Flaky retry test",
          body: "Fails 1 in 10.\n\n<sub>Discovered by `gastown/polecats/rust` while working on #12.</sub>",
          type: "bug",
          priority: 2,
          labels: ["flaky"],
          discoveredFrom: 12,
        },
      ]);
    });

    it("refuses the town's own labels", () => {
      const found = entry({ kind: "discovered", title: "x", labels: ["status/hooked"] });
      expect(planOutbox([found], context).rejected[0]?.reason).toBe(
        'label "status/hooked" belongs to the town (status, priority, type or sling); give the type with -t and the priority with -p instead',
      );
    });
  });

  describe("steps", () => {
    it("closes an open step once, and skips it the second time", () => {
      const done = entry({ kind: "step-done", step: "implement", note: "all green" });
      const again = entry({ kind: "step-done", step: "implement" });
      const plan = planOutbox([done, again], context);
      expect(plan.operations).toEqual([
        { op: "close-step", entry: done.id, step: "implement", issue: 12, note: "all green" },
      ]);
      expect(plan.skipped).toEqual([{ entry: again, reason: 'step "implement" is already closed' }]);
      expect(plan.signals.stepsClosed).toEqual(["implement"]);
      expect(plan.tally.stepsClosed).toEqual(["implement"]);
    });

    it("skips a step that was closed before the job", () => {
      const plan = planOutbox([entry({ kind: "step-done", step: "design" })], context);
      expect(plan.operations).toEqual([]);
      expect(plan.skipped[0]?.reason).toBe('step "design" is already closed');
    });

    it("rejects a step the molecule does not have, naming the ones it has", () => {
      const plan = planOutbox([entry({ kind: "step-done", step: "deploy" })], context);
      expect(plan.rejected[0]?.reason).toBe(
        'molecule #10 has no step "deploy"; its steps are design, implement, test',
      );
    });

    it("rejects a step on a bead that is not in a molecule", () => {
      const plan = planOutbox([entry({ kind: "step-done", step: "x" })], { ...context, molecule: null });
      expect(plan.rejected[0]?.reason).toBe(
        'bead #12 is not part of a molecule, so there is no step "x" to close; use gt done when the work is finished',
      );
    });
  });

  describe("escalation", () => {
    it("files it with the severity's priority and notifies the overseers when high", () => {
      const help = entry({
        kind: "escalate",
        description: "Cannot reach the test database",
        severity: "high",
        reason: "Tried twice.",
      });
      const plan = planOutbox([help], context);
      expect(plan.operations).toEqual([
        {
          op: "escalate",
          entry: help.id,
          title: "Cannot reach the test database",
          body: "**Severity:** high\n\nRaised by `gastown/polecats/rust` while working on #12 (attempt 2). [Run](https://github.com/acme/app/actions/runs/99)\n\nTried twice.",
          severity: "high",
          priority: 1,
          bead: 12,
          notifyOverseer: true,
        },
      ]);
      expect(plan.signals.escalations).toEqual([
        { severity: "high", description: "Cannot reach the test database" },
      ]);
    });

    it("defaults to medium, which notifies nobody", () => {
      const plan = planOutbox([entry({ kind: "escalate", description: "Unsure about scope" })], context);
      expect(plan.operations[0]).toMatchObject({ severity: "medium", priority: 2, notifyOverseer: false });
    });
  });

  describe("handoff and done", () => {
    it("posts one handoff comment listing the steps closed so far", () => {
      const step = entry({ kind: "step-done", step: "implement" });
      const handoff = entry({ kind: "handoff", message: "Run the tests next." });
      const twice = entry({ kind: "handoff", message: "again" });
      const plan = planOutbox([step, handoff, twice], context);
      const comment = plan.operations.find((op) => op.op === "comment");
      expect(comment).toMatchObject({ op: "comment", issue: 12, purpose: "handoff" });
      expect(comment?.op === "comment" && comment.body).toContain("- step `implement` closed");
      expect(comment?.op === "comment" && comment.body).toContain("Run the tests next.");
      expect(plan.signals.handoff).toEqual({ message: "Run the tests next." });
      expect(plan.skipped).toEqual([
        { entry: twice, reason: "this job already handed off; one handoff comment is enough" },
      ]);
    });

    it("records done as a signal for the end of the job, with no GitHub write", () => {
      const plan = planOutbox(
        [entry({ kind: "done", summary: "Fixed the redirect." }), entry({ kind: "done" })],
        context,
      );
      expect(plan.operations).toEqual([]);
      expect(plan.signals.done).toEqual({ summary: "Fixed the redirect." });
      expect(plan.skipped.map((s) => s.reason)).toEqual(["the work was already marked done"]);
    });
  });

  it("redacts the secrets it is given in every text", () => {
    const key = "sk-ant-api03-secretsecretsecret";
    const plan = planOutbox(
      [
        entry({ kind: "mail", to: "mayor/", subject: `key ${key}`, body: `the key is ${key}` }),
        entry({ kind: "discovered", title: `Rotate ${key}`, body: key }),
      ],
      { ...context, secrets: [key] },
    );
    expect(JSON.stringify(plan.operations)).not.toContain(key);
  });
});
