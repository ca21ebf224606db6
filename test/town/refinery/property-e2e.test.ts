// Random queues of pull requests that pass, fail, fail once (flaky) or conflict, run through the
// refinery against the loopback GitHub and its real CI, with pushes to queued PRs thrown in.
// Whatever the mix: the base only moves to a tree CI passed, every good PR lands, every bad one
// leaves with a reason, nothing lands twice, and a PR pushed to after queueing never lands on its
// old head alone.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { git } from "../../../src/sim/git.ts";
import { viewQueue } from "../../../src/town/refinery/index.ts";
import { type Outcome, startYard, type YardPr } from "../../helpers/refinery-yard.ts";
import { startTestSim } from "../../helpers/sim.ts";

const scenario = fc.record({
  outcomes: fc.array(fc.constantFrom<Outcome>("pass", "pass", "fail", "flaky", "conflict"), {
    minLength: 2,
    maxLength: 6,
  }),
  batchSize: fc.integer({ min: 2, max: 4 }),
  /** Index of a PR pushed to after the first tick (none when out of range). */
  pushed: fc.integer({ min: 0, max: 8 }),
});

describe("the refinery over random queues (property, loopback GitHub)", () => {
  it("keeps every promise of the merge queue", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ outcomes, batchSize, pushed }) => {
        const sim = await startTestSim();
        const yard = await startYard(sim, { settings: { batchSize, retryFlaky: 1 } });
        try {
          const prs: YardPr[] = [];
          for (const outcome of outcomes) prs.push(await yard.openPr({ outcome }));
          await yard.tick();
          await sim.idle();
          const late = prs[pushed];
          const oldHead = late?.headSha;
          if (late) late.headSha = await yard.pushTo(late, { [`prs/late-${late.number}.txt`]: "ok" });
          const reports = await yard.drain();

          // 1. The base only ever moved to a tree CI had passed.
          const moves = await yard.baseMoves();
          expect(moves.filter((m) => !m.tested)).toEqual([]);

          // 2. Every good PR landed; of the PRs that edit the same lines, exactly the first to go.
          const merged = new Set(yard.mergedPulls());
          const good = prs.filter((p) => p.outcome === "pass" || p.outcome === "flaky").map((p) => p.number);
          const clashing = prs.filter((p) => p.outcome === "conflict").map((p) => p.number);
          for (const pr of good) expect(merged.has(pr), `#${pr} (good) landed`).toBe(true);
          for (const pr of prs.filter((p) => p.outcome === "fail")) expect(merged.has(pr.number)).toBe(false);
          expect(clashing.filter((pr) => merged.has(pr))).toHaveLength(clashing.length > 0 ? 1 : 0);

          // 3. Every PR that did not land left with a reason, and nothing landed twice.
          const view = await viewQueue(yard.town, { settings: yard.settings });
          for (const pr of prs.filter((p) => !merged.has(p.number))) {
            expect(
              view.parked.some((p) => p.pr === pr.number),
              `#${pr.number} parked with a reason`,
            ).toBe(true);
          }
          const landings = reports.flatMap((r) => r.merged.map((m) => m.pr));
          expect(new Set(landings).size).toBe(landings.length);

          // 4. A PR pushed to after queueing landed with its new head, or not at all.
          if (late && oldHead) {
            const contains = async (sha: string) =>
              (await git(yard.repo.gitDir, ["merge-base", "--is-ancestor", sha, "main"], { okCodes: [1] }))
                .code === 0;
            if (await contains(oldHead)) expect(await contains(late.headSha)).toBe(true);
          }
        } finally {
          await yard.stop();
          await sim.stop();
        }
      }),
      { numRuns: Number(process.env.GASTOWN_PROPERTY_RUNS ?? 4), endOnFailure: true },
    );
  }, 600_000);
});
