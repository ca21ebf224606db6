// Direct mode, Kodiak-style: one pull request at a time, tested in place. The PR at the front is
// brought up to date with the base (the refinery merges the base into its branch and remembers
// that head as its own), its required checks run on that head, and it is merged through the API
// with the head-SHA guard, so a push after the checks passed makes GitHub refuse the merge.
import { countBehind, mergeInto } from "../../github/branches.ts";
import { listCheckVerdicts, rerequestCheckRun } from "../../github/checks.ts";
import { getPullDetails, mergePull } from "../../github/merge-requests.ts";
import { decideDirect, orderQueue } from "../../model/merge-queue/index.ts";
import type { DirectRun } from "../../model/merge-queue/state.ts";
import { logOf, type TownContext } from "../context.ts";
import type { QueueWorld } from "./gather.ts";
import type { TickPlan } from "./plan.ts";
import type { RefinerySettings } from "./settings.ts";

interface StepInput {
  town: TownContext;
  plan: TickPlan;
  world: QueueWorld;
  settings: RefinerySettings;
}

/** The run on the front PR: the one under way, else a fresh one on the queue's first entry. */
function currentRun(plan: TickPlan): DirectRun | null {
  const { state } = plan;
  if (state.direct && state.entries.some((e) => e.pr === state.direct?.pr)) return state.direct;
  const first = orderQueue(state.entries, plan.now)[0];
  if (!first) return null;
  return { pr: first.entry.pr, ownUpdates: [], retried: 0, startedAt: plan.now.toISOString() };
}

/** Works the front of the queue until it has to wait (for CI, or for GitHub). */
export async function stepDirect(input: StepInput): Promise<void> {
  const { town, plan, world, settings } = input;
  for (let round = 0; round < 5; round++) {
    const run = currentRun(plan);
    plan.update((s) => ({ ...s, direct: run }));
    if (!run) return;
    const entry = plan.state.entries.find((e) => e.pr === run.pr);
    if (!entry) return;
    const pr = await getPullDetails(town, run.pr);
    if (!pr) {
      plan.remove([{ pr: run.pr, cause: { kind: "closed" } }]);
      continue;
    }
    const open = pr.state === "open" && !pr.merged;
    const [behind, reports] = open
      ? await Promise.all([
          countBehind(town, { base: world.baseSha, head: pr.headSha }),
          listCheckVerdicts(town, pr.headSha),
        ])
      : [0, []];
    const decision = decideDirect({
      entry,
      pr: { state: pr.state, merged: pr.merged, headSha: pr.headSha, mergedSha: pr.mergeCommitSha },
      ownUpdates: run.ownUpdates,
      base: world.base,
      baseSha: world.baseSha,
      behindBase: behind > 0,
      mergeable: pr.mergeable,
      required: world.required,
      reports,
      retried: run.retried,
      retryFlaky: settings.retryFlaky,
      timedOut: (plan.now.getTime() - Date.parse(run.startedAt)) / 60_000 > settings.timeoutMinutes,
    });
    switch (decision.kind) {
      case "merged":
        plan.merge([{ pr: run.pr, sha: decision.sha }]);
        continue;
      case "remove":
        plan.remove([{ pr: run.pr, cause: decision.cause }]);
        continue;
      case "wait":
        return;
      case "update-branch": {
        if (!pr.sameRepo) {
          plan.remove([{ pr: run.pr, cause: { kind: "behind", base: world.base } }]);
          continue;
        }
        const merged = await mergeInto(town, {
          branch: pr.headRef,
          head: world.baseSha,
          message: `Merge ${world.base} into ${pr.headRef}`,
        });
        if (merged.kind === "conflict") {
          plan.remove([
            { pr: run.pr, cause: { kind: "conflict", base: world.base, baseSha: world.baseSha, files: [] } },
          ]);
          continue;
        }
        if (merged.kind === "merged") {
          logOf(town).info({ pr: run.pr, head: merged.sha }, "brought up to date with the base");
          const updated = {
            ...run,
            ownUpdates: [...run.ownUpdates, merged.sha],
            startedAt: plan.now.toISOString(),
          };
          plan.update((s) => ({ ...s, direct: updated }));
        }
        return;
      }
      case "rerun": {
        const ids = reports
          .filter((r) => r.state === "failure" && decision.failed.includes(r.name))
          .map((r) => r.checkRunId);
        const rerun =
          ids.length > 0 &&
          ids.every((id) => id !== null) &&
          (await Promise.all(ids.map((id) => rerequestCheckRun(town, id as number)))).every(Boolean);
        if (!rerun) {
          plan.remove([
            { pr: run.pr, cause: { kind: "checks-failed", sha: pr.headSha, checks: decision.failed } },
          ]);
          continue;
        }
        const retried = { ...run, retried: run.retried + 1, startedAt: plan.now.toISOString() };
        plan.update((s) => ({ ...s, direct: retried }));
        return;
      }
      case "merge": {
        const result = await mergePull(town, {
          number: run.pr,
          sha: decision.sha,
          method: settings.mergeMethod,
        });
        if (result.kind === "head-moved") return;
        if (result.kind === "refused") {
          plan.remove([
            {
              pr: run.pr,
              cause: { kind: "ineligible", reasons: [`GitHub refused the merge: ${result.message}`] },
            },
          ]);
          continue;
        }
        world.baseSha = result.sha;
        plan.merge([{ pr: run.pr, sha: result.sha }]);
        logOf(town).info({ pr: run.pr, sha: result.sha }, "refinery merged");
        continue;
      }
    }
  }
}
