// Convoys on the loopback GitHub: created from beads or an epic, their status, and landing:
// exactly one notice to the owner and watchers however many times (and however concurrently)
// the check runs, never for an empty convoy, and again after a landed convoy is reopened.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSubIssue } from "../../src/github/sub-issues.ts";
import { getConvoy } from "../../src/github/milestones.ts";
import { GastownError } from "../../src/model/errors.ts";
import { closeBead, createBead } from "../../src/town/beads.ts";
import { checkConvoys } from "../../src/town/convoy-landing.ts";
import {
  addToConvoy,
  closeConvoy,
  convoyStatus,
  createConvoy,
  listConvoysOf,
  strandedConvoys,
} from "../../src/town/convoys.ts";
import { attachHook } from "../../src/town/hooks.ts";
import { readInbox } from "../../src/town/mail.ts";
import { listRepoComments } from "../../src/town/repo-comments.ts";
import { startTown, type TestTown } from "./helpers.ts";

let t: TestTown;
beforeAll(async () => {
  t = await startTown();
});
afterAll(async () => {
  await t?.stop();
});

const landingNotices = async () =>
  (await listRepoComments(t.town)).filter((c) => c.body.includes("Convoy landed"));

describe("convoys", () => {
  describe("when a convoy lands", () => {
    it("closes the milestone and notifies owner and watchers exactly once, however often it is checked", async () => {
      const a = await createBead(t.town, { title: "Part A" });
      const b = await createBead(t.town, { title: "Part B" });
      const { convoy } = await createConvoy(t.town, {
        title: "Login rework",
        beads: [a.number, b.number],
        owner: "mayor/",
        watchers: ["gastown/witness", "@alice"],
      });
      await closeBead(t.town, { number: a.number });
      const early = await checkConvoys(t.town, { convoy: convoy.number });
      expect(early[0]?.plan).toEqual({ action: "none", why: "open-work" });

      await closeBead(t.town, { number: b.number });
      // Redelivered closing events: several checks at once, then more one after another.
      const concurrent = await Promise.all(
        Array.from({ length: 5 }, () => checkConvoys(t.town, { convoy: convoy.number })),
      );
      for (let i = 0; i < 3; i++) await checkConvoys(t.town, { convoy: convoy.number });
      await checkConvoys(t.town);

      const sent = concurrent.flat().filter((r) => r.notified !== null);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.notified).toEqual({ to: ["mayor/", "gastown/witness"], mentions: ["alice"] });
      const notices = await landingNotices();
      expect(notices).toHaveLength(2);
      expect(notices.filter((n) => n.body.includes("@alice"))).toHaveLength(1);

      const landed = await getConvoy(t.town, convoy.number);
      expect(landed.state).toBe("closed");
      expect(landed.metadata.notifiedAt).toBeDefined();
      const inbox = await readInbox(t.town, { address: "mayor/" });
      expect(inbox.entries.map((e) => e.message.envelope.subject)).toEqual([
        "🚚 Convoy landed: Login rework",
      ]);
    }, 180_000);
  });

  describe("when a landed convoy gets a new bead", () => {
    it("reopens, and lands (and notifies) again when that bead closes", async () => {
      const [first] = await listConvoysOf(t.town, { state: "closed" });
      const extra = await createBead(t.town, { title: "Part C" });
      const added = await addToConvoy(t.town, { convoy: first!.number, beads: [extra.number] });
      expect(added.reopened).toBe(true);
      expect(added.convoy.state).toBe("open");
      await closeBead(t.town, { number: extra.number });
      const [result] = await checkConvoys(t.town);
      expect(result?.notified?.to).toEqual(["mayor/", "gastown/witness"]);
      expect(await landingNotices()).toHaveLength(4);
    }, 120_000);
  });

  describe("when a convoy tracks nothing", () => {
    it("never lands", async () => {
      const { convoy } = await createConvoy(t.town, { title: "Empty for now", owner: "mayor/" });
      const [result] = await checkConvoys(t.town, { convoy: convoy.number });
      expect(result?.plan).toEqual({ action: "none", why: "empty" });
      expect((await getConvoy(t.town, convoy.number)).state).toBe("open");
    });
  });

  describe("when a convoy is made from an epic", () => {
    it("tracks its work descendants and reports status with workers", async () => {
      const epic = await createBead(t.town, { title: "Payments", type: "epic" });
      const one = await createBead(t.town, { title: "Card form", parent: epic.number });
      const two = await createBead(t.town, { title: "Webhooks", parent: epic.number });
      const sub = await createBead(t.town, { title: "Refunds", type: "epic", parent: epic.number });
      const deep = await createBead(t.town, { title: "Refund API", blockedBy: [two.number] });
      await addSubIssue(t.town, { parent: sub.number, child: deep });

      const { convoy, beads } = await createConvoy(t.town, { epic: epic.number });
      expect(convoy.title).toBe("Payments");
      expect(convoy.metadata.epic).toBe(epic.number);
      expect(beads.map((b) => b.number)).toEqual([one.number, two.number, deep.number]);

      await attachHook(t.town, { bead: one.number, polecat: "rust" });
      const { progress } = await convoyStatus(t.town, { convoy: convoy.number });
      expect(progress.total).toBe(3);
      expect(progress.beads.map((b) => [b.number, b.state, b.worker])).toEqual([
        [one.number, "hooked", "rust"],
        [two.number, "ready", null],
        [deep.number, "blocked", null],
      ]);
      expect(progress.workers).toEqual(["rust"]);
      expect(await strandedConvoys(t.town)).toEqual([]);
    }, 120_000);
  });

  describe("when a convoy has ready work and nobody on it", () => {
    it("is stranded, with its next bead first", async () => {
      const low = await createBead(t.town, { title: "Polish", priority: 3 });
      const high = await createBead(t.town, { title: "Fix crash", priority: 1 });
      const { convoy } = await createConvoy(t.town, { title: "Quality", beads: [low.number, high.number] });
      const stranded = await strandedConvoys(t.town);
      const mine = stranded.find((s) => s.convoy.number === convoy.number);
      expect(mine?.ready.map((b) => b.number)).toEqual([high.number, low.number]);
    });
  });

  describe("when a bead is already in another open convoy", () => {
    it("refuses to move it unless forced, and changes nothing", async () => {
      const bead = await createBead(t.town, { title: "Shared" });
      await createConvoy(t.town, { title: "First home", beads: [bead.number] });
      const before = (await listConvoysOf(t.town, { state: "all" })).length;
      const error = (await createConvoy(t.town, { title: "Second home", beads: [bead.number] }).catch(
        (e: unknown) => e,
      )) as GastownError;
      expect(error).toBeInstanceOf(GastownError);
      expect(error.message).toMatch(/Already in another open convoy: #\d+ \(in "First home"\)/);
      expect(error.hint).toMatch(/--force/);
      expect((await listConvoysOf(t.town, { state: "all" })).length).toBe(before);
      const moved = await createConvoy(t.town, { title: "Second home", beads: [bead.number], force: true });
      expect(moved.beads[0]?.milestone?.title).toBe("Second home");
    });
  });

  describe("when a convoy with open beads is closed", () => {
    it("refuses without --force and closes with it", async () => {
      const bead = await createBead(t.town, { title: "Unfinished" });
      const { convoy } = await createConvoy(t.town, { title: "Abandoned", beads: [bead.number] });
      await expect(closeConvoy(t.town, { convoy: convoy.number })).rejects.toThrow(/still has 1 open bead/);
      const closed = await closeConvoy(t.town, { convoy: convoy.number, force: true });
      expect(closed.convoy.state).toBe("closed");
    });
  });
});
