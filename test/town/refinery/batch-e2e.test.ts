import { afterEach, describe, expect, it } from "vitest";
import { getBead } from "../../../src/github/issues.ts";
import { viewQueue } from "../../../src/town/refinery/index.ts";
import { startYard, type Yard } from "../../helpers/refinery-yard.ts";
import { startTestSim, type TestSim } from "../../helpers/sim.ts";
import { useYard } from "./use-yard.ts";

describe("the refinery in batch mode on the loopback GitHub", () => {
  const fx = useYard();

  describe("when three marked PRs all pass", () => {
    it("tests them together once and lands exactly the tested commit", async () => {
      const { yard } = fx;
      const prs = [
        await yard.openPr({ outcome: "pass" }),
        await yard.openPr({ outcome: "pass" }),
        await yard.openPr({ outcome: "pass", marker: "label" }),
      ];
      await yard.drain();
      expect(yard.ciRuns()).toBe(1);
      expect(yard.mergedPulls()).toEqual(prs.map((p) => p.number));
      const moves = await yard.baseMoves();
      expect(moves).toHaveLength(1);
      expect(moves.every((m) => m.tested)).toBe(true);
      const view = await viewQueue(yard.town, { settings: yard.settings });
      expect(view.history.map((h) => h.outcome)).toEqual(["merged", "merged", "merged"]);
    });
  });

  describe("when one PR of a batch fails", () => {
    it("bisects, lands the others, and removes the culprit with a reason", async () => {
      const { yard } = fx;
      const good1 = await yard.openPr({ outcome: "pass" });
      const bad = await yard.openPr({ outcome: "fail" });
      const good2 = await yard.openPr({ outcome: "pass" });
      await yard.drain();
      expect(yard.mergedPulls()).toEqual([good1.number, good2.number]);
      expect((await yard.baseMoves()).every((m) => m.tested)).toBe(true);
      const view = await viewQueue(yard.town, { settings: yard.settings });
      expect(view.parked.map((p) => [p.pr, p.cause])).toEqual([[bad.number, "checks-failed"]]);
      const checks = await yard.dev.rest.checks.listForRef({
        owner: "acme",
        repo: "rig",
        ref: bad.headSha,
        check_name: "gastown/refinery",
      });
      expect(checks.data.check_runs[0]?.output.title).toBe(
        `removed: checks failed on ${bad.headSha.slice(0, 7)} — push a fix or /queue`,
      );
    });
  });
});

