// Feeding convoys decided (planFeed, pure): the next ready bead when nobody is on the convoy.
import { describe, expect, it } from "vitest";
import { beadFromIssue } from "../../src/model/bead.ts";
import { convoyFromMilestone, renderConvoyDescription } from "../../src/model/convoy.ts";
import { planFeed } from "../../src/town/convoy-feed.ts";
import { type IssueOverrides, issuePayload, milestonePayload } from "../github/payloads.ts";

const NOW = new Date("2026-03-01T12:00:00Z");
const feeding = (state: "open" | "closed" = "open", feed = true) =>
  convoyFromMilestone(
    milestonePayload({
      number: 1,
      state,
      description: renderConvoyDescription("", feed ? { others: { feed: true } } : {}),
    }) as never,
  );
const bead = (o: IssueOverrides) =>
  beadFromIssue(issuePayload({ milestone: { number: 1, title: "C" }, ...o }) as never);
const next = (plan: ReturnType<typeof planFeed>) => (plan.action === "sling" ? plan.bead.number : plan.why);

describe("planFeed", () => {
  it("picks the most urgent ready bead, then the oldest", () => {
    const beads = [
      bead({ number: 2, created_at: "2026-01-01T00:00:00Z" }),
      bead({ number: 3, labels: ["priority/p1"], created_at: "2026-01-03T00:00:00Z" }),
      bead({ number: 4, labels: ["priority/p1"], created_at: "2026-01-02T00:00:00Z" }),
      bead({ number: 5, state: "closed" }),
    ];
    expect(next(planFeed(feeding(), beads, { now: NOW }))).toBe(4);
  });

  it("waits while a bead of it is hooked, in progress or queued", () => {
    for (const label of ["status/hooked", "status/in-progress", "status/queued"]) {
      const beads = [bead({ number: 2, labels: [label] }), bead({ number: 3 })];
      expect(next(planFeed(feeding(), beads, { now: NOW })), label).toBe("manned");
    }
  });

  it("skips blocked beads and says when nothing is ready", () => {
    const beads = [bead({ number: 2, blocked_by: 1 }), bead({ number: 3, labels: ["type/epic"] })];
    expect(next(planFeed(feeding(), beads, { now: NOW }))).toBe("nothing-ready");
  });

  it("does nothing for a convoy that does not feed, or is closed", () => {
    const beads = [bead({ number: 2 })];
    expect(next(planFeed(feeding("open", false), beads, { now: NOW }))).toBe("not-feeding");
    expect(next(planFeed(feeding("closed"), beads, { now: NOW }))).toBe("closed");
  });
});
