import { describe, expect, it } from "vitest";
import {
  describeReason,
  explainReadiness,
  listBlocked,
  planReady,
  sortBeads,
} from "../../src/model/ready.ts";
import { bead, day } from "./beads.ts";

const now = new Date("2026-02-01T00:00:00Z");

describe("planReady", () => {
  describe("when three beads form a chain", () => {
    // #1 blocks #2, #2 blocks #3: only #1 is ready.
    const beads = [
      bead({ number: 1, created_at: day(3) }),
      bead({ number: 2, created_at: day(2), blocked_by: 1 }),
      bead({ number: 3, created_at: day(1), blocked_by: 1 }),
    ];

    it("offers only the bead with no open blocker", () => {
      expect(planReady(beads, { now }).ready.map((b) => b.number)).toEqual([1]);
    });

    it("makes the next ready once its blocker is closed (GitHub counts open blockers only)", () => {
      const after = [
        bead({ number: 1, state: "closed" }),
        bead({ number: 2, total_blocked_by: 1 }),
        beads[2]!,
      ];
      expect(planReady(after, { now }).ready.map((b) => b.number)).toEqual([2]);
    });
  });

  describe("when beads carry statuses that take them out of play", () => {
    const beads = [
      bead({ number: 1, labels: ["status/hooked"] }),
      bead({ number: 2, labels: ["status/in-progress"] }),
      bead({ number: 3, labels: ["status/deferred"] }),
      bead({ number: 4, labels: ["status/pinned"] }),
      bead({ number: 5, labels: ["status/blocked"] }),
      bead({ number: 6 }),
    ];

    it("leaves them out and says which label keeps each out", () => {
      const plan = planReady(beads, { now });
      expect(plan.ready.map((b) => b.number)).toEqual([6]);
      expect(plan.notReady.map((r) => r.reasons.map(describeReason))).toEqual([
        ["on a polecat's hook (label status/hooked)"],
        ["in progress (label status/in-progress)"],
        ["deferred (label status/deferred)"],
        ["pinned (a reference, not work) (label status/pinned)"],
        ["marked blocked (label status/blocked)"],
      ]);
    });
  });

  describe("when beads are not work", () => {
    const beads = ["wisp", "molecule", "mailbox", "gate", "escalation", "step", "epic"].map((type, i) =>
      bead({ number: i + 1, labels: [`type/${type}`] }),
    );

    it("leaves out wisps, molecule roots, mailboxes, gates and escalations", () => {
      expect(planReady(beads, { now }).ready.map((b) => b.type)).toEqual(["step", "epic"]);
    });

    it("includes a non-work type when asked for by name", () => {
      expect(planReady(beads, { now, types: ["gate"] }).ready.map((b) => b.type)).toEqual(["gate"]);
    });
  });

  describe("when a parent is blocked", () => {
    const beads = [
      bead({ number: 10, labels: ["type/epic"], blocked_by: 1 }),
      bead({ number: 11, parent: 10 }),
      bead({ number: 12, parent: 11 }),
      bead({ number: 13, parent: 99 }),
    ];

    it("blocks its children and grandchildren, and says why", () => {
      const plan = planReady(beads, { now });
      expect(plan.ready.map((b) => b.number)).toEqual([13]);
      const reasons = Object.fromEntries(
        plan.notReady.map((r) => [r.bead.number, r.reasons.map((x) => x.kind)]),
      );
      expect(reasons).toEqual({ 10: ["blocked-by"], 11: ["parent-blocked"], 12: ["parent-blocked"] });
    });
  });

  describe("when a parent is open but not blocked", () => {
    it("does not hold its children", () => {
      const beads = [bead({ number: 1, labels: ["type/epic"] }), bead({ number: 2, parent: 1 })];
      expect(planReady(beads, { now }).ready.map((b) => b.number)).toEqual([1, 2]);
    });
  });

  describe("when a bead is deferred by date", () => {
    it("is out until the date, and its children too", () => {
      const beads = [
        bead({ number: 1, metadata: { deferUntil: "2026-03-01T00:00:00Z" } }),
        bead({ number: 2, parent: 1 }),
        bead({ number: 3, metadata: { deferUntil: "2026-01-15T00:00:00Z" } }),
      ];
      const plan = planReady(beads, { now });
      expect(plan.ready.map((b) => b.number)).toEqual([3]);
      expect(plan.notReady.map((r) => r.reasons.map(describeReason))).toEqual([
        ["deferred until 2026-03-01T00:00:00Z"],
        ["its parent #1 is deferred"],
      ]);
    });
  });

  describe("when blockers are known", () => {
    it("names them in the explanation", () => {
      const [r] = explainReadiness([bead({ number: 5, blocked_by: 2 })], {
        now,
        blockers: new Map([
          [
            5,
            [
              { number: 1, title: "Schema" },
              { number: 2, title: "API", repo: "acme/lib" },
            ],
          ],
        ]),
      });
      expect(r?.reasons.map(describeReason)).toEqual([
        'blocked by 2 open blockers: #1 "Schema", acme/lib#2 "API"',
      ]);
    });
  });

  describe("sorting", () => {
    const beads = [
      bead({ number: 1, created_at: day(5), labels: ["priority/p2"] }),
      bead({ number: 2, created_at: day(1), labels: ["priority/p2"] }),
      bead({ number: 3, created_at: day(9), labels: ["priority/p0"] }),
      bead({ number: 4, created_at: day(1), labels: ["priority/p2"] }),
    ];

    it("puts the most urgent first, then the oldest, then the lowest number", () => {
      expect(planReady(beads, { now }).ready.map((b) => b.number)).toEqual([3, 2, 4, 1]);
    });

    it("sorts by age alone with oldest", () => {
      expect(sortBeads(beads, "oldest").map((b) => b.number)).toEqual([2, 4, 1, 3]);
    });

    it("puts recent beads first by priority in hybrid mode", () => {
      const recent = [
        bead({ number: 7, created_at: "2026-01-31T12:00:00Z", labels: ["priority/p3"] }),
        bead({ number: 8, created_at: "2026-01-31T18:00:00Z", labels: ["priority/p1"] }),
        ...beads,
      ];
      expect(sortBeads(recent, "hybrid", now).map((b) => b.number)).toEqual([8, 7, 2, 4, 1, 3]);
    });
  });

  describe("filters", () => {
    const beads = [
      bead({ number: 1, assignees: ["alice"], labels: ["area/ui", "priority/p1"] }),
      bead({ number: 2, labels: ["area/ui"] }),
      bead({ number: 3, labels: ["area/db", "priority/p1"] }),
    ];

    it("filters by assignee, unassigned, label, priority and limit", () => {
      const numbers = (f: Parameters<typeof planReady>[2]) =>
        planReady(beads, { now }, f).ready.map((b) => b.number);
      expect(numbers({ assignee: "alice" })).toEqual([1]);
      expect(numbers({ unassigned: true })).toEqual([3, 2]);
      expect(numbers({ labels: ["AREA/UI"] })).toEqual([1, 2]);
      expect(numbers({ priority: [1] })).toEqual([1, 3]);
      expect(numbers({ limit: 1 })).toEqual([1]);
    });
  });

  it("never offers a closed bead", () => {
    expect(planReady([bead({ number: 1, state: "closed" })], { now }).ready).toEqual([]);
  });
});

describe("listBlocked", () => {
  it("lists beads held by blockers, a blocked parent or the blocked label, most urgent first", () => {
    const beads = [
      bead({ number: 1, blocked_by: 1, labels: ["priority/p3"] }),
      bead({ number: 2, labels: ["status/blocked", "priority/p1"] }),
      bead({ number: 3, parent: 1 }),
      bead({ number: 4, labels: ["status/hooked"] }),
      bead({ number: 5 }),
    ];
    expect(listBlocked(beads, { now }).map((b) => [b.bead.number, b.reasons.map((r) => r.kind)])).toEqual([
      [2, ["status"]],
      [3, ["parent-blocked"]],
      [1, ["blocked-by"]],
    ]);
  });
});
