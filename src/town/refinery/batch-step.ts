// Batch mode, one step at a time (bors-style; issue 7). With a batch on staging: read CI's
// verdict on that exact commit and land it (fast-forward only), re-run it once when flaky, or
// bisect it; with none, build the next batch from the queue. The base moves only through
// `landBase`, only to a commit whose required checks all passed, and never by force.
import { getBranchSha, moveBranch } from "../../github/branches.ts";
import { listCheckVerdicts } from "../../github/checks.ts";
import {
  type BisectState,
  decideOutcome,
  nextBisectStep,
  orderQueue,
  planBatch,
  recordBisectResult,
  type StagingPlan,
  startBisection,
  summarizeChecks,
} from "../../model/merge-queue/index.ts";
import type { BatchRun } from "../../model/merge-queue/state.ts";
import { logOf, type TownContext } from "../context.ts";
import { headsOf, type QueueWorld } from "./gather.ts";
import type { TickPlan } from "./plan.ts";
import type { RefinerySettings } from "./settings.ts";
import { buildStaging } from "./staging.ts";

interface StepInput {
  town: TownContext;
  plan: TickPlan;
  world: QueueWorld;
  settings: RefinerySettings;
}

/** One step of batch mode; see the module comment. */
export async function stepBatch(input: StepInput): Promise<void> {
  const { plan } = input;
  // A landing frees the queue for the next batch in the same tick; a few rounds at most.
  for (let round = 0; round < 4; round++) {
    if (plan.state.batch && !(await advanceBatch(input, plan.state.batch))) return;
    // Every PR of the planned batch conflicted: plan again from what is left.
    if ((await startBatch(input)) !== "empty") return;
  }
}

const elapsedMinutes = (from: string, now: Date) => (now.getTime() - Date.parse(from)) / 60_000;

/** Fast-forwards the base to a tested commit; false when the base moved meanwhile (GitHub refuses). */
async function landBase(input: StepInput, sha: string): Promise<boolean> {
  const moved = await moveBranch(input.town, { branch: input.world.base, sha, force: false });
  if (moved !== "moved") {
    // Someone else moved the base: what comes next is built on where it is now.
    input.world.baseSha = (await getBranchSha(input.town, input.world.base)) ?? input.world.baseSha;
    return false;
  }
  input.world.baseSha = sha;
  logOf(input.town).info({ base: input.world.base, sha }, "refinery landed");
  return true;
}

/**
 * Builds `staging` for a plan and records it as the batch (during a bisection, the plan of the
 * test build: the batch's `plan` is always exactly what its staging commit carries). The staging
 * branch moves only after the state is written.
 */
async function stageBuild(
  input: StepInput,
  staged: StagingPlan,
  run: Omit<BatchRun, "build" | "plan" | "stagingSha" | "startedAt">,
): Promise<"built" | "changed" | "empty"> {
  const { town, plan, world, settings } = input;
  const build = plan.state.builds + 1;
  const titles = new Map([...world.pulls.values()].map((p) => [p.number, p.title]));
  const result = await buildStaging(town, { plan: staged, staging: settings.staging, build, titles });
  plan.update((s) => ({ ...s, builds: build }));
  for (const conflict of result.conflicts) {
    // Merged first, it clashes with the base itself; later, it may only clash with batch-mates
    // that could still fail, so it waits for a later batch instead of leaving.
    if (conflict.mergedBefore === 0) {
      plan.remove([
        {
          pr: conflict.pr,
          cause: { kind: "conflict", base: world.base, baseSha: staged.baseSha, files: conflict.files },
        },
      ]);
    }
  }
  if (result.sha === null) return "empty";
  const sha = result.sha;
  plan.update((s) => ({
    ...s,
    batch: {
      ...run,
      build,
      plan: { ...staged, prs: result.prs },
      stagingSha: sha,
      startedAt: plan.now.toISOString(),
    },
  }));
  plan.afterWrite.push(() => moveBranch(town, { branch: settings.staging, sha, force: true, create: true }));
  const same =
    result.prs.length === staged.prs.length && result.prs.every((p, i) => p.pr === staged.prs[i]?.pr);
  return same ? "built" : "changed";
}

/** Plans and builds the next batch: built, nothing to build, or every PR of it conflicted. */
async function startBatch(input: StepInput): Promise<"built" | "none" | "empty"> {
  const { plan, world, settings } = input;
  const ordered = orderQueue(plan.state.entries, plan.now).map((r) => r.entry);
  const { plan: staged } = planBatch({
    ordered,
    base: world.base,
    baseSha: world.baseSha,
    batchSize: settings.batchSize,
    heads: headsOf(world),
  });
  if (staged === null) return "none";
  const built = await stageBuild(input, staged, { retried: 0, bisect: null, failedChecks: [] });
  return built === "empty" ? "empty" : "built";
}

