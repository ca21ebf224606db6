// The end of a polecat's job, once its status is decided: push only `origin <branch>`, open or
// update the pull request (title from the bead, summary, `Closes #N`, the refinery's marker, the
// convoy's link), write the handoff comment a fresh job starts from, and leave the hook and the
// bead in their final state.
import { createComment } from "../../src/github/comments.ts";
import { findOpenPull, openPull, updatePull } from "../../src/github/pulls.ts";
import { readFixUp } from "../../src/model/fixup.ts";
import type { Bead } from "../../src/model/bead.ts";
import { redactSecrets } from "../../src/model/redact.ts";
import { renderPrBody, renderPrTitle } from "../../src/runner/branch.ts";
import { inlineCode, oneLine } from "../../src/runner/format.ts";
import type { StatusDecision } from "../../src/runner/status.ts";
import { renderHandoffComment } from "../../src/runner/summary.ts";
import { addLabels } from "../../src/github/issues.ts";
import { closeBead, commentOnBead } from "../../src/town/beads.ts";
import type { TownContext } from "../../src/town/context.ts";
import { detachHook } from "../../src/town/hooks.ts";
import { taxonomyOf } from "../../src/town/labels.ts";
import * as git from "./git.ts";
import type { PolecatInputs } from "./inputs.ts";

/** The most commit subjects a handoff lists. */
const HANDOFF_COMMITS = 20;

export interface FinishParams {
  town: TownContext;
  inputs: PolecatInputs;
  git: git.GitParams;
  bead: Bead;
  branch: string;
  base: string;
  decision: StatusDecision;
  reasons: readonly string[];
  /** The molecule's steps with this job's closed steps marked done; empty for a single bead. */
  steps: ReadonlyArray<{ id: string; title: string; done: boolean }>;
  stepsClosed: readonly string[];
  /** The agent's `gt done` summary, else the final text of its run. */
  summary: string | null;
  runUrl: string | null;
  secrets: readonly string[];
}

/** What to do first in the next job: the first open step, else carry on from the last commit. */
export function handoffNext(steps: FinishParams["steps"]): string {
  const open = steps.find((step) => !step.done);
  return open
    ? `Continue with step ${inlineCode(open.id)} (${oneLine(open.title, 100)}), the first open step, from the branch's last commit.`
    : "Continue from the branch's last commit.";
}

/** Pushes, opens the PR, hands off and sets the hook, as `decision` says. Returns the PR, if any. */
export async function finishJob(params: FinishParams): Promise<{ number: number; url: string } | null> {
  const { town, inputs, bead, branch, decision } = params;

  // Push only `origin <branch>`.
  if (decision.push) await git.pushBranch({ ...params.git, branch });

  // Open or update the PR. A fix-up's PR is someone else's bead's: its body (and `Closes`) stay,
  // and the fix is announced on it instead.
  let pr: { number: number; url: string } | null = null;
  const fixUp = readFixUp(bead.metadata);
  if (decision.openPr && fixUp) {
    const open = await findOpenPull(town, branch);
    if (open) {
      const summary = params.summary?.trim() ? `\n\n${oneLine(params.summary, 2_000)}` : "";
      await createComment(town, {
        issue: open.number,
        body: redactSecrets(
          `Polecat ${inlineCode(inputs.polecat)} pushed a fix for #${bead.number} to ${inlineCode(branch)}; the refinery queues the new head.${summary}`,
          params.secrets,
        ),
      });
      pr = { number: open.number, url: open.url };
    }
  } else if (decision.openPr) {
    const title = renderPrTitle(bead.title);
    const convoy = bead.milestone;
    const body = renderPrBody({
      bead: bead.number,
      polecat: inputs.polecat,
      branch,
      attempt: inputs.attempt,
      convoy: convoy?.number ?? null,
      convoyTitle: convoy?.title ?? null,
      convoyUrl: convoy ? `${inputs.serverUrl}/${inputs.repository}/milestone/${convoy.number}` : null,
      summary: params.summary,
      steps: params.steps,
      runUrl: params.runUrl,
      secrets: params.secrets,
    });
    const open = await findOpenPull(town, branch);
    const pull = open
      ? await updatePull(town, { number: open.number, title, body })
      : await openPull(town, { head: branch, base: params.base, title, body });
    pr = { number: pull.number, url: pull.url };
  }

  // The handoff comment, when the agent stopped without writing its own.
  if (decision.writeHandoff) {
    const subjects = await git.commitSubjects({ ...params.git, base: params.base, max: HANDOFF_COMMITS });
    await commentOnBead(town, {
      number: bead.number,
      body: renderHandoffComment({
        bead: bead.number,
        polecat: inputs.polecat,
        attempt: inputs.attempt,
        reason: params.reasons[0] ?? "The job stopped.",
        done: [
          ...(subjects.length > 0
            ? subjects.map((subject) => `commit ${inlineCode(subject)} on ${inlineCode(branch)}`)
            : [`no commits on ${inlineCode(branch)} yet`]),
          ...params.stepsClosed.map((id) => `step ${inlineCode(id)} closed`),
        ],
        next: handoffNext(params.steps),
        runUrl: params.runUrl,
        secrets: params.secrets,
      }),
    });
  }

  // The hook's final state. In review, the bead is labelled in progress before the claim (and its
  // hooked label) goes, so at no moment does it look ready to sling while its pull request waits.
  if (decision.hook === "review" && fixUp) {
    // The fix is on the PR's branch: the fix-up is done, and its PR's bead is no longer held up.
    await closeBead(town, {
      number: bead.number,
      bead,
      reason: pr ? `Fix pushed to ${branch} (#${pr.number}).` : `Fix pushed to ${branch}.`,
    });
    return pr;
  }
  if (decision.hook === "review")
    await addLabels(town, { number: bead.number, labels: [taxonomyOf(town).status.in_progress] });
  if (decision.hook !== "keep") await detachHook(town, { bead: bead.number, polecat: inputs.polecat });
  if (decision.beadBackToReady) {
    await commentOnBead(town, {
      number: bead.number,
      body: redactSecrets(params.reasons.join(" "), params.secrets),
    });
  }
  return pr;
}
