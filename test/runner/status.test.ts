import { describe, expect, it } from "vitest";
import { unwrap } from "../../src/model/errors.ts";
import { createOutboxEntry, type OutboxEntry, type OutboxEntryInput } from "../../src/runner/outbox.ts";
import { decideStatus, type StatusInput } from "../../src/runner/status.ts";
import { type AgentResult, parseTranscript } from "../../src/runner/stream.ts";
import { fixture } from "./helpers.ts";

function resultOf(name: string): AgentResult {
  const last = parseTranscript(fixture(name)).at(-1);
  if (last?.kind !== "result") throw new Error(`${name} has no result`);
  return last.result;
}

function entry(input: OutboxEntryInput): OutboxEntry {
  return unwrap(createOutboxEntry(input, { id: `e-${input.kind}-000` }));
}

const ok: StatusInput = {
  result: resultOf("success"),
  exitCode: 0,
  entries: [],
  hasChanges: true,
  maxTurns: 50,
};

describe("decideStatus", () => {
  describe("when the agent ran gt done with changes", () => {
    it("is done: push, open the PR, release the hook with the bead in review", () => {
      expect(decideStatus({ ...ok, entries: [entry({ kind: "done" })] })).toEqual({
        status: "done",
        reasons: ["The agent finished the work (`gt done`)."],
        push: true,
        openPr: true,
        hook: "review",
        beadBackToReady: false,
        writeHandoff: false,
      });
    });
  });

  describe("when the agent finished cleanly without gt done", () => {
    it("is done all the same, and says so", () => {
      const decision = decideStatus(ok);
      expect(decision).toMatchObject({ status: "done", openPr: true, hook: "review" });
      expect(decision.reasons[0]).toBe(
        "The agent finished without running `gt done`; its changes are submitted for review.",
      );
    });
  });

  describe("when there are no changes", () => {
    it("opens no PR and puts the bead back to ready", () => {
      for (const entries of [[], [entry({ kind: "done" })]]) {
        const decision = decideStatus({ ...ok, entries, hasChanges: false });
        expect(decision).toMatchObject({
          status: "failed",
          push: false,
          openPr: false,
          hook: "release",
          beadBackToReady: true,
        });
        expect(decision.reasons.at(-1)).toBe(
          "The agent finished without changing anything, so there is no pull request; the bead goes back to ready.",
        );
      }
    });
  });

  describe("when the agent escalated", () => {
    it("is escalated even if it also said done, and keeps the work and the hook", () => {
      const decision = decideStatus({
        ...ok,
        entries: [
          entry({ kind: "escalate", description: "Need database access", severity: "high" }),
          entry({ kind: "done" }),
        ],
      });
      expect(decision).toMatchObject({ status: "escalated", push: true, openPr: false, hook: "keep" });
      expect(decision.reasons).toEqual(["The agent escalated (high): Need database access"]);
    });
  });

  describe("when the agent handed off", () => {
    it("is handoff, without a second handoff comment from the runner", () => {
      expect(
        decideStatus({ ...ok, entries: [entry({ kind: "handoff", message: "next: tests" })] }),
      ).toMatchObject({
        status: "handoff",
        hook: "keep",
        writeHandoff: false,
      });
    });
  });

  describe("when the agent reached its turn limit", () => {
    it("hands off and asks the runner to write the handoff comment", () => {
      const decision = decideStatus({ ...ok, result: resultOf("max-turns"), exitCode: 1 });
      expect(decision).toMatchObject({ status: "handoff", push: true, hook: "keep", writeHandoff: true });
      expect(decision.reasons[0]).toBe(
        "The agent reached its turn limit after 3 turns; a fresh job continues from the hook.",
      );
    });

    it("counts a success beyond max-turns as a turn limit too", () => {
      expect(decideStatus({ ...ok, maxTurns: 5 }).status).toBe("handoff");
    });
  });

  describe("when the watchdog ended a hung stream", () => {
    it("hands off with the watchdog's reason", () => {
      const decision = decideStatus({
        ...ok,
        result: null,
        exitCode: null,
        signal: "SIGTERM",
        timeout: {
          reason: "idle",
          elapsedMs: 900_000,
          idleMs: 600_000,
          message: "The agent printed nothing for 10 min (idle limit 10 min); its stream looks hung.",
        },
      });
      expect(decision).toMatchObject({ status: "handoff", writeHandoff: true });
      expect(decision.reasons[0]).toBe(
        "The agent printed nothing for 10 min (idle limit 10 min); its stream looks hung. A fresh job continues from the hook.",
      );
    });
  });

  describe("when the agent is not logged in (subtype success, is_error true)", () => {
    it("fails with the CLI's own words", () => {
      const decision = decideStatus({
        ...ok,
        result: resultOf("not-logged-in"),
        exitCode: 1,
        hasChanges: false,
      });
      expect(decision).toMatchObject({ status: "failed", hook: "keep", beadBackToReady: false });
      expect(decision.reasons).toEqual(["The agent reported an error: Not logged in · Please run /login"]);
    });
  });

  describe("when the run fails during execution", () => {
    it("fails with the errors the result carries and keeps the work", () => {
      const decision = decideStatus({ ...ok, result: resultOf("error-during-execution"), exitCode: 1 });
      expect(decision).toMatchObject({ status: "failed", push: true });
      expect(decision.reasons).toEqual([
        "The agent ended with error during execution: API Error: 529 Overloaded",
      ]);
    });
  });

  describe("when the agent crashed", () => {
    it("fails and names the exit code or signal", () => {
      expect(decideStatus({ ...ok, result: null, exitCode: 1 }).reasons).toEqual([
        "The agent exited with code 1 before it reported a result.",
      ]);
      expect(decideStatus({ ...ok, result: null, exitCode: null, signal: "SIGKILL" }).reasons).toEqual([
        "The agent was killed by SIGKILL before it reported a result.",
      ]);
    });

    it("does not trust a success result from a process that exited non-zero", () => {
      expect(decideStatus({ ...ok, exitCode: 2 })).toMatchObject({
        status: "failed",
        reasons: ["The agent reported success but exited with code 2."],
      });
    });
  });

  describe("when the agent could not start", () => {
    it("fails with the start error first of all", () => {
      expect(
        decideStatus({
          ...ok,
          startError: "No Anthropic credentials.",
          result: null,
          exitCode: null,
          entries: [entry({ kind: "done" })],
        }),
      ).toMatchObject({ status: "failed", reasons: ["No Anthropic credentials."] });
    });
  });

  describe("when the hook moved on while the agent ran", () => {
    it("fails, pushes the work, and leaves the PR, the hook and the bead alone", () => {
      expect(
        decideStatus({ ...ok, entries: [entry({ kind: "done" })], hookLostTo: "polecat toast (attempt 3)" }),
      ).toEqual({
        status: "failed",
        reasons: [
          "The bead's hook moved on while the agent ran (it is now held by polecat toast (attempt 3)): the work stays on the branch, and the pull request, the hook and the bead were left alone.",
        ],
        push: true,
        openPr: false,
        hook: "keep",
        beadBackToReady: false,
        writeHandoff: false,
      });
    });
  });
});
