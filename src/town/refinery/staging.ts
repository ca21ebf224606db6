// Building what CI tests in batch mode, bors-style: a scratch branch at the base, each PR's queued
// head merged into it in order with GitHub's merges API (a conflict leaves the branch as it was,
// so the PR is simply left out), then one commit with the scratch tip's tree whose parents are the
// base and every merged head. Fast-forwarding the base to that commit lands exactly the tree CI
// tested, and makes every head reachable, so GitHub marks the PRs merged. The build number in the
// message gives a re-run its own SHA. Nothing here moves the staging branch: the caller does that
// once the build is recorded.
import { createBranch, createCommitObject, deleteBranch, mergeInto } from "../../github/branches.ts";
import type { MergeConflict, StagedPr, StagingPlan } from "../../model/merge-queue/batch.ts";
import type { TownContext } from "../context.ts";

export interface StagingBuild {
  /** The commit to test; null when no PR could be merged. */
  sha: string | null;
  /** The PRs it carries, in order. */
  prs: StagedPr[];
  /** PRs that did not merge, with how many PRs were merged before each (0: it conflicts with the base). */
  conflicts: Array<MergeConflict & { mergedBefore: number }>;
  /** PRs whose head the base already contains (merged some other way). */
  alreadyIn: number[];
}

/** A scratch branch name no other build uses. */
function scratchBranch(staging: string, build: number): string {
  return `${staging}.tmp-${build}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Builds `plan` as one commit (see the module comment). */
export async function buildStaging(
  town: TownContext,
  params: { plan: StagingPlan; staging: string; build: number; titles: ReadonlyMap<number, string> },
): Promise<StagingBuild> {
  const { plan } = params;
  const scratch = scratchBranch(params.staging, params.build);
  await createBranch(town, { branch: scratch, sha: plan.baseSha });
  const merged: StagedPr[] = [];
  const conflicts: StagingBuild["conflicts"] = [];
  const alreadyIn: number[] = [];
  let treeSha: string | null = null;
  try {
    for (const pr of plan.prs) {
      const result = await mergeInto(town, {
        branch: scratch,
        head: pr.headSha,
        message: `Merge #${pr.pr} (${pr.headSha.slice(0, 7)}) into ${plan.base}`,
      });
      if (result.kind === "conflict") conflicts.push({ pr: pr.pr, files: [], mergedBefore: merged.length });
      else if (result.kind === "up-to-date") alreadyIn.push(pr.pr);
      else {
        merged.push(pr);
        treeSha = result.treeSha;
      }
    }
  } finally {
    await deleteBranch(town, scratch);
  }
  if (treeSha === null || merged.length === 0) return { sha: null, prs: [], conflicts, alreadyIn };
  const refs = merged.map((p) => `#${p.pr}`).join(" ");
  const lines = merged.map((p) => `- #${p.pr} ${params.titles.get(p.pr) ?? ""}`.trimEnd());
  const sha = await createCommitObject(town, {
    message: `Merge ${refs} into ${plan.base}\n\n${lines.join("\n")}\n\nGastown-Build: ${params.build}`,
    treeSha,
    parents: [plan.baseSha, ...merged.map((p) => p.headSha)],
  });
  return { sha, prs: merged, conflicts, alreadyIn };
}
