import { describe, expect, it } from "vitest";
import { describeRemoval, planRemoval, type RemovalCause } from "../../../src/model/merge-queue/index.ts";
import { sha } from "./fixtures.ts";

const conflict: RemovalCause = {
  kind: "conflict",
  base: "main",
  baseSha: sha(1, "b"),
  files: ["src/a.ts", "src/b.ts"],
};
const failed: RemovalCause = { kind: "checks-failed", sha: sha(12, "s"), checks: ["test"] };

describe("describeRemoval", () => {
  it.each([
    [conflict, "conflicts with main (src/a.ts, src/b.ts) — rebase on main and /queue"],
    [failed, "checks failed on s000012 — push a fix or /queue"],
    [
      { kind: "head-changed", queuedSha: sha(1), headSha: sha(2) },
      "head changed after it was queued — the new head queues again once it is eligible, or /queue",
    ],
    [{ kind: "closed" }, "the pull request was closed — reopen it and /queue"],
    [{ kind: "dequeued", by: "ada" }, "dequeued by @ada — /queue to return"],
    [
      { kind: "merge-queue", reason: "CI_TIMEOUT" },
      "GitHub's merge queue removed it (ci timeout) — fix that and /queue",
    ],
    [
      { kind: "conflict", base: "main", baseSha: "b", files: ["1", "2", "3", "4", "5", "6", "7"] },
      "conflicts with main (1, 2, 3, 4, 5 and 2 more) — rebase on main and /queue",
    ],
  ] as const)("says why and how to re-enter (%o)", (cause, text) => {
    expect(describeRemoval(cause)).toBe(text);
  });
});

describe("planRemoval", () => {
  describe("when a PR conflicts with the base", () => {
    it("plans a fix-up bead for its polecat", () => {
      expect(planRemoval({ pr: 12, cause: conflict, retries: 0 })).toMatchInlineSnapshot(`
        {
          "followUp": {
            "bead": {
              "body": "#12 no longer merges onto \`main\` at b000001.

        Conflicting files:
        - \`src/a.ts\`
        - \`src/b.ts\`

        Merge \`main\` into the PR's branch, resolve the conflicts and push: #12 goes back in the queue at its new head.",
              "title": "resolve conflicts with main in #12",
            },
            "kind": "fix-up",
          },
          "pr": 12,
          "reason": "conflicts with main (src/a.ts, src/b.ts) — rebase on main and /queue",
        }
      `);
    });
  });

  describe("when a check failed", () => {
    it("names the check in the fix-up bead", () => {
      const plan = planRemoval({ pr: 12, cause: failed, retries: 4 });
      expect(plan.followUp.kind === "fix-up" && plan.followUp.bead.title).toBe(
        "fix failing check test in #12",
      );
    });
  });

  describe("when it already went back max_retries times", () => {
    it("escalates to the overseer instead (default max_retries 5)", () => {
      const plan = planRemoval({ pr: 12, cause: failed, retries: 5 });
      expect(plan.followUp.kind).toBe("escalate");
      expect(plan.followUp.kind === "escalate" && plan.followUp.bead.title).toBe(
        "#12 still cannot merge after 5 fix-ups",
      );
      expect(planRemoval({ pr: 12, cause: failed, retries: 1, maxRetries: 1 }).followUp.kind).toBe(
        "escalate",
      );
    });
  });

  describe("when the PR left for a reason its author controls", () => {
    it("plans no follow-up bead", () => {
      expect(planRemoval({ pr: 12, cause: { kind: "dequeued", by: "ada" }, retries: 0 }).followUp).toEqual({
        kind: "none",
      });
    });
  });
});
