// Hooks on the loopback GitHub: the atomic claim (many concurrent claims, one winner, every loser
// told the holder), attach/detach, and the refusals that leave everything as it was.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBead } from "../../src/github/issues.ts";
import { getHookHolder } from "../../src/github/refs.ts";
import { GastownError } from "../../src/model/errors.ts";
import { closeBead, createBead } from "../../src/town/beads.ts";
import { attachHook, claimBead, detachHook, listHooks, showHook } from "../../src/town/hooks.ts";
import { findReady } from "../../src/town/ready.ts";
import { startTown, type TestTown } from "./helpers.ts";

let t: TestTown;
beforeAll(async () => {
  t = await startTown();
});
afterAll(async () => {
  await t?.stop();
});

describe("hook claims", () => {
  describe("when 20 polecats claim one bead at once", () => {
    it("gives exactly one winner, and every loser learns who holds it", async () => {
      const bead = await createBead(t.town, { title: "Contested work" });
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => claimBead(t.town, { bead: bead.number, polecat: `cat-${i}` })),
      );
      const winners = claims.filter((c) => c.claimed);
      expect(winners).toHaveLength(1);
      const holder = winners[0]!.holder;
      for (const loser of claims.filter((c) => !c.claimed)) expect(loser.holder).toEqual(holder);

      const hooked = await getBead(t.town, bead.number);
      expect(hooked.status).toBe("hooked");
      expect(hooked.metadata).toMatchObject({ polecat: holder?.polecat, attempt: 1 });
      expect(await getHookHolder(t.town, bead.number)).toEqual({ held: true, holder });
      expect((await findReady(t.town)).ready.map((b) => b.number)).not.toContain(bead.number);
    }, 180_000);
  });

  describe("when a bead is attached, shown, listed and detached", () => {
    it("records the polecat and run, then clears them and counts the attempt", async () => {
      const bead = await createBead(t.town, { title: "Steady work" });
      const attached = await attachHook(t.town, { bead: bead.number, polecat: "rust", run: 42 });
      expect(attached.bead.metadata).toMatchObject({ polecat: "rust", run: 42, attempt: 1 });

      const shown = await showHook(t.town, { bead: bead.number });
      expect(shown.claim).toMatchObject({ held: true, holder: { polecat: "rust", run: 42 } });
      const mine = await listHooks(t.town, { polecat: "rust" });
      expect(mine.map((e) => e.number)).toEqual([bead.number]);

      const detached = await detachHook(t.town, { bead: bead.number, polecat: "rust" });
      expect(detached.released).toBe(true);
      expect(detached.bead.status).toBe("open");
      expect(detached.bead.metadata.polecat).toBeUndefined();
      expect(detached.bead.metadata.attempt).toBe(1);

      const again = await attachHook(t.town, { bead: bead.number, polecat: "tin" });
      expect(again.holder.attempt).toBe(2);
    });
  });

  describe("when the bead is already on another hook", () => {
    it("refuses to attach, naming the holder, and leaves the claim alone", async () => {
      const bead = await createBead(t.town, { title: "Taken work" });
      await attachHook(t.town, { bead: bead.number, polecat: "rust" });
      const error = (await attachHook(t.town, { bead: bead.number, polecat: "tin" }).catch(
        (e: unknown) => e,
      )) as GastownError;
      expect(error).toBeInstanceOf(GastownError);
      expect(error.message).toMatch(/already on a hook: rust \(attempt 1\)/);
      expect(error.hint).toMatch(/gt hook detach/);
      const refused = (await detachHook(t.town, { bead: bead.number, polecat: "tin" }).catch(
        (e: unknown) => e,
      )) as GastownError;
      expect(refused.message).toMatch(/held by rust/);
      expect(await getHookHolder(t.town, bead.number)).toMatchObject({
        held: true,
        holder: { polecat: "rust" },
      });
    });
  });

  describe("when the bead is closed", () => {
    it("refuses the claim with what to do, and claims nothing", async () => {
      const bead = await createBead(t.town, { title: "Done work" });
      await closeBead(t.town, { number: bead.number });
      const error = (await claimBead(t.town, { bead: bead.number, polecat: "rust" }).catch(
        (e: unknown) => e,
      )) as GastownError;
      expect(error.message).toMatch(/is closed/);
      expect(error.hint).toMatch(/bd reopen/);
      expect(await getHookHolder(t.town, bead.number)).toEqual({ held: false });
    });
  });

  describe("when a hooked bead is closed", () => {
    it("releases its claim", async () => {
      const bead = await createBead(t.town, { title: "Finished work" });
      await attachHook(t.town, { bead: bead.number, polecat: "rust" });
      const closed = await closeBead(t.town, { number: bead.number });
      expect(closed.releasedHook).toBe(true);
      expect(await getHookHolder(t.town, bead.number)).toEqual({ held: false });
    });
  });

  describe("when the polecat name is malformed", () => {
    it("refuses before reading anything", async () => {
      const before = t.requests();
      await expect(claimBead(t.town, { bead: 1, polecat: "bad name!" })).rejects.toThrow(
        /not a polecat name/,
      );
      expect(t.requests()).toBe(before);
    });
  });
});
