// Beads with dependencies on the loopback GitHub: what `bd ready` shows, how closing a blocker
// frees the next bead, and how an edge that would close a cycle is refused with the cycle named.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listBlockedBy } from "../../src/github/dependencies.ts";
import { GastownError } from "../../src/model/errors.ts";
import { closeBead, createBead, updateBead } from "../../src/town/beads.ts";
import { addDependency, dependencyTree, listDependencies, removeDependency } from "../../src/town/deps.ts";
import { findBlocked, findReady } from "../../src/town/ready.ts";
import { startTown, type TestTown } from "./helpers.ts";

let t: TestTown;
beforeAll(async () => {
  t = await startTown();
});
afterAll(async () => {
  await t?.stop();
});

const numbers = (beads: ReadonlyArray<{ number: number }>) => beads.map((b) => b.number);

describe("bd ready on the loopback GitHub", () => {
  let design: number;
  let build: number;
  let ship: number;

  beforeAll(async () => {
    design = (await createBead(t.town, { title: "Design the API", priority: 1 })).number;
    build = (await createBead(t.town, { title: "Build the API", priority: 0, blockedBy: [design] })).number;
    ship = (await createBead(t.town, { title: "Ship it", priority: 0, blockedBy: [build] })).number;
  });

  describe("when three beads form a chain", () => {
    it("shows only the head of the chain as ready", async () => {
      const result = await findReady(t.town);
      expect(numbers(result.ready)).toEqual([design]);
      expect(result.open).toBe(3);
    });

    it("reads the whole decision from one issue list", async () => {
      const before = t.requests();
      await findReady(t.town);
      expect(t.requests() - before).toBe(1);
    });

    it("explains, naming the open blocker, why the others are not ready", async () => {
      const result = await findReady(t.town, { explain: true });
      const why = new Map(result.notReady.map((r) => [r.bead.number, r.reasons]));
      expect(why.get(build)).toEqual([
        { kind: "blocked-by", count: 1, blockers: [{ number: design, title: "Design the API" }] },
      ]);
      expect(why.get(ship)?.[0]).toMatchObject({ kind: "blocked-by", blockers: [{ number: build }] });
    });

    it("lists the blocked beads with their blockers", async () => {
      const result = await findBlocked(t.town);
      expect(result.blocked.map((b) => b.bead.number)).toEqual([build, ship]);
    });

    it("draws the tree of blockers under the last bead", async () => {
      const tree = await dependencyTree(t.town, { number: ship });
      expect(tree.edges.get(ship)).toEqual([build]);
      expect(tree.edges.get(build)).toEqual([design]);
      expect(tree.edges.get(design)).toEqual([]);
    });
  });

  describe("when the blocker is closed", () => {
    it("makes the next bead ready", async () => {
      await closeBead(t.town, { number: design, reason: "Agreed in review" });
      const result = await findReady(t.town);
      expect(numbers(result.ready)).toEqual([build]);
    });
  });

  describe("when an edge would close a cycle", () => {
    it("refuses it, names the cycle, and changes nothing", async () => {
      const error = await addDependency(t.town, { blocked: design, blocker: ship }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GastownError);
      const e = error as GastownError;
      expect(e.code).toBe("cycle");
      expect(e.message).toContain(`#${design} → #${ship} → #${build} → #${design}`);
      expect(e.hint).toMatch(/Nothing was changed/);
      expect(await listBlockedBy(t.town, design)).toEqual([]);
    });

    it("refuses a bead blocking itself", async () => {
      await expect(addDependency(t.town, { blocked: ship, blocker: ship })).rejects.toThrow(
        /cannot block itself/,
      );
    });
  });

  describe("when an edge is added twice and removed", () => {
    it("adds once, reports the repeat, and removes it", async () => {
      const extra = (await createBead(t.town, { title: "Docs" })).number;
      expect((await addDependency(t.town, { blocked: extra, blocker: build })).added).toBe(true);
      expect((await addDependency(t.town, { blocked: extra, blocker: build })).added).toBe(false);
      expect(numbers((await listDependencies(t.town, { number: build })).blocking).sort()).toEqual(
        [ship, extra].sort((a, b) => a - b),
      );
      expect((await removeDependency(t.town, { blocked: extra, blocker: build })).removed).toBe(true);
      expect((await removeDependency(t.town, { blocked: extra, blocker: build })).removed).toBe(false);
    });
  });

  describe("when a bead is hooked, deferred or a mailbox", () => {
    it("keeps it out of ready, sorted priority then age", async () => {
      const low = (await createBead(t.town, { title: "Low", priority: 3 })).number;
      const urgent = (await createBead(t.town, { title: "Urgent", priority: 0 })).number;
      const later = (await createBead(t.town, { title: "Later", priority: 0 })).number;
      await updateBead(t.town, { number: later, status: "deferred" });
      await createBead(t.town, { title: "Mailbox: mayor/", type: "mailbox" });
      const result = await findReady(t.town);
      const ready = numbers(result.ready);
      expect(ready).not.toContain(later);
      expect(ready.indexOf(urgent)).toBeLessThan(ready.indexOf(low));
      expect(ready[0]).toBe(build);
    });
  });
});
