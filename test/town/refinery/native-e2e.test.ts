import { describe, expect, it } from "vitest";
import { viewQueue } from "../../../src/town/refinery/index.ts";
import { useYard } from "./use-yard.ts";

describe("the refinery in native mode (GitHub's merge queue) on the loopback GitHub", () => {
  const fx = useYard({ settings: { mode: "native" } });

  describe("when two queued PRs pass", () => {
    it("enqueues them with their queued heads and mirrors GitHub landing both on tested commits", async () => {
      const { yard } = fx;
      const first = await yard.openPr({ outcome: "pass" });
      const second = await yard.openPr({ outcome: "pass" });
      const report = await yard.tick();
      expect(report.queued).toBe(2);
      const { data: checks } = await yard.dev.rest.checks.listForRef({
        owner: "acme",
        repo: "rig",
        ref: second.headSha,
        check_name: "gastown/refinery",
      });
      expect(checks.check_runs[0]?.output.title).toMatch(/^(queued, position 2|testing with #\d+)$/);
      await yard.drain();
      expect(yard.mergedPulls()).toEqual([first.number, second.number]);
      expect((await yard.baseMoves()).every((m) => m.tested)).toBe(true);
      const view = await viewQueue(yard.town, { settings: yard.settings });
      expect(view.history.filter((h) => h.outcome === "merged").map((h) => h.pr)).toEqual([
        first.number,
        second.number,
      ]);
    });
  });

  describe("when GitHub's queue drops a failing PR", () => {
    it("says its checks failed, files a fix-up, and the PR behind it still lands", async () => {
      const { yard } = fx;
      const bad = await yard.openPr({ outcome: "fail" });
      const good = await yard.openPr({ outcome: "pass" });
      await yard.drain();
      expect(yard.mergedPulls()).toEqual([good.number]);
      const view = await viewQueue(yard.town, { settings: yard.settings });
      expect(view.parked.map((p) => [p.pr, p.cause])).toEqual([[bad.number, "checks-failed"]]);
      const reason = view.history.find((h) => h.pr === bad.number && h.outcome === "removed")?.reason;
      expect(reason).toBe(`checks failed on ${bad.headSha.slice(0, 7)} — push a fix or /queue`);
      const { data } = await yard.dev.rest.issues.listForRepo({ owner: "acme", repo: "rig", state: "open" });
      expect(data.map((i) => i.title)).toContain(`fix failing checks in #${bad.number}`);
    });
  });
});

describe("the refinery in native mode, with CI slow enough for a push to race it", () => {
  const fx = useYard({ settings: { mode: "native" }, ciSeconds: 3 });

  describe("when a queued PR is pushed to", () => {
    it("takes it out of GitHub's queue and lands only its new head", async () => {
      const { yard } = fx;
      const pr = await yard.openPr({ outcome: "pass" });
      await yard.tick();
      const newHead = await yard.pushTo(pr, { "prs/late.txt": "ok" });
      await yard.drain();
      expect(yard.mergedPulls()).toEqual([pr.number]);
      const { data } = await yard.dev.rest.pulls.get({ owner: "acme", repo: "rig", pull_number: pr.number });
      expect(data.head.sha).toBe(newHead);
      expect((await yard.baseMoves()).every((m) => m.tested)).toBe(true);
    });
  });
});
