import { describe, expect, it } from "vitest";
import { orderQueue, scoreEntry } from "../../../src/model/merge-queue/index.ts";
import { entry, hoursAgo, NOW } from "./fixtures.ts";

const order = (entries: Parameters<typeof orderQueue>[0]) => orderQueue(entries, NOW).map((r) => r.entry.pr);

describe("orderQueue", () => {
  it("puts higher priority first, however old the others' convoys are", () => {
    const queue = [
      entry(1, { priority: 2, convoyCreatedAt: hoursAgo(500) }),
      entry(2, { priority: 0, enqueuedAt: hoursAgo(0) }),
      entry(3, { priority: 1 }),
    ];
    expect(order(queue)).toEqual([2, 3, 1]);
  });

  it("puts older convoys first within a priority", () => {
    const queue = [entry(1, { convoyCreatedAt: hoursAgo(2) }), entry(2, { convoyCreatedAt: hoursAgo(30) })];
    expect(order(queue)).toEqual([2, 1]);
  });

  it("pushes retried PRs back, by at most 300 points", () => {
    const queue = [entry(1, { retries: 2, enqueuedAt: hoursAgo(5) }), entry(2, { enqueuedAt: hoursAgo(1) })];
    expect(order(queue)).toEqual([2, 1]);
    expect(scoreEntry(entry(1, { retries: 50 }), NOW).retryPenalty).toBe(300);
    // A PR retried many times still beats a fresh one once its convoy is 31 hours older.
    const capped = [
      entry(1, { retries: 50, convoyCreatedAt: hoursAgo(31) }),
      entry(2, { convoyCreatedAt: hoursAgo(0) }),
    ];
    expect(order(capped)).toEqual([1, 2]);
  });

  it("breaks ties first in, first out, then by number", () => {
    const at = hoursAgo(3);
    expect(
      order([
        entry(9, { enqueuedAt: at }),
        entry(4, { enqueuedAt: at }),
        entry(5, { enqueuedAt: hoursAgo(4) }),
      ]),
    ).toEqual([5, 4, 9]);
  });

  it("lets a writer's /queue p=0 override the bead's priority", () => {
    const queue = [
      entry(1, { priority: 1 }),
      entry(2, { priority: 3, override: { priority: 0, by: "ada" } }),
    ];
    expect(order(queue)).toEqual([2, 1]);
  });

  it("never lists an entry that is already merged", () => {
    expect(order([entry(1, { mergedSha: "abc" }), entry(2)])).toEqual([2]);
  });

  it("explains every position", () => {
    const queue = [
      entry(12, { priority: 2, override: { priority: 0, by: "ada" }, enqueuedAt: hoursAgo(2) }),
      entry(14, { convoyCreatedAt: hoursAgo(26), retries: 1, enqueuedAt: hoursAgo(3) }),
      entry(15, { enqueuedAt: hoursAgo(3) }),
    ];
    expect(orderQueue(queue, NOW).map((r) => r.explanation)).toMatchInlineSnapshot(`
      [
        "first: P0 (set by @ada, was P2), waiting +2 → score 2",
        "position 2: P2, convoy +260, 1 retry −50, waiting +3 → score 213; behind #12 because it has higher priority (P0)",
        "position 3: P2, waiting +3 → score 3; behind #14 because it scores higher (213)",
      ]
    `);
  });
});
