// Cook benchmark: every built-in formula cooked N times with sample vars (per-formula ms and
// cooks/s), then the stress test, towers-of-hanoi with 10 disks (1,023 moves): steps, ms, and
// memory. `COOK_RUNS=500 npm run bench -- cook` to change N.
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
const formulas: Record<string, { ms: number; cooks_per_s: number; steps: number }> = {};

for (const { name } of await listFormulas(sources)) {
  const formula = await loadFormula(name, { sources });
  const vars = SAMPLES[name] ?? {};
  let steps = 0;
  for (let i = 0; i < 5; i++) steps = cookFormulaSync({ formula, vars }).steps.length;
  const start = performance.now();
  for (let i = 0; i < RUNS; i++) cookFormulaSync({ formula, vars });
  const ms = (performance.now() - start) / RUNS;
  formulas[name] = { ms: Number(ms.toFixed(3)), cooks_per_s: Math.round(1000 / ms), steps };
  console.log(`${name.padEnd(18)} ${String(steps).padStart(5)} steps  ${ms.toFixed(3).padStart(8)} ms/cook  ${Math.round(1000 / ms)} cooks/s`);
}

const hanoi = await loadFormula("towers-of-hanoi", { sources });
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const start = performance.now();
const proto = cookFormulaSync({ formula: hanoi, vars: { disks: "10" } });
const hanoiMs = performance.now() - start;
const heapDeltaMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(
  `towers-of-hanoi, 10 disks: ${proto.steps.length} steps in ${hanoiMs.toFixed(1)} ms ` +
    `(heap +${heapDeltaMb.toFixed(1)} MB, peak RSS ${peakMb.toFixed(1)} MB)`,
);

console.log(
  JSON.stringify({
    bench: "cook",
    runs: RUNS,
    formulas,
    hanoi10: {
      steps: proto.steps.length,
      ms: Number(hanoiMs.toFixed(1)),
      heap_delta_mb: Number(heapDeltaMb.toFixed(1)),
      peak_mb: Number(peakMb.toFixed(1)),
    },
  }),
);
