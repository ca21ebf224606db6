// The refinery's decision layer at scale: order and plan a queue of 200 PRs, bisect it as one
// batch with 3 culprits, and drain it in default-size batches. CI is an oracle here (a build
// fails iff it holds a culprit), so the figures are decision costs and build counts, not CI time.
import {
  type BisectState,
  bisectRoundBound,
  nextBisectStep,
  orderQueue,
  planBatch,
  type QueueEntry,
  recordBisectResult,
  type StagingPlan,
  startBisection,
} from "../src/model/merge-queue/index.ts";

const PRS = 200;
const CULPRITS = [37, 118, 171];
const BATCH_SIZE = 5;
const NOW = new Date("2026-03-01T12:00:00Z");
const HOUR = 3_600_000;

/** A small seeded generator, so every run sees the same queue. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const next = random(7);
const entries: QueueEntry[] = Array.from({ length: PRS }, (_, i) => ({
  pr: i + 1,
  headSha: `h${String(i + 1).padStart(39, "0")}`,
  enqueuedAt: new Date(NOW.getTime() - next() * 48 * HOUR).toISOString(),
  priority: [0, 1, 2, 2, 2, 3, 4][Math.floor(next() * 7)] as 0 | 1 | 2 | 3 | 4,
  override: null,
  convoyCreatedAt: next() < 0.5 ? new Date(NOW.getTime() - next() * 96 * HOUR).toISOString() : null,
  retries: Math.floor(next() * 3),
  mergedSha: null,
}));
const heads = new Map(entries.map((e) => [e.pr, e.headSha]));
const culprits = new Set(CULPRITS);

/** Bisects a failed plan against the oracle; returns its builds and outcome. */
function bisect(plan: StagingPlan) {
  let state: BisectState = startBisection(plan);
  for (;;) {
    const step = nextBisectStep(state);
    if (step.kind === "done") return step;
    const tested = step.plan.prs.map((p) => p.pr);
    const passed = !tested.some((pr) => culprits.has(pr));
    state = recordBisectResult(state, { tested, sha: `s${state.rounds + 1}`, passed });
  }
}

// 1. Plans per second: order the whole queue and plan the next batch, as each patrol does.
const planOnce = () =>
  planBatch({
    ordered: orderQueue(entries, NOW).map((r) => r.entry),
    base: "main",
    baseSha: "b".repeat(40),
    batchSize: BATCH_SIZE,
    heads,
  });
for (let i = 0; i < 50; i += 1) planOnce();
let plans = 0;
const planStart = performance.now();
while (performance.now() - planStart < 1000) {
  planOnce();
  plans += 1;
}
const plansPerS = Math.round(plans / ((performance.now() - planStart) / 1000));

// 2. One batch of all 200, bisected.
const whole = planBatch({
  ordered: orderQueue(entries, NOW).map((r) => r.entry),
  base: "main",
  baseSha: "b".repeat(40),
  batchSize: PRS,
  heads,
}).plan;
if (!whole) throw new Error("the benchmark queue planned nothing");
const result = bisect(whole);
const bound = bisectRoundBound(PRS, CULPRITS.length);
const found = [...result.culprits].sort((a, b) => a - b);
if (found.join() !== CULPRITS.join() || result.merge.length !== PRS - CULPRITS.length) {
  throw new Error(`bisection found ${found.join(", ")}; expected ${CULPRITS.join(", ")}`);
}

// 3. Drain the queue in batches of 5: builds = one per batch plus bisection builds.
let remaining = orderQueue(entries, NOW).map((r) => r.entry);
let drainBuilds = 0;
let merged = 0;
while (remaining.length > 0) {
  const { plan } = planBatch({
    ordered: remaining,
    base: "main",
    baseSha: "b".repeat(40),
    batchSize: BATCH_SIZE,
    heads,
  });
  if (!plan) break;
  drainBuilds += 1;
  const batch = plan.prs.map((p) => p.pr);
  if (batch.some((pr) => culprits.has(pr))) {
    const outcome = bisect(plan);
    drainBuilds += outcome.rounds;
    merged += outcome.merge.length;
  } else merged += batch.length;
  remaining = remaining.filter((e) => !batch.includes(e.pr));
}

console.log(`queue: ${PRS} PRs, culprits ${CULPRITS.map((n) => `#${n}`).join(" ")}`);
console.log(`plans_per_s: ${plansPerS} (order 200 entries + plan a batch of ${BATCH_SIZE})`);
console.log(
  `rounds: ${result.rounds} builds to bisect one batch of ${PRS} (bound k·⌈log2 n⌉ + k = ${bound})`,
);
console.log(
  `drain: ${drainBuilds} builds to land ${merged} PRs in batches of ${BATCH_SIZE} (one at a time: ${PRS})`,
);
console.log(
  JSON.stringify({
    bench: "queue",
    prs: PRS,
    culprits: CULPRITS.length,
    rounds: result.rounds,
    round_bound: bound,
    plans_per_s: plansPerS,
    drain_builds: drainBuilds,
    merged,
  }),
);
