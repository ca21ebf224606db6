import { describe, expect, it } from "vitest";
import { viewQueue } from "../../../src/town/refinery/index.ts";
import { useYard } from "./use-yard.ts";

describe("the refinery in direct mode on the loopback GitHub", () => {
  const fx = useYard({ settings: { mode: "direct", retryFlaky: 0 } });

  describe("when two PRs pass", () => {
    it("updates the second after the first lands, waits for its checks, and merges it on that head", async () => {
      const { sim, yard } = fx;
      const first = await yard.openPr({ outcome: "pass" });
      const second = await yard.openPr({ outcome: "pass" });
      await sim.idle();
      const runsAtOpen = yard.ciRuns();
      await yard.drain();
      expect(yard.mergedPulls()).toEqual([first.number, second.number]);
      // The second PR was behind once the first landed: one more run, on the refinery's update.
      expect(yard.ciRuns() - runsAtOpen).toBe(1);
      const moves = await yard.baseMoves();
      expect(moves).toHaveLength(2);
      expect(moves.every((m) => m.tested)).toBe(true);
      const { data: pull } = await yard.dev.rest.pulls.get({
        owner: "acme",
        repo: "rig",
        pull_number: second.number,
      });
      expect(pull.head.sha).not.toBe(second.headSha);
    });
  });

  describe("when a PR's checks fail", () => {
    it("removes it with the failing check named and merges the one behind it", async () => {
      const { sim, yard } = fx;
      const bad = await yard.openPr({ outcome: "fail" });
      const good = await yard.openPr({ outcome: "pass" });
      await sim.idle();
      await yard.drain();
      expect(yard.mergedPulls()).toEqual([good.number]);
      const view = await viewQueue(yard.town, { settings: yard.settings });
      expect(view.parked.map((p) => [p.pr, p.cause])).toEqual([[bad.number, "checks-failed"]]);
      const { data } = await yard.dev.rest.issues.listForRepo({ owner: "acme", repo: "rig", state: "open" });
      expect(data.map((i) => i.title)).toContain(`fix failing check ci/test in #${bad.number}`);
    });
  });
});

describe("the refinery in direct mode, with CI slow enough for a push to race it", () => {
  const fx = useYard({ settings: { mode: "direct", retryFlaky: 0 }, ciSeconds: 3 });

  describe("when a PR is pushed to while its checks run", () => {
    it("merges nothing on the old head and requeues the new one", async () => {
      const { yard } = fx;
      const pr = await yard.openPr({ outcome: "pass" });
      const first = await yard.tick();
      expect(first.testing.prs).toEqual([pr.number]);
      const newHead = await yard.pushTo(pr, { "prs/late.txt": "ok" });
      await yard.drain();
      expect(yard.mergedPulls()).toEqual([pr.number]);
      const { data } = await yard.dev.rest.pulls.get({ owner: "acme", repo: "rig", pull_number: pr.number });
      expect(data.head.sha).toBe(newHead);
      expect((await yard.baseMoves()).every((m) => m.tested)).toBe(true);
    });
  });
});
