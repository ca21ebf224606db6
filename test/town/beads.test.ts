// Bead use cases on the loopback GitHub: create with links, show, list with filters, update,
// close with a reason, reopen, comment and label, and the refusals that change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listBeads } from "../../src/github/issues.ts";
import { getHookHolder } from "../../src/github/refs.ts";
import { GastownError } from "../../src/model/errors.ts";
import {
  addBeadLabels,
  closeBead,
  commentOnBead,
  createBead,
  queryBeads,
  removeBeadLabels,
  reopenBead,
  showBead,
  updateBead,
} from "../../src/town/beads.ts";
import { attachHook } from "../../src/town/hooks.ts";
import { startTown, type TestTown } from "./helpers.ts";

let t: TestTown;
beforeAll(async () => {
  t = await startTown();
});
afterAll(async () => {
  await t?.stop();
});

describe("beads", () => {
  describe("when a bead is created with a parent and a blocker", () => {
    it("links both and shows them", async () => {
      const epic = await createBead(t.town, { title: "Search", type: "epic" });
      const index = await createBead(t.town, { title: "Build the index", priority: 1 });
      const query = await createBead(t.town, {
        title: "Query parser",
        body: "Parse `a AND b`.",
        type: "feature",
        priority: 0,
        labels: ["area/search"],
        parent: epic.number,
        blockedBy: [index.number],
      });
      expect(query).toMatchObject({
        type: "feature",
        priority: 0,
        labels: ["area/search"],
        body: "Parse `a AND b`.",
      });
      expect(query.dependencies.blockedBy).toBe(1);

      const details = await showBead(t.town, { number: query.number });
      expect(details.parent?.number).toBe(epic.number);
      expect(details.blockedBy.map((b) => b.number)).toEqual([index.number]);
      const parent = await showBead(t.town, { number: epic.number });
      expect(parent.children.map((b) => b.number)).toEqual([query.number]);
    });
  });

  describe("when a bead names a bead that does not exist", () => {
    it("says which one and creates nothing", async () => {
      const before = (await listBeads(t.town, { state: "all" })).length;
      const error = (await createBead(t.town, { title: "Orphan", blockedBy: [9999] }).catch(
        (e: unknown) => e,
      )) as GastownError;
      expect(error).toBeInstanceOf(GastownError);
      expect(error.code).toBe("not-found");
      expect(error.message).toMatch(/#9999 does not exist/);
      expect(error.hint).toMatch(/bd list/);
      expect((await listBeads(t.town, { state: "all" })).length).toBe(before);
    });
  });

  describe("when a label is longer than GitHub allows", () => {
    it("refuses before sending anything", async () => {
      const before = t.requests();
      const error = (await createBead(t.town, { title: "x", labels: ["l".repeat(51)] }).catch(
        (e: unknown) => e,
      )) as GastownError;
      expect(error.code).toBe("too-long");
      expect(error.message).toMatch(/51 characters long; GitHub allows at most 50/);
      expect(t.requests()).toBe(before);
    });
  });

  describe("when beads are listed with filters", () => {
    it("filters by status, type, priority and label", async () => {
      const bug = await createBead(t.town, {
        title: "Crash on save",
        type: "bug",
        priority: 1,
        labels: ["area/editor"],
      });
      await updateBead(t.town, { number: bug.number, status: "in_progress" });
      expect((await queryBeads(t.town, { types: ["bug"] })).map((b) => b.number)).toEqual([bug.number]);
      expect((await queryBeads(t.town, { status: "in_progress" })).map((b) => b.number)).toEqual([
        bug.number,
      ]);
      expect(
        (await queryBeads(t.town, { labels: ["area/editor"], priorities: [1] })).map((b) => b.number),
      ).toEqual([bug.number]);
      expect(await queryBeads(t.town, { labels: ["area/editor"], priorities: [3] })).toEqual([]);
    });
  });

  describe("when a bead is updated", () => {
    it("changes labels one by one and keeps the metadata block", async () => {
      const bead = await createBead(t.town, { title: "Tune cache" });
      await closeBead(t.town, { number: bead.number, reason: "first pass" });
      await reopenBead(t.town, { number: bead.number });
      const updated = await updateBead(t.town, {
        number: bead.number,
        title: "Tune the cache",
        body: "Measure first.",
        priority: 4,
        type: "chore",
        status: "deferred",
      });
      expect(updated).toMatchObject({
        title: "Tune the cache",
        body: "Measure first.",
        priority: 4,
        type: "chore",
        status: "deferred",
        closeReason: null,
      });
    });

    it("refuses to relabel a hooked bead, leaving its claim and label alone", async () => {
      const bead = await createBead(t.town, { title: "On a hook" });
      await attachHook(t.town, { bead: bead.number, polecat: "rust" });
      const error = (await updateBead(t.town, { number: bead.number, status: "in_progress" }).catch(
        (e: unknown) => e,
      )) as GastownError;
      expect(error).toBeInstanceOf(GastownError);
      expect(error.code).toBe("conflict");
      expect(error.message).toBe(`#${bead.number} is on rust's hook, so its status cannot be set by hand.`);
      expect(error.hint).toMatch(/gt hook detach/);
      expect((await showBead(t.town, { number: bead.number })).bead.status).toBe("hooked");
      expect(await getHookHolder(t.town, bead.number)).toMatchObject({
        held: true,
        holder: { polecat: "rust" },
      });
      // Closing is still allowed: it releases the claim.
      expect((await updateBead(t.town, { number: bead.number, status: "closed" })).status).toBe("closed");
      expect(await getHookHolder(t.town, bead.number)).toEqual({ held: false });
    });

    it("refuses to set hooked directly", async () => {
      await expect(updateBead(t.town, { number: 1, status: "hooked" })).rejects.toThrow(/claiming it/);
    });
  });

  describe("when a bead is closed with a reason and reopened", () => {
    it("keeps the reason while closed and clears it on reopen", async () => {
      const bead = await createBead(t.town, { title: "Remove dead code" });
      const closed = await closeBead(t.town, {
        number: bead.number,
        reason: "Superseded by #1",
        as: "not_planned",
      });
      expect(closed.bead).toMatchObject({
        status: "closed",
        stateReason: "not_planned",
        closeReason: "Superseded by #1",
      });
      expect((await closeBead(t.town, { number: bead.number })).changed).toBe(false);
      const reopened = await reopenBead(t.town, { number: bead.number });
      expect(reopened.bead.status).toBe("open");
      expect(reopened.bead.metadata.closeReason).toBeUndefined();
    });
  });

  describe("when a bead is commented on and labelled", () => {
    it("comments and adds and removes labels", async () => {
      const bead = await createBead(t.town, { title: "Docs" });
      const comment = await commentOnBead(t.town, { number: bead.number, body: "Started." });
      expect(comment.issue).toBe(bead.number);
      expect(
        (await addBeadLabels(t.town, { number: bead.number, labels: ["docs", "good first issue"] })).labels,
      ).toEqual(["docs", "good first issue"]);
      expect((await removeBeadLabels(t.town, { number: bead.number, labels: ["docs"] })).labels).toEqual([
        "good first issue",
      ]);
      await expect(commentOnBead(t.town, { number: 4242, body: "hi" })).rejects.toThrow(
        /#4242 does not exist/,
      );
    });
  });
});
