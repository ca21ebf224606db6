// "Never an untested commit": random sequences of CI verdicts, stray reports, base moves, pushes
// to queued PRs and conflicts, fed through the decisions the way the acting layer will loop over
// them. Whatever happens, the base only moves to a SHA whose required checks all passed, from the
// SHA the batch was built on, carrying PRs at their queued heads, and nothing is merged twice.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BisectState,
  type CheckReport,
  type CheckState,
  decideConflict,
  decideOutcome,
  guardLanding,
  nextBisectStep,
  orderQueue,
  planBatch,
  type QueueEntry,
  type Removal,
  recordBisectResult,
  type StagingPlan,
  startBisection,
  summarizeChecks,
} from "../../../src/model/merge-queue/index.ts";
import { entry, NOW, sha } from "./fixtures.ts";

const REQUIRED = ["test", "lint"];

type Event =
  | { kind: "ci"; states: CheckState[] }
  | { kind: "stray"; onBase: boolean }
  | { kind: "base-moves" }
  | { kind: "push"; pr: number };

interface Landing {
  from: string;
  baseBefore: string;
  to: string;
  prs: number[];
  greenAtLanding: boolean;
  headsMatched: boolean;
}

type Phase =
  | { kind: "idle" }
  | { kind: "batch"; plan: StagingPlan; stagingSha: string; retried: number }
  | { kind: "bisect"; state: BisectState; plan: StagingPlan; stagingSha: string };

/** A tiny acting layer: the loop src/town/refinery.ts will run, with GitHub replaced by data. */
class World {
  baseSha = sha(0, "b");
  heads = new Map<number, string>();
  entries: QueueEntry[];
  reports: CheckReport[] = [];
  phase: Phase = { kind: "idle" };
  landings: Landing[] = [];
  removed: Removal[] = [];
  conflicting: Set<number>;
  builds = 0;
  readonly batchSize: number;

  constructor(prs: number, conflicting: readonly number[], batchSize: number) {
    this.entries = Array.from({ length: prs }, (_, i) => entry(i + 1));
    for (const e of this.entries) this.heads.set(e.pr, e.headSha);
    this.conflicting = new Set(conflicting);
    this.batchSize = batchSize;
  }

  private stagingSha(): string {
    this.builds += 1;
    return sha(this.builds, "s");
  }

  private remove(removals: readonly Removal[]): void {
    for (const removal of removals) {
      this.removed.push(removal);
      this.entries = this.entries.filter((e) => e.pr !== removal.pr);
    }
  }

  private land(plan: StagingPlan, to: string, prs: readonly number[]): void {
    const summary = summarizeChecks({ sha: to, required: REQUIRED, reports: this.reports });
    this.landings.push({
      from: plan.baseSha,
      baseBefore: this.baseSha,
      to,
      prs: [...prs],
      greenAtLanding: summary.allPassed && summary.passed.length === REQUIRED.length,
      headsMatched: plan.prs
        .filter((p) => prs.includes(p.pr))
        .every((p) => this.heads.get(p.pr) === p.headSha),
    });
    this.baseSha = to;
    this.entries = this.entries.map((e) => (prs.includes(e.pr) ? { ...e, mergedSha: to } : e));
    this.phase = { kind: "idle" };
  }

  /** Plans and "builds" a batch, taking out conflicting PRs the way git would report them. */
  private startBatch(): void {
    const skip = new Set<number>();
    for (;;) {
      const { plan, removals } = planBatch({
        ordered: orderQueue(this.entries, NOW).map((r) => r.entry),
        base: "main",
        baseSha: this.baseSha,
        batchSize: this.batchSize,
        heads: this.heads,
        skip,
      });
      this.remove(removals);
      if (!plan) return;
      const clash = plan.prs.find((p) => this.conflicting.has(p.pr));
      if (!clash) {
        this.phase = { kind: "batch", plan, stagingSha: this.stagingSha(), retried: 0 };
        return;
      }
      const decision = decideConflict({ plan, conflict: { pr: clash.pr, files: ["x.ts"] } });
      if (decision.kind === "remove") this.remove([decision.removal]);
      else skip.add(decision.pr);
    }
  }

  private continueBisection(state: BisectState): void {
    const step = nextBisectStep(state);
    if (step.kind === "test") {
      this.phase = { kind: "bisect", state, plan: step.plan, stagingSha: this.stagingSha() };
      return;
    }
    const culprits = step.culprits.map((pr) => ({
      pr,
      cause: { kind: "checks-failed" as const, sha: sha(0, "s"), checks: ["test"] },
    }));
    this.remove(culprits);
    this.phase = { kind: "idle" };
    if (step.mergeSha === null) return;
    const plan = { base: state.base, baseSha: state.baseSha, prs: state.good };
    const guard = guardLanding({
      baseSha: state.baseSha,
      currentBaseSha: this.baseSha,
      sha: step.mergeSha,
      prs: state.good,
      heads: this.heads,
      required: REQUIRED,
      reports: this.reports,
    });
    if (guard.ok) this.land(plan, step.mergeSha, step.merge);
    else if (guard.reason === "head-changed") this.remove(guard.removals);
  }

  /** One turn of the acting loop after an event. */
  decide(): void {
    const phase = this.phase;
    if (phase.kind === "idle") this.startBatch();
    else if (phase.kind === "batch") this.decideBatch(phase);
    else this.decideBisectBuild(phase);
  }

