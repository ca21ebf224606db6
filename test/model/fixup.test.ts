import { describe, expect, it } from "vitest";
import { fixUpMetadata, readFixUp } from "../../src/model/fixup.ts";

describe("a fix-up bead's record", () => {
  it("round-trips the pull request, its bead and its branch", () => {
    const record = { pr: 12, bead: 7, branch: "polecat/ace/7" };
    expect(readFixUp(fixUpMetadata(record))).toEqual(record);
    expect(fixUpMetadata(record).branch).toBe("polecat/ace/7");
  });

  it("never steers a runner onto a branch that is not a polecat's (metadata can be edited)", () => {
    for (const branch of [
      "main",
      "polecat/ace/7/../../main",
      "feature/x",
      "polecat/Ace/7",
      "polecat/ace/0",
    ]) {
      expect(readFixUp({ others: { fixup: { pr: 12, bead: 7, branch } } })).toBeNull();
    }
    expect(readFixUp({ others: { fixup: { pr: "12", branch: "polecat/ace/7" } } })).toBeNull();
    expect(readFixUp({})).toBeNull();
  });
});
