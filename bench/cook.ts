// Cook benchmark. The stress test first, in a fresh process as a CLI run would meet it:
// towers-of-hanoi with 10 disks (1,023 moves, plus its setup and verify steps), giving steps, ms
// and peak_mb (the process's peak resident set, which so far holds only this cook). Then every
// built-in formula cooked N times with sample vars (per-formula ms and cooks/s), and the stress
// test once more, warm. `COOK_RUNS=500 npm run bench -- cook` to change N.
import { cookFormulaSync, createBuiltinSource, listFormulas, loadFormula } from "../src/formula/index.ts";

const RUNS = Number(process.env.COOK_RUNS ?? 200);
const SAMPLES: Record<string, Record<string, string>> = {
  shiny: { feature: "dark mode" },
  "shiny-enterprise": { feature: "audit log export" },
  "shiny-secure": { feature: "password reset" },
  "mol-polecat-work": { issue: "42", polecat: "nux" },
  "code-review": { pr: "123" },
  release: { version: "1.2.3" },
  "towers-of-hanoi": { disks: "3" },
};

const gc = (globalThis as { gc?: () => void }).gc;
const sources = [createBuiltinSource()];

// 1. towers-of-hanoi, 10 disks, cold.
const hanoi = await loadFormula("towers-of-hanoi", { sources });
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const start = performance.now();
const proto = cookFormulaSync({ formula: hanoi, vars: { disks: "10" } });
const hanoiMs = performance.now() - start;
const heapDeltaMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
const peakMb = process.resourceUsage().maxRSS / 1024;
const moves = proto.steps.filter((step) => step.id.startsWith("move.")).length;
if (moves !== 1_023) throw new Error(`towers-of-hanoi with 10 disks cooked to ${moves} moves, not 1,023`);
console.log(
  `towers-of-hanoi, 10 disks: ${proto.steps.length} steps (${moves} moves) in ${hanoiMs.toFixed(1)} ms ` +
    `(heap +${heapDeltaMb.toFixed(1)} MB, peak RSS ${peakMb.toFixed(1)} MB)`,
);

// 2. every built-in, N times each.
const formulas: Record<string, { ms: number; cooks_per_s: number; steps: number }> = {};
for (const { name } of await listFormulas(sources)) {
  const formula = await loadFormula(name, { sources });
  const vars = SAMPLES[name] ?? {};
  let steps = 0;
  for (let i = 0; i < 5; i++) steps = cookFormulaSync({ formula, vars }).steps.length;
  const begin = performance.now();
  for (let i = 0; i < RUNS; i++) cookFormulaSync({ formula, vars });
  const ms = (performance.now() - begin) / RUNS;
  formulas[name] = { ms: Number(ms.toFixed(3)), cooks_per_s: Math.round(1000 / ms), steps };
  console.log(
    `${name.padEnd(18)} ${String(steps).padStart(5)} steps  ${ms.toFixed(3).padStart(8)} ms/cook  ${Math.round(1000 / ms)} cooks/s`,
  );
}

// 3. towers-of-hanoi again, warm.
const warmStart = performance.now();
cookFormulaSync({ formula: hanoi, vars: { disks: "10" } });
const warmMs = performance.now() - warmStart;
console.log(`towers-of-hanoi, 10 disks, warm: ${warmMs.toFixed(1)} ms`);

console.log(
  JSON.stringify({
    bench: "cook",
    formula: "towers-of-hanoi",
    disks: 10,
    steps: proto.steps.length,
    moves,
    ms: Number(hanoiMs.toFixed(1)),
    peak_mb: Number(peakMb.toFixed(1)),
    heap_delta_mb: Number(heapDeltaMb.toFixed(1)),
    warm_ms: Number(warmMs.toFixed(1)),
    runs: RUNS,
    formulas,
  }),
);
