import { describe, expect, it } from "vitest";
import {
  type CheckReport,
  decideOutcome,
  guardLanding,
  type OutcomeInput,
} from "../../../src/model/merge-queue/index.ts";
import { sha } from "./fixtures.ts";

const plan = { base: "main", baseSha: sha(100, "b"), prs: [12, 14].map((pr) => ({ pr, headSha: sha(pr) })) };
const staging = sha(1, "s");
const ok = (name: string, at = staging): CheckReport => ({ name, sha: at, state: "success" });
const bad = (name: string, at = staging): CheckReport => ({ name, sha: at, state: "failure" });

const input = (fields: Partial<OutcomeInput> = {}): OutcomeInput => ({
  plan,
  stagingSha: staging,
  required: ["test", "lint"],
  reports: [ok("test"), ok("lint")],
  currentBaseSha: plan.baseSha,
  heads: new Map(plan.prs.map((p) => [p.pr, p.headSha])),
  retried: 0,
  retryFlaky: 1,
  ...fields,
});

describe("decideOutcome", () => {
  it.each([
    ["every required check passed", {}, "fast-forward"],
    ["a required check has not reported", { reports: [ok("test")] }, "wait"],
    [
      "a required check passed only on another SHA",
      { reports: [ok("test"), ok("lint", sha(2, "s"))] },
      "wait",
    ],
    [
      "a check is still running",
      { reports: [ok("test"), { name: "lint", sha: staging, state: "pending" }] },
      "wait",
    ],
    ["a check failed and a re-run is left", { reports: [ok("test"), bad("lint")] }, "retry"],
    ["a check failed after the re-run", { reports: [ok("test"), bad("lint")], retried: 1 }, "bisect"],
    ["a check failed and retry_flaky is 0", { reports: [bad("test")], retryFlaky: 0 }, "bisect"],
    ["the checks timed out", { reports: [ok("test")], timedOut: true, retried: 1 }, "bisect"],
    [
      "a re-run passed (the later report wins)",
      { reports: [bad("lint"), ok("test"), ok("lint")] },
      "fast-forward",
    ],
    ["the base moved while testing", { currentBaseSha: sha(101, "b") }, "rebuild"],
    ["no check is required and none reported", { required: [], reports: [] }, "wait"],
    ["no check is required and all reported passed", { required: [], reports: [ok("ci")] }, "fast-forward"],
    [
      "no check is required and one reported failed",
      { required: [], reports: [ok("ci"), bad("e2e")], retried: 1 },
      "bisect",
    ],
  ] as const)("when %s, decides %s", (_name, fields, kind) => {
    expect(decideOutcome(input(fields)).kind).toBe(kind);
  });

  it("fast-forwards the base from the plan's SHA to the exact staging SHA", () => {
    expect(decideOutcome(input())).toEqual({
      kind: "fast-forward",
      base: "main",
      fromSha: plan.baseSha,
      toSha: staging,
      prs: [12, 14],
    });
  });

  describe("when a PR in the batch was pushed to during the test", () => {
    it("rebuilds without it even though the checks passed", () => {
      const heads = new Map([
        [12, sha(12)],
        [14, sha(14, "x")],
      ]);
      expect(decideOutcome(input({ heads }))).toEqual({
        kind: "rebuild",
        reason: "#14 changed after it was queued",
        removals: [{ pr: 14, cause: { kind: "head-changed", queuedSha: sha(14), headSha: sha(14, "x") } }],
      });
    });
  });
});

describe("guardLanding", () => {
  const landing = {
    baseSha: plan.baseSha,
    currentBaseSha: plan.baseSha,
    sha: staging,
    prs: plan.prs,
    heads: new Map(plan.prs.map((p) => [p.pr, p.headSha])),
    required: ["test"],
    reports: [ok("test")],
  };

  it("allows a landing with green checks, the same base and the same heads", () => {
    expect(guardLanding(landing)).toEqual({ ok: true });
  });

  it("refuses when the checks on that SHA are not all green", () => {
    expect(guardLanding({ ...landing, reports: [ok("test", sha(9, "s"))] })).toMatchObject({
      ok: false,
      reason: "checks",
    });
  });

  it("refuses when the base moved", () => {
    expect(guardLanding({ ...landing, currentBaseSha: sha(5, "b") })).toMatchObject({
      ok: false,
      reason: "base-moved",
    });
  });
});
