// The refinery on the loopback GitHub with its real CI (a command that takes a fixed time per run):
// 20 queued pull requests with 0, 1 and 3 failing among them, drained in batch and in direct
// mode. Figures per run: CI runs the queue caused, wall time, PRs merged and removed, and base
// moves to a tree CI had not passed (must be 0). Targets (issue 7): with no failures batch needs at
// most 4 CI runs where direct needs 20; with one failure, at most 9.
import { startSim } from "../src/sim/index.ts";
import type { RefineryMode } from "../src/town/refinery/index.ts";
import { startYard } from "../test/helpers/refinery-yard.ts";
import { report } from "./_setup.ts";

const PRS = 20;
const CI_SECONDS = Number(process.env.BENCH_CI_SECONDS ?? 1);
const FAILING: Record<string, number[]> = { "0": [], "1": [7], "3": [3, 11, 17] };

interface RunFigures {
  ci_runs: number;
  wall_s: number;
  merged: number;
  removed: number;
  untested_base_moves: number;
}

async function runOnce(mode: RefineryMode, failing: readonly number[]): Promise<RunFigures> {
  const sim = await startSim();
  const yard = await startYard(sim, { settings: { mode }, ciSeconds: CI_SECONDS });
  try {
    for (let i = 1; i <= PRS; i++) await yard.openPr({ outcome: failing.includes(i) ? "fail" : "pass" });
    // Pull request CI (direct mode runs it on open) is not the queue's doing: let it finish first.
    await sim.idle();
    const runsBefore = yard.ciRuns();
    const start = performance.now();
    const reports = await yard.drain({ maxTicks: 400 });
    const wall = (performance.now() - start) / 1000;
    const moves = await yard.baseMoves();
    return {
      ci_runs: yard.ciRuns() - runsBefore,
      wall_s: Math.round(wall * 10) / 10,
      merged: yard.mergedPulls().length,
      removed: new Set(reports.flatMap((r) => r.removed.map((x) => x.pr))).size,
      untested_base_moves: moves.filter((m) => !m.tested).length,
    };
  } finally {
    await yard.stop();
    await sim.stop();
  }
}

const figures: Record<string, unknown> = { bench: "refinery", prs: PRS, ci_seconds: CI_SECONDS };
const only = process.env.BENCH_REFINERY_MODES?.split(",") as RefineryMode[] | undefined;
for (const mode of only ?? (["batch", "direct"] as RefineryMode[])) {
  for (const [failures, positions] of Object.entries(FAILING)) {
    const run = await runOnce(mode, positions);
    for (const [key, value] of Object.entries(run)) figures[`${mode}_fail${failures}_${key}`] = value;
    console.error(`${mode} with ${failures} failing: ${JSON.stringify(run)}`);
  }
}
report(figures);
