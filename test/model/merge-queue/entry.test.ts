import { describe, expect, it } from "vitest";
import {
  applyPriorityOverride,
  checkEligibility,
  createEntry,
  effectivePriority,
  type EligibilityPolicy,
} from "../../../src/model/merge-queue/index.ts";
import { entry, NOW, prFacts, review, sha } from "./fixtures.ts";

const policy: EligibilityPolicy = { requireReview: true };
const codes = (facts: Parameters<typeof checkEligibility>[0], p = policy) => {
  const result = checkEligibility(facts, p);
  return result.eligible ? [] : result.reasons.map((r) => r.code);
};

describe("checkEligibility", () => {
  const head = sha(7);
  const old = sha(6);

  it.each([
    ["an approved, marked, open PR", prFacts(), []],
    ["a PR not marked for the queue", prFacts({ markedForQueue: false }), ["not-marked"]],
    ["a draft", prFacts({ draft: true }), ["draft"]],
    ["a closed PR", prFacts({ state: "closed" }), ["closed"]],
    ["a merged PR", prFacts({ merged: true, state: "closed" }), ["merged"]],
    ["a PR with no review", prFacts({ reviews: [] }), ["review-required"]],
    [
      "a PR approved only on an older head",
      prFacts({ reviews: [review("ada", "APPROVED", old, 3)] }),
      ["stale-approval"],
    ],
    [
      "a PR whose reviewer approved, then requested changes",
      prFacts({ reviews: [review("ada", "APPROVED", head, 3), review("ada", "CHANGES_REQUESTED", head, 1)] }),
      ["changes-requested", "review-required"],
    ],
    [
      "a PR whose reviewer requested changes, then approved the current head",
      prFacts({ reviews: [review("ada", "CHANGES_REQUESTED", old, 3), review("ada", "APPROVED", head, 1)] }),
      [],
    ],
    [
      "a PR whose approval is followed by a mere comment",
      prFacts({ reviews: [review("ada", "APPROVED", head, 3), review("ada", "COMMENTED", head, 1)] }),
      [],
    ],
    [
      "a PR whose approval was dismissed",
      prFacts({ reviews: [review("ada", "APPROVED", head, 3), review("ada", "DISMISSED", head, 1)] }),
      ["review-required"],
    ],
  ] as const)("judges %s", (_name, facts, expected) => {
    expect(codes(facts)).toEqual(expected);
  });

  it("ignores reviews when require_review is off", () => {
    expect(codes(prFacts({ reviews: [] }), { requireReview: false })).toEqual([]);
  });

  it("counts distinct reviewers' approvals on the current head only", () => {
    const facts = prFacts({
      reviews: [review("ada", "APPROVED", head, 2), review("bob", "APPROVED", old, 2)],
    });
    expect(codes(facts, { requireReview: true, requiredApprovals: 2 })).toEqual(["stale-approval"]);
  });

  it("says how to fix each reason", () => {
    const result = checkEligibility(
      prFacts({ draft: true, reviews: [review("ada", "APPROVED", old, 3)] }),
      policy,
    );
    expect(result).toMatchInlineSnapshot(`
      {
        "eligible": false,
        "reasons": [
          {
            "code": "draft",
            "fix": "mark it ready for review, then /queue",
            "message": "the pull request is a draft",
          },
          {
            "code": "stale-approval",
            "fix": "ask for a fresh approving review of the current head, then /queue",
            "message": "approval by @ada (on h000006) is for an older head, not h000007",
          },
        ],
      }
    `);
  });
});

describe("createEntry", () => {
  it("records the head at enqueue as the only SHA it may merge", () => {
    const created = createEntry({ pr: prFacts(), now: NOW, priority: 1 });
    expect(created).toMatchObject({ pr: 7, headSha: sha(7), enqueuedAt: NOW.toISOString(), retries: 0 });
    expect(created.mergedSha).toBeNull();
  });
});

describe("applyPriorityOverride", () => {
  describe("when a writer sends /queue p=0", () => {
    it("raises the entry's effective priority and remembers who", () => {
      const decision = applyPriorityOverride({
        entry: entry(3),
        priority: 0,
        by: "ada",
        permission: "write",
      });
      expect(decision.kind).toBe("apply");
      if (decision.kind === "apply") {
        expect(effectivePriority(decision.entry)).toBe(0);
        expect(decision.entry.override).toEqual({ priority: 0, by: "ada" });
      }
    });
  });

  describe("when a reader sends it", () => {
    it("refuses and says which permission is missing", () => {
      expect(applyPriorityOverride({ entry: entry(3), priority: 0, by: "eve", permission: "read" })).toEqual({
        kind: "refuse",
        message: "@eve has read permission; /queue p=0 needs write",
        fix: "ask a maintainer to set the priority",
      });
    });
  });
});