/**
 * Moves the batch on staging forward. True when it is finished (landed, dropped or bisected to
 * the end) and the queue may start another; false while CI is still working on it.
 */
async function advanceBatch(input: StepInput, batch: BatchRun): Promise<boolean> {
  const { town, plan, world, settings } = input;
  const clear = () => plan.update((s) => ({ ...s, batch: null }));
  // Landed already (by an earlier tick whose state write lost a race).
  if (world.baseSha === batch.stagingSha) {
    plan.merge(batch.plan.prs.map((p) => ({ pr: p.pr, sha: batch.stagingSha })));
    clear();
    return true;
  }
  if (world.baseSha !== batch.plan.baseSha) {
    logOf(town).info(
      { base: world.base, was: batch.plan.baseSha, now: world.baseSha },
      "base moved; rebuilding",
    );
    clear();
    return true;
  }
  // Repair a staging branch that does not point at the batch (a crash between write and push).
  const stagingSha = await getBranchSha(town, settings.staging);
  if (stagingSha !== batch.stagingSha) {
    plan.afterWrite.push(() =>
      moveBranch(town, { branch: settings.staging, sha: batch.stagingSha, force: true, create: true }),
    );
  }
  const reports = await listCheckVerdicts(town, batch.stagingSha);
  const timedOut = elapsedMinutes(batch.startedAt, plan.now) > settings.timeoutMinutes;
  if (batch.bisect) return advanceBisection(input, batch, batch.bisect, reports, timedOut);

  const decision = decideOutcome({
    plan: batch.plan,
    stagingSha: batch.stagingSha,
    required: world.required,
    reports,
    currentBaseSha: world.baseSha,
    heads: headsOf(world),
    retried: batch.retried,
    retryFlaky: settings.retryFlaky,
    timedOut,
  });
  switch (decision.kind) {
    case "wait":
      return false;
    case "fast-forward":
      if (await landBase(input, decision.toSha)) {
        plan.merge(decision.prs.map((pr) => ({ pr, sha: decision.toSha })));
      }
      clear();
      return true;
    case "rebuild":
      plan.remove(decision.removals);
      clear();
      return true;
    case "retry": {
      logOf(town).info({ build: batch.build, failed: decision.failed }, "re-running a failed batch");
      const built = await stageBuild(input, batch.plan, {
        retried: batch.retried + 1,
        bisect: null,
        failedChecks: decision.failed,
      });
      if (built === "empty") clear();
      return false;
    }
    case "bisect": {
      const bisect = startBisection(batch.plan);
      return continueBisection(input, batch, bisect, decision.failed);
    }
  }
}

/** Builds the bisection's next test, or finishes it: land the good part, remove the culprits. */
async function continueBisection(
  input: StepInput,
  batch: BatchRun,
  bisect: BisectState,
  failedChecks: string[],
): Promise<boolean> {
  const { plan } = input;
  const step = nextBisectStep(bisect);
  if (step.kind === "test") {
    const built = await stageBuild(input, step.plan, { retried: batch.retried, bisect, failedChecks });
    // The batch merged cleanly before; a build that now leaves a PR out cannot answer the search.
    if (built !== "built") {
      plan.update((s) => ({ ...s, batch: null }));
      return true;
    }
    return false;
  }
  const landed = step.mergeSha !== null && (await landBase(input, step.mergeSha));
  if (landed && step.mergeSha !== null) {
    const sha = step.mergeSha;
    plan.merge(step.merge.map((pr) => ({ pr, sha })));
  }
  const heads = new Map(bisect.batch.map((p) => [p.pr, p.headSha]));
  plan.remove(
    step.culprits.map((pr) => ({
      pr,
      cause: { kind: "checks-failed" as const, sha: heads.get(pr) ?? "", checks: failedChecks },
    })),
  );
  plan.update((s) => ({ ...s, batch: null }));
  return true;
}

async function advanceBisection(
  input: StepInput,
  batch: BatchRun,
  bisect: BisectState,
  reports: Awaited<ReturnType<typeof listCheckVerdicts>>,
  timedOut: boolean,
): Promise<boolean> {
  const summary = summarizeChecks({
    sha: batch.stagingSha,
    required: input.world.required,
    reports,
    timedOut,
  });
  if (summary.failed.length === 0 && !summary.allPassed) return false;
  const step = nextBisectStep(bisect);
  if (step.kind !== "test") return continueBisection(input, batch, bisect, batch.failedChecks);
  const next = recordBisectResult(bisect, {
    tested: step.plan.prs.map((p) => p.pr),
    sha: batch.stagingSha,
    passed: summary.allPassed,
  });
  return continueBisection(input, batch, next, batch.failedChecks);
}
