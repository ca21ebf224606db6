import { describe, expect, it } from "vitest";
import { cleanMentions, notifiesOverseers } from "../../src/town/escalate.ts";

describe("escalation mentions", () => {
  it("keeps logins and teams once each, without @, leaving bots and junk out", () => {
    expect(
      cleanMentions(["@alice", "Alice", "acme/maintainers", "renovate[bot]", "not a login", "bob"]),
    ).toEqual(["Alice", "acme/maintainers", "bob"]);
  });

  it("notifies the overseers for every severity but low", () => {
    expect(["low", "medium", "high", "critical"].map((s) => notifiesOverseers(s as "low"))).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });
});