describe("the refinery's promises on the loopback GitHub", () => {
  let sim: TestSim;
  let yard: Yard;
  afterEach(async () => {
    await yard.stop();
    await sim.stop();
  });

  describe("when a batch fails once and retry_flaky is 1", () => {
    it("re-runs it on a new commit and lands everything", async () => {
      sim = await startTestSim();
      yard = await startYard(sim, { settings: { retryFlaky: 1 } });
      const prs = [await yard.openPr({ outcome: "pass" }), await yard.openPr({ outcome: "flaky" })];
      await yard.drain();
      expect(yard.ciRuns()).toBe(2);
      expect(yard.mergedPulls()).toEqual(prs.map((p) => p.number));
      expect((await yard.baseMoves()).every((m) => m.tested)).toBe(true);
    });
  });

  describe("when two PRs change the same lines", () => {
    it("lands the first and slings a fix-up bead back to the second's polecat, on its branch", async () => {
      sim = await startTestSim();
      const sling = {
        workflow: "polecat.yml",
        ref: null,
        formula: "mol-polecat-work",
        names: ["zed"],
        maxPolecats: 3,
      };
      yard = await startYard(sim, { settings: { sling } });
      sim.registerWorkflow(yard.repo, { path: "polecat.yml", command: [process.execPath, "-e", "0"] });
      const first = await yard.openPr({ outcome: "conflict" });
      const second = await yard.openPr({ outcome: "conflict" });
      const reports = await yard.drain();
      expect(yard.mergedPulls()).toEqual([first.number]);
      const view = await viewQueue(yard.town, { settings: yard.settings });
      expect(view.parked.map((p) => [p.pr, p.cause])).toEqual([[second.number, "conflict"]]);
      const fixUps = reports.flatMap((r) => r.aftermath.fixUps);
      expect(fixUps).toEqual([{ pr: second.number, bead: expect.any(Number), slungTo: "ace" }]);
      const fixUp = await getBead(yard.town, fixUps[0]?.bead ?? 0);
      expect(fixUp.title).toBe(`resolve conflicts with main in #${second.number}`);
      expect(fixUp.body).toContain(`#${second.number} goes back in the queue at its new head`);
      // Slung to the PR's own polecat, on the PR's branch: the fix lands on that pull request.
      expect(fixUp.metadata).toMatchObject({ polecat: "ace", branch: second.branch });
      const { data: runs } = await yard.dev.rest.actions.listWorkflowRunsForRepo({
        owner: "acme",
        repo: "rig",
      });
      expect(runs.total_count).toBe(1);
    });
  });

  describe("when a PR has had its max_retries fix-ups", () => {
    it("escalates to the overseer instead of filing another fix-up", async () => {
      sim = await startTestSim();
      yard = await startYard(sim, { settings: { maxRetries: 0 } });
      await yard.openPr({ outcome: "conflict" });
      const second = await yard.openPr({ outcome: "conflict" });
      const reports = await yard.drain();
      expect(reports.flatMap((r) => r.aftermath.fixUps)).toEqual([]);
      const [escalation] = reports.flatMap((r) => r.aftermath.escalations);
      expect(escalation?.pr).toBe(second.number);
      const bead = await getBead(yard.town, escalation?.bead ?? 0);
      expect(bead.type).toBe("escalation");
      expect(bead.title).toBe(`#${second.number} still cannot merge after 0 fix-ups`);
      // Nobody is configured as overseer: the PR's author is told, by an @mention GitHub delivers,
      // in the mail to the overseer's mailbox.
      const { data: comments } = await yard.dev.rest.issues.listCommentsForRepo({
        owner: "acme",
        repo: "rig",
      });
      const mail = comments.find((c) => c.body?.includes(`Escalation #${bead.number} needs you`));
      expect(mail?.body).toContain("@dev");
    });
  });

  describe("when a queued PR is pushed to while its batch is tested", () => {
    it("never lands the old head: with reviews required, the new head waits for approval", async () => {
      sim = await startTestSim();
      yard = await startYard(sim, { settings: { requireReview: true } });
      const pr = await yard.openPr({ outcome: "pass" });
      await yard.reviewer.rest.pulls.createReview({
        owner: "acme",
        repo: "rig",
        pull_number: pr.number,
        event: "APPROVE",
        commit_id: pr.headSha,
      });
      const first = await yard.tick();
      expect(first.testing.prs).toEqual([pr.number]);
      const newHead = await yard.pushTo(pr, { "prs/late.txt": "ok" });
      await sim.idle();
      const second = await yard.tick();
      expect(second.removed.map((r) => r.cause.kind)).toEqual(["head-changed"]);
      expect(second.notQueued).toEqual([
        {
          pr: pr.number,
          reasons: [
            {
              message: expect.stringContaining(`is for an older head, not ${newHead.slice(0, 7)}`),
              fix: "ask for a fresh approving review of the current head, then /queue",
            },
          ],
        },
      ]);
      await sim.idle();
      await yard.tick();
      expect(yard.mergedPulls()).toEqual([]);
      expect(await yard.baseMoves()).toEqual([]);
    });
  });

  describe("when someone dequeues a PR", () => {
    it("stays out until /queue, then lands", async () => {
      sim = await startTestSim();
      yard = await startYard(sim);
      const pr = await yard.openPr({ outcome: "pass" });
      const out = await yard.tick({ dequeue: [{ pr: pr.number, by: "dev" }] });
      expect(out.queued).toBe(0);
      await sim.idle();
      expect((await yard.tick()).queued).toBe(0);
      const back = await yard.tick({ queue: [{ pr: pr.number, by: "dev", priority: 0 }] });
      expect(back.testing.prs).toEqual([pr.number]);
      await yard.drain();
      expect(yard.mergedPulls()).toEqual([pr.number]);
    });
  });

  describe("when the base moves while a batch is tested", () => {
    it("rebuilds on the new base instead of overwriting it", async () => {
      sim = await startTestSim();
      yard = await startYard(sim);
      const pr = await yard.openPr({ outcome: "pass" });
      await yard.tick();
      await sim.idle();
      const pushed = await yard.pushToBase({ "README.md": "# rig, moved\n" });
      await yard.drain();
      expect(yard.mergedPulls()).toEqual([pr.number]);
      const moves = await yard.baseMoves();
      // The hand push, then the refinery's landing on top of it (tested on the moved base).
      expect(moves.map((m) => m.after)[0]).toBe(pushed);
      expect(moves.slice(1).every((m) => m.tested)).toBe(true);
      expect(yard.ciRuns()).toBe(2);
    });
  });
});
