// The deacon's patrol on the loopback GitHub: what events would have done, repaired from live
// state (a timer gate due, a feeding convoy nobody works on, a bead waiting in the queue).
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { patrol } from "../../src/app/patrol.ts";
import { createBead as createIssue, getBead } from "../../src/github/issues.ts";
import { createBead } from "../../src/town/beads.ts";
import { setFeeding } from "../../src/town/convoy-feed.ts";
import { createConvoy } from "../../src/town/convoys.ts";
import { startTown, type TestTown } from "../town/helpers.ts";

let t: TestTown;
beforeEach(async () => {
  t = await startTown();
  t.sim.registerWorkflow(t.repo, {
    path: "polecat.yml",
    command: [process.execPath, "-e", "process.exit(0)"],
  });
});
afterEach(async () => {
  await t?.stop();
});

const run = (now?: Date) =>
  patrol({
    octokit: t.town.octokit,
    repo: t.town.repo,
    log: pino({ level: "silent" }),
    ...(now === undefined ? {} : { now: () => now }),
  });

describe("the patrol", () => {
  describe("when a timer gate's time has come", () => {
    it("opens it, and leaves one not yet due", async () => {
      const due = await createIssue(t.town, {
        title: "Gate (timer): wait",
        type: "gate",
        metadata: { others: { gate: { type: "timer", timeout: "1h" }, gateFor: "wait" } },
      });
      const later = await createIssue(t.town, {
        title: "Gate (timer): later",
        type: "gate",
        metadata: { others: { gate: { type: "timer", timeout: "1d" }, gateFor: "later" } },
      });
      const report = await run(new Date(Date.parse(due.createdAt) + 2 * 3_600_000));
      expect(report.gates).toBe(1);
      expect((await getBead(t.town, due.number)).status).toBe("closed");
      expect((await getBead(t.town, later.number)).status).toBe("open");
    }, 60_000);
  });

  describe("when a feeding convoy has ready work and nobody on it", () => {
    it("slings its next bead", async () => {
      const first = await createBead(t.town, { title: "First", priority: 1 });
      const second = await createBead(t.town, { title: "Second", priority: 3 });
      const { convoy } = await createConvoy(t.town, { title: "Fed", beads: [first.number, second.number] });
      await setFeeding(t.town, { convoy: convoy.number, feed: true, by: "alice" });
      const report = await run();
      expect(report.fed).toBe(1);
      const slung = await getBead(t.town, first.number);
      expect(slung.status).toBe("hooked");
      expect(slung.metadata.dispatchedBy).toBe("alice");
      expect((await getBead(t.town, second.number)).status).toBe("open");
      expect((await run()).fed).toBe(0);
    }, 60_000);
  });
});