  private decideBatch(phase: Phase & { kind: "batch" }): void {
    const decision = decideOutcome({
      plan: phase.plan,
      stagingSha: phase.stagingSha,
      required: REQUIRED,
      reports: this.reports,
      currentBaseSha: this.baseSha,
      heads: this.heads,
      retried: phase.retried,
      retryFlaky: 1,
    });
    switch (decision.kind) {
      case "wait":
        break;
      case "fast-forward":
        this.land(phase.plan, decision.toSha, decision.prs);
        break;
      case "rebuild":
        this.remove(decision.removals);
        this.phase = { kind: "idle" };
        break;
      case "retry":
        // A re-run creates new check runs, queued until they finish: the latest report wins.
        for (const name of decision.failed) {
          this.reports.push({ name, sha: phase.stagingSha, state: "pending" });
        }
        this.phase = { ...phase, retried: phase.retried + 1 };
        break;
      case "bisect":
        this.continueBisection(startBisection(phase.plan));
        break;
    }
  }

  private decideBisectBuild(phase: Phase & { kind: "bisect" }): void {
    const summary = summarizeChecks({ sha: phase.stagingSha, required: REQUIRED, reports: this.reports });
    if (summary.failed.length === 0 && !summary.allPassed) return;
    const tested = phase.plan.prs.map((p) => p.pr);
    this.continueBisection(
      recordBisectResult(phase.state, { tested, sha: phase.stagingSha, passed: summary.allPassed }),
    );
  }

  apply(event: Event): void {
    switch (event.kind) {
      case "ci":
        if (this.phase.kind !== "idle") {
          const at = this.phase.stagingSha;
          REQUIRED.forEach((name, i) => {
            this.reports.push({ name, sha: at, state: event.states[i] ?? "pending" });
          });
        }
        break;
      case "stray":
        // Green reports on commits the planner must not confuse with the staging tip.
        for (const name of REQUIRED) {
          this.reports.push({
            name,
            sha: event.onBase ? this.baseSha : sha(this.builds + 1, "s"),
            state: "success",
          });
        }
        break;
      case "base-moves":
        this.baseSha = sha(this.builds * 1000 + this.landings.length + 7, "o");
        break;
      case "push":
        if (this.heads.has(event.pr)) this.heads.set(event.pr, sha(event.pr, `p${this.builds}`));
        break;
    }
    this.decide();
  }
}

const checkState = fc.oneof(
  { arbitrary: fc.constant<CheckState>("success"), weight: 6 },
  { arbitrary: fc.constant<CheckState>("failure"), weight: 2 },
  { arbitrary: fc.constant<CheckState>("pending"), weight: 1 },
);

const eventArb = (prs: number): fc.Arbitrary<Event> =>
  fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant("ci" as const),
        states: fc.array(checkState, { minLength: 2, maxLength: 2 }),
      }),
      weight: 10,
    },
    { arbitrary: fc.record({ kind: fc.constant("stray" as const), onBase: fc.boolean() }), weight: 2 },
    { arbitrary: fc.constant({ kind: "base-moves" as const }), weight: 1 },
    {
      arbitrary: fc.record({ kind: fc.constant("push" as const), pr: fc.integer({ min: 1, max: prs }) }),
      weight: 1,
    },
  );

const scenario = fc.integer({ min: 1, max: 12 }).chain((prs) =>
  fc.record({
    prs: fc.constant(prs),
    batchSize: fc.integer({ min: 1, max: 6 }),
    conflicting: fc.subarray(
      Array.from({ length: prs }, (_, i) => i + 1),
      { maxLength: Math.min(2, prs) },
    ),
    events: fc.array(eventArb(prs), { maxLength: 80 }),
  }),
);

describe("the refinery's decisions over any sequence of events", () => {
  it("never fast-forward the base to a commit whose required checks have not all passed", () => {
    fc.assert(
      fc.property(scenario, ({ prs, batchSize, conflicting, events }) => {
        const world = new World(prs, conflicting, batchSize);
        world.decide();
        for (const event of events) world.apply(event);
        const merged = world.landings.flatMap((l) => l.prs);
        for (const landing of world.landings) {
          expect(landing.greenAtLanding).toBe(true);
          expect(landing.from).toBe(landing.baseBefore);
          expect(landing.headsMatched).toBe(true);
        }
        expect(new Set(merged).size).toBe(merged.length);
        for (const pr of conflicting) expect(merged).not.toContain(pr);
        // A PR that left the queue (pushed to, conflicting, culprit) is never merged.
        expect(world.removed.map((r) => r.pr).filter((pr) => merged.includes(pr))).toEqual([]);
        for (const removal of world.removed.filter((r) => r.cause.kind === "head-changed")) {
          expect(world.heads.get(removal.pr)).not.toBe(sha(removal.pr));
        }
      }),
      { numRuns: 400 },
    );
  });

  it("lands every PR when CI is always green and nothing moves", () => {
    const world = new World(9, [], 4);
    world.decide();
    for (let i = 0; i < 10; i += 1) world.apply({ kind: "ci", states: ["success", "success"] });
    expect(world.landings.map((l) => l.prs)).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
    expect(world.builds).toBe(3);
  });
});
