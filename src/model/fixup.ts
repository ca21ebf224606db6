// A fix-up bead: the refinery files one when a polecat's pull request leaves the merge queue for a
// conflict or failing checks, and slings it back to that polecat to work on the PR's own branch.
// Its metadata names the PR, the PR's bead and the branch; the sling and the polecat runner read it
// so the fix lands on the same pull request instead of opening another.
import type { BeadMetadata } from "./bead.ts";

export interface FixUp {
  /** The pull request the fix is for. */
  pr: number;
  /** The bead that pull request works on, when it has one. */
  bead: number | null;
  /** The PR's branch, which the fix is pushed to (always a polecat's branch). */
  branch: string;
}

const POLECAT_BRANCH = /^polecat\/[a-z0-9][a-z0-9_-]{0,39}\/[1-9][0-9]*$/;

/**
 * The fix-up record of a bead's metadata, or null. Only a polecat's branch is accepted: metadata
 * can be edited by people, and a runner must never be steered onto the base or a human's branch.
 */
export function readFixUp(metadata: BeadMetadata): FixUp | null {
  const value = metadata.others?.fixup;
  if (typeof value !== "object" || value === null) return null;
  const { pr, bead, branch } = value as Record<string, unknown>;
  if (typeof pr !== "number" || !Number.isInteger(pr) || pr < 1) return null;
  if (typeof branch !== "string" || !POLECAT_BRANCH.test(branch)) return null;
  return { pr, bead: typeof bead === "number" && Number.isInteger(bead) && bead > 0 ? bead : null, branch };
}

/** The metadata a fix-up bead is created with. */
export function fixUpMetadata(fixUp: FixUp): BeadMetadata {
  return {
    branch: fixUp.branch,
    others: { fixup: { pr: fixUp.pr, bead: fixUp.bead, branch: fixUp.branch } },
  };
}
