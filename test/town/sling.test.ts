// Sling on the loopback GitHub: the polecat workflow is a registered workflow whose job is a tiny
// node script, so dispatches start real runs whose ids the hook records.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBead } from "../../src/github/issues.ts";
import { getHookHolder } from "../../src/github/refs.ts";
import { createBead, updateBead } from "../../src/town/beads.ts";
import { readSlots } from "../../src/town/dispatch.ts";
import {
  dispatchQueued,
  listQueued,
  QUEUED_LABEL,
  type SlingSettings,
  sling,
  unsling,
} from "../../src/town/sling.ts";
import { startTown, type TestTown } from "./helpers.ts";

const QUICK = [process.execPath, "-e", "process.exit(0)"];
const LONG = [process.execPath, "-e", "setTimeout(() => {}, 60000)"];

function settings(overrides: Partial<SlingSettings> = {}): SlingSettings {
  return {
    workflow: "polecat.yml",
    ref: null,
    formula: "mol-polecat-work",
    names: ["furiosa", "nux", "slit", "toast", "capable", "dag", "cheedo", "ace", "keeper", "doof", "coma"],
    maxPolecats: 3,
    ...overrides,
  };
}

const runsOf = (t: TestTown) => [...t.repo.runs.values()];

describe("sling", () => {
  let t: TestTown;
  beforeAll(async () => {
    t = await startTown();
    t.sim.registerWorkflow(t.repo, { path: "polecat.yml", command: QUICK });
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe("when the bead is ready", () => {
    it("hooks it, dispatches one run with the bead's inputs, records the run and gives it a convoy", async () => {
      const bead = await createBead(t.town, { title: "Fix the login form" });
      const result = await sling(t.town, {
        bead: bead.number,
        settings: settings(),
        vars: { area: "auth" },
        by: "alice",
      });
      expect(result.outcome).toBe("dispatched");
      if (result.outcome !== "dispatched") return;
      const run = t.repo.runs.get(result.run.id);
      expect(run?.inputs).toEqual({
        bead: String(bead.number),
        polecat: result.polecat,
        formula: "mol-polecat-work",
        vars: '{"area":"auth"}',
        attempt: "1",
      });
      expect(result.run.htmlUrl).toContain(`/actions/runs/${result.run.id}`);
      const hooked = await getBead(t.town, bead.number);
      expect(hooked.status).toBe("hooked");
      expect(hooked.metadata).toMatchObject({
        polecat: result.polecat,
        run: result.run.id,
        attempt: 1,
        dispatchedBy: "alice",
        branch: `polecat/${result.polecat}/${bead.number}`,
      });
      expect(result.convoy).not.toBeNull();
      expect(hooked.milestone?.number).toBe(result.convoy);
    }, 60_000);
  });

  describe("when the pool names a polecat with capitals", () => {
    it("dispatches it lower-cased, so its branch is one the runner accepts", async () => {
      const bead = await createBead(t.town, { title: "Mind the case" });
      const result = await sling(t.town, { bead: bead.number, settings: settings({ names: ["Mad-Max"] }) });
      expect(result.outcome).toBe("dispatched");
      if (result.outcome !== "dispatched") return;
      expect(result.polecat).toBe("mad-max");
      expect(t.repo.runs.get(result.run.id)?.inputs.polecat).toBe("mad-max");
      expect((await getBead(t.town, bead.number)).metadata.branch).toBe(`polecat/mad-max/${bead.number}`);
    }, 60_000);
  });

  describe("when the bead is not ready", () => {
    it("changes nothing without --force, and dispatches with it", async () => {
      const bead = await createBead(t.town, { title: "Later" });
      await updateBead(t.town, { number: bead.number, status: "deferred" });
      const before = runsOf(t).length;
      const refused = await sling(t.town, { bead: bead.number, settings: settings() });
      expect(refused.outcome).toBe("not-ready");
      expect(runsOf(t)).toHaveLength(before);
      expect((await getHookHolder(t.town, bead.number)).held).toBe(false);
      const after = await getBead(t.town, bead.number);
      expect(after.status).toBe("deferred");
      expect(after.problems).toEqual([]);

      const forced = await sling(t.town, { bead: bead.number, settings: settings(), force: true });
      expect(forced.outcome).toBe("dispatched");
      expect(runsOf(t)).toHaveLength(before + 1);
    }, 60_000);
  });

  describe("when 20 slings of one bead arrive at once", () => {
    it("dispatches exactly one run, and the others learn who holds the hook", async () => {
      const bead = await createBead(t.town, { title: "Contested" });
      const before = runsOf(t).length;
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          sling(t.town, { bead: bead.number, settings: settings({ maxPolecats: 50 }) }),
        ),
      );
      expect(results.filter((r) => r.outcome === "dispatched")).toHaveLength(1);
      expect(results.filter((r) => r.outcome === "already-hooked")).toHaveLength(19);
      expect(runsOf(t)).toHaveLength(before + 1);
    }, 120_000);
  });

  describe("when the workflow cannot be dispatched", () => {
    it("throws and leaves the bead unhooked, with no slot taken", async () => {
      const bead = await createBead(t.town, { title: "Nowhere to run" });
      await expect(
        sling(t.town, {
          bead: bead.number,
          settings: settings({ workflow: "missing.yml", maxPolecats: 50 }),
        }),
      ).rejects.toThrow(/missing\.yml/);
      const after = await getBead(t.town, bead.number);
      expect(after.status).toBe("open");
      expect((await getHookHolder(t.town, bead.number)).held).toBe(false);
      const slots = await readSlots(t.town, 50);
      expect(slots.map((s) => s.holder?.bead)).not.toContain(bead.number);
    }, 60_000);
  });
});

