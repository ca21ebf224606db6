import { describe, expect, it } from "vitest";
import {
  type Convoy,
  convoyFromMilestone,
  convoyProgress,
  findStrandedConvoys,
  isConvoyComplete,
  type MilestoneRecord,
  mergeConvoyMetadata,
  planConvoyLanding,
  renderConvoyDescription,
} from "../../src/model/convoy.ts";
import { milestonePayload } from "../github/payloads.ts";
import { bead } from "./beads.ts";

const now = new Date("2026-02-01T00:00:00Z");

function convoy(o: Parameters<typeof milestonePayload>[0]): Convoy {
  return convoyFromMilestone(milestonePayload(o) as unknown as MilestoneRecord);
}

describe("convoyFromMilestone", () => {
  it("reads settings from the description's metadata block", () => {
    const description = renderConvoyDescription("Ship auth.", {
      owner: "mayor/",
      watchers: ["alice"],
      merge: "batch",
    });
    const c = convoy({ number: 4, title: "Auth", description, open_issues: 2, closed_issues: 1 });
    expect(c).toMatchObject({
      number: 4,
      title: "Auth",
      description: "Ship auth.",
      state: "open",
      openIssues: 2,
      closedIssues: 1,
      metadata: { owner: "mayor/", watchers: ["alice"], merge: "batch" },
      problems: [],
    });
  });

  it("reports a damaged description and keeps its text", () => {
    const c = convoy({ number: 1, description: 'Words.\n<!-- gastown {"v":1,"watchers":"alice"} -->' });
    expect(c.description).toBe("Words.");
    expect(c.problems).toMatchObject([{ kind: "invalid-field", field: "watchers" }]);
  });

  it("merges metadata patches", () => {
    expect(mergeConvoyMetadata({ owner: "a" }, { notifiedAt: "2026-01-01T00:00:00Z", owner: null })).toEqual({
      notifiedAt: "2026-01-01T00:00:00Z",
    });
  });
});

describe("convoyProgress", () => {
  const c = convoy({ number: 2, title: "Login" });
  const beads = [
    bead({ number: 1, state: "closed" }),
    bead({ number: 2, labels: ["status/hooked"], metadata: { polecat: "rust" } }),
    bead({ number: 3, labels: ["status/in-progress"], assignees: ["alice"] }),
    bead({ number: 4, blocked_by: 1 }),
    bead({ number: 5 }),
    bead({ number: 6, labels: ["status/deferred"] }),
    bead({ number: 7, labels: ["type/gate"] }),
  ];

  it("counts closed over total and shows each bead's state and worker", () => {
    const progress = convoyProgress(c, beads, { now });
    expect(progress).toMatchObject({ convoy: 2, total: 7, closed: 1, open: 6, percent: 14, complete: false });
    expect(progress.beads.map((b) => [b.number, b.state, b.worker])).toEqual([
      [1, "closed", null],
      [2, "hooked", "rust"],
      [3, "in_progress", "alice"],
      [4, "blocked", null],
      [5, "ready", null],
      [6, "deferred", null],
      [7, "open", null],
    ]);
    expect(progress.workers).toEqual(["rust", "alice"]);
  });

  it("is 0% and not complete when empty", () => {
    expect(convoyProgress(c, [], { now })).toMatchObject({ total: 0, percent: 0, complete: false });
  });

  it("is 100% and complete when every bead is closed", () => {
    const done = [
      bead({ number: 1, state: "closed" }),
      bead({ number: 2, state: "closed", state_reason: "not_planned" }),
    ];
    const progress = convoyProgress(c, done, { now });
    expect(progress).toMatchObject({ percent: 100, complete: true });
    expect(progress.beads.map((b) => b.closedAs)).toEqual(["completed", "not_planned"]);
  });
});

describe("isConvoyComplete", () => {
  it("is never complete with zero beads", () => {
    expect(isConvoyComplete([])).toBe(false);
  });
});

describe("planConvoyLanding", () => {
  const closed = [bead({ number: 1, state: "closed" })];

  describe("when the last bead closes", () => {
    it("closes the convoy and notifies once", () => {
      expect(planConvoyLanding(convoy({ number: 1 }), closed)).toEqual({
        action: "land",
        close: true,
        notify: true,
      });
    });
  });

  describe("when the closing event is redelivered after landing", () => {
    it("does nothing", () => {
      const landed = convoy({
        number: 1,
        state: "closed",
        description: renderConvoyDescription("", { notifiedAt: "2026-01-05T00:00:00Z" }),
      });
      expect(planConvoyLanding(landed, closed)).toEqual({ action: "none", why: "already-landed" });
    });
  });

  describe("when a crash left the convoy closed but nobody notified", () => {
    it("notifies without closing again", () => {
      expect(planConvoyLanding(convoy({ number: 1, state: "closed" }), closed)).toEqual({
        action: "land",
        close: false,
        notify: true,
      });
    });
  });

  describe("when work is open or nothing is tracked", () => {
    it("does nothing", () => {
      expect(planConvoyLanding(convoy({ number: 1 }), [])).toEqual({ action: "none", why: "empty" });
      expect(planConvoyLanding(convoy({ number: 1 }), [...closed, bead({ number: 2 })])).toEqual({
        action: "none",
        why: "open-work",
      });
    });
  });

  describe("when the convoy is owned", () => {
    it("leaves closing to its owner", () => {
      const owned = convoy({ number: 1, description: renderConvoyDescription("", { owned: true }) });
      expect(planConvoyLanding(owned, closed)).toEqual({ action: "none", why: "owned" });
    });
  });
});

describe("findStrandedConvoys", () => {
  const open = convoy({ number: 1, title: "Open" });

  it("finds an open convoy with ready work and nobody on it, next bead first", () => {
    const stranded = findStrandedConvoys(
      [
        {
          convoy: open,
          beads: [
            bead({ number: 1, state: "closed" }),
            bead({ number: 2, labels: ["priority/p3"] }),
            bead({ number: 3, labels: ["priority/p0"] }),
            bead({ number: 4, labels: ["type/epic"] }),
          ],
        },
      ],
      { now },
    );
    expect(stranded.map((s) => [s.convoy.number, s.ready.map((b) => b.number)])).toEqual([[1, [3, 2]]]);
  });

  it("skips a convoy someone is working", () => {
    const beads = [bead({ number: 1 }), bead({ number: 2, labels: ["status/hooked"] })];
    expect(findStrandedConvoys([{ convoy: open, beads }], { now })).toEqual([]);
  });

  it("counts a hooked bead whose run is dead as nobody", () => {
    const beads = [bead({ number: 1 }), bead({ number: 2, labels: ["status/hooked"] })];
    expect(findStrandedConvoys([{ convoy: open, beads }], { now }, () => false)).toHaveLength(1);
  });

  it("skips closed convoys and convoys whose work is all blocked", () => {
    const closedConvoy = convoy({ number: 2, state: "closed" });
    expect(
      findStrandedConvoys(
        [
          { convoy: closedConvoy, beads: [bead({ number: 1 })] },
          { convoy: open, beads: [bead({ number: 2, blocked_by: 1 })] },
        ],
        { now },
      ),
    ).toEqual([]);
  });
});
