// What follows a pull request out of the queue (issue 7, "After the queue"), done once the state
// recording it is stored. Merged: its bead closes (GitHub's `Closes #N` does so only for merges
// into the default branch), the convoy's progress moves, the polecat's hook is cleared, the branch
// is deleted and the witness gets MERGED mail. Removed for a conflict or failing checks: a fix-up
// bead goes back to the PR's polecat on the same branch, or, after `max_retries`, an escalation
// to the overseer. Each step stands alone: one that fails is logged and the rest still happen.
import { deleteBranch } from "../../github/branches.ts";
import { addBlockedBy, listBlockedBy } from "../../github/dependencies.ts";
import { createBead as createIssueBead, findBead } from "../../github/issues.ts";
import { getPullDetails, type PullSummary } from "../../github/merge-requests.ts";
import { fixUpMetadata, readFixUp } from "../../model/fixup.ts";
import { planRemoval } from "../../model/merge-queue/index.ts";
import { parseMergeRequestMarker } from "../../runner/branch.ts";
import { closeBead } from "../beads.ts";
import { logOf, type TownContext } from "../context.ts";
import { checkConvoys } from "../convoy-landing.ts";
import { escalate } from "../escalate.ts";
import { sendMail } from "../mail.ts";
import { sling } from "../sling.ts";
import { beadOfPull, type QueueWorld } from "./gather.ts";
import type { MergedPr, RemovedPr, TickPlan } from "./plan.ts";
import type { RefinerySettings } from "./settings.ts";

/** What the aftermath did, for the tick's report. */
export interface AftermathReport {
  closedBeads: number[];
  deletedBranches: string[];
  fixUps: Array<{ pr: number; bead: number; slungTo: string | null }>;
  escalations: Array<{ pr: number; bead: number }>;
}

async function attempt(town: TownContext, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error: unknown) {
    logOf(town).warn(
      { error: error instanceof Error ? error.message : String(error) },
      `refinery could not ${what}`,
    );
  }
}

async function pullOf(town: TownContext, world: QueueWorld, pr: number): Promise<PullSummary | null> {
  return world.pulls.get(pr) ?? (await getPullDetails(town, pr));
}

export async function applyAftermath(input: {
  town: TownContext;
  plan: TickPlan;
  world: QueueWorld;
  settings: RefinerySettings;
}): Promise<AftermathReport> {
  const report: AftermathReport = { closedBeads: [], deletedBranches: [], fixUps: [], escalations: [] };
  for (const merged of input.plan.merged) await afterMerge(input, merged, report);
  for (const removed of input.plan.removed) await afterRemoval(input, removed, report);
  return report;
}

async function afterMerge(
  input: { town: TownContext; world: QueueWorld; settings: RefinerySettings },
  merged: MergedPr,
  report: AftermathReport,
): Promise<void> {
  const { town, world, settings } = input;
  const pull = await pullOf(town, world, merged.pr);
  if (!pull) return;
  const beadNumber = beadOfPull(pull);
  const rig = town.repo.repo;
  if (beadNumber !== null) {
    await attempt(town, `close bead #${beadNumber}`, async () => {
      const bead = await findBead(town, beadNumber);
      if (!bead) return;
      if (bead.status !== "closed") {
        await closeBead(town, {
          number: beadNumber,
          bead,
          reason: `Landed by the refinery in ${merged.sha.slice(0, 7)} (#${merged.pr}).`,
        });
        report.closedBeads.push(beadNumber);
      }
      if (bead.milestone) await checkConvoys(town, { convoy: bead.milestone.number });
      // Fix-ups filed for this PR are moot once it landed.
      for (const blocker of await listBlockedBy(town, beadNumber)) {
        if (blocker.status !== "closed" && readFixUp(blocker.metadata)?.pr === merged.pr) {
          await closeBead(town, { number: blocker.number, bead: blocker, reason: `#${merged.pr} landed.` });
          report.closedBeads.push(blocker.number);
        }
      }
    });
  }
  if (settings.deleteMergedBranches && pull.sameRepo && pull.headRef !== world.base) {
    await attempt(town, `delete ${pull.headRef}`, async () => {
      if (await deleteBranch(town, pull.headRef)) report.deletedBranches.push(pull.headRef);
    });
  }
  await attempt(town, "mail the witness", async () => {
    await sendMail(town, {
      from: `${rig}/refinery`,
      to: `${rig}/witness`,
      subject: `MERGED #${merged.pr}`,
      type: "notification",
      body: [
        `#${merged.pr} landed on \`${world.base}\` in ${merged.sha.slice(0, 7)} (head ${merged.headSha.slice(0, 7)}).`,
        ...(beadNumber === null ? [] : [`Bead: #${beadNumber}.`]),
        ...(parseMergeRequestMarker(pull.body)
          ? [`Polecat: ${parseMergeRequestMarker(pull.body)?.polecat}.`]
          : []),
      ].join("\n"),
    });
  });
}

async function afterRemoval(
  input: { town: TownContext; world: QueueWorld; settings: RefinerySettings },
  removed: RemovedPr,
  report: AftermathReport,
): Promise<void> {
  const { town, world, settings } = input;
  const plan = planRemoval({
    pr: removed.pr,
    cause: removed.cause,
    retries: removed.retries,
    maxRetries: settings.maxRetries,
  });
  if (plan.followUp.kind === "none") return;
  const followUp = plan.followUp;
  const pull = await pullOf(town, world, removed.pr);
  if (!pull) return;
  const beadNumber = beadOfPull(pull);
  const bead = beadNumber === null ? null : await findBead(town, beadNumber);
  const marker = parseMergeRequestMarker(pull.body);
  await attempt(town, `file the ${followUp.kind} for #${removed.pr}`, async () => {
    if (followUp.kind === "escalate") {
      // The overseers hear of it (GitHub notifies whoever is @mentioned); without any configured,
      // the pull request's author does.
      const overseers = settings.overseers.length > 0 ? settings.overseers : pull.author ? [pull.author] : [];
      const raised = await escalate(town, {
        severity: "high",
        description: followUp.bead.title,
        details: followUp.bead.body,
        ...(beadNumber === null ? {} : { related: beadNumber }),
        from: { kind: "refinery", rig: town.repo.repo },
        overseers,
        link: pull.url,
      });
      report.escalations.push({ pr: removed.pr, bead: raised.escalation.number });
      return;
    }
    const fixUp = await createIssueBead(town, {
      title: followUp.bead.title,
      body: followUp.bead.body,
      type: "bug",
      priority: bead?.priority ?? 1,
      ...(bead?.milestone ? { milestone: bead.milestone.number } : {}),
      metadata: fixUpMetadata({ pr: removed.pr, bead: beadNumber, branch: pull.headRef }),
    });
    if (bead && bead.status !== "closed") {
      await attempt(town, `link #${fixUp.number} to #${bead.number}`, async () => {
        await addBlockedBy(town, { blocked: bead.number, blocker: fixUp });
      });
    }
    let slungTo: string | null = null;
    if (settings.sling && marker && pull.sameRepo) {
      const result = await sling(town, {
        bead: fixUp.number,
        settings: settings.sling,
        polecat: marker.polecat,
        by: `${town.repo.repo}/refinery`,
        convoy: false,
      });
      if (result.outcome === "dispatched" || result.outcome === "queued") slungTo = marker.polecat;
    }
    report.fixUps.push({ pr: removed.pr, bead: fixUp.number, slungTo });
  });
}