describe("sling with max_polecats", () => {
  let t: TestTown;
  beforeAll(async () => {
    t = await startTown();
    t.sim.registerWorkflow(t.repo, { path: "polecat.yml", command: LONG });
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe("when 10 beads are slung at once with a cap of 3", () => {
    it("dispatches 3, queues 7 in order, and dispatches the next when a run completes", async () => {
      const beads = [];
      for (let i = 0; i < 10; i++) beads.push(await createBead(t.town, { title: `Work ${i}` }));
      const results = await Promise.all(
        beads.map((b) =>
          sling(t.town, { bead: b.number, settings: settings({ maxPolecats: 3 }), convoy: false }),
        ),
      );
      const dispatched = results.filter((r) => r.outcome === "dispatched");
      expect(dispatched).toHaveLength(3);
      expect(results.filter((r) => r.outcome === "queued")).toHaveLength(7);
      expect(runsOf(t)).toHaveLength(3);
      const queued = await listQueued(t.town);
      expect(queued).toHaveLength(7);
      for (const b of queued) expect(b.labels).toContain(QUEUED_LABEL);

      const first = dispatched[0];
      if (first?.outcome !== "dispatched") throw new Error("expected a dispatch");
      const next = await dispatchQueued(t.town, {
        settings: settings({ maxPolecats: 3 }),
        completedRun: first.run.id,
      });
      expect(next.map((r) => r.outcome)).toEqual(["dispatched", "queued"]);
      expect(next[0]?.bead.number).toBe(queued[0]?.number);
      expect(next[0]?.bead.labels).not.toContain(QUEUED_LABEL);
      expect(runsOf(t)).toHaveLength(4);
      expect(await listQueued(t.town)).toHaveLength(6);
    }, 180_000);
  });
});

describe("unsling", () => {
  let t: TestTown;
  beforeAll(async () => {
    t = await startTown();
    t.sim.registerWorkflow(t.repo, { path: "polecat.yml", command: LONG });
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe("when the bead's run is going", () => {
    it("cancels the run, releases the hook and the slot, and the bead is ready again", async () => {
      const bead = await createBead(t.town, { title: "Changed my mind" });
      const slung = await sling(t.town, { bead: bead.number, settings: settings({ maxPolecats: 1 }) });
      if (slung.outcome !== "dispatched") throw new Error(`expected a dispatch, got ${slung.outcome}`);
      const result = await unsling(t.town, { bead: bead.number, settings: settings({ maxPolecats: 1 }) });
      expect(result).toMatchObject({ cancelledRun: slung.run.id, released: true });
      expect(result.bead.status).toBe("open");
      expect(result.bead.metadata.run).toBeUndefined();
      expect((await getHookHolder(t.town, bead.number)).held).toBe(false);
      expect(await readSlots(t.town, 1)).toEqual([]);
      await t.sim.idle();
      expect(t.repo.runs.get(slung.run.id)?.conclusion).toBe("cancelled");
    }, 60_000);
  });
});
