// Leaving the queue: every PR that leaves unmerged says why and how to come back (issue 7). A
// conflict or a failing check also plans a fix-up bead for the PR's polecat on the same branch,
// until `max_retries` fix-ups have been tried; then the overseer gets an escalation instead.

/** Why a PR leaves the queue. */
export type RemovalCause =
  | { kind: "conflict"; base: string; baseSha: string; files: readonly string[] }
  | { kind: "checks-failed"; sha: string; checks: readonly string[] }
  | { kind: "head-changed"; queuedSha: string; headSha: string }
  /** Direct mode: the branch is behind the base and the refinery cannot update it (a fork). */
  | { kind: "behind"; base: string }
  | { kind: "closed" }
  | { kind: "dequeued"; by: string }
  | { kind: "ineligible"; reasons: readonly string[] }
  /** GitHub's own merge queue let it go (native mode); `reason` is GitHub's dequeue reason. */
  | { kind: "merge-queue"; reason: string };

/** A bead to create (fix-up for the polecat, or escalation for the overseer). */
export interface BeadDraft {
  title: string;
  body: string;
}

/** What the acting layer does when a PR leaves the queue. */
export interface RemovalPlan {
  pr: number;
  /** One line: what happened and how to re-enter. */
  reason: string;
  followUp: { kind: "none" } | { kind: "fix-up"; bead: BeadDraft } | { kind: "escalate"; bead: BeadDraft };
}

export const DEFAULT_MAX_RETRIES = 5;
const FILES_SHOWN = 5;

const short = (sha: string) => sha.slice(0, 7);

function listFiles(files: readonly string[]): string {
  if (files.length === 0) return "";
  const shown = files.slice(0, FILES_SHOWN).join(", ");
  const more = files.length > FILES_SHOWN ? ` and ${files.length - FILES_SHOWN} more` : "";
  return ` (${shown}${more})`;
}

/** The one-line reason shown on the check run, the sticky comment and `gt mq list`. */
export function describeRemoval(cause: RemovalCause): string {
  switch (cause.kind) {
    case "conflict":
      return `conflicts with ${cause.base}${listFiles(cause.files)} — rebase on ${cause.base} and /queue`;
    case "checks-failed":
      return `checks failed on ${short(cause.sha)} — push a fix or /queue`;
    case "head-changed":
      return "head changed after it was queued — the new head queues again once it is eligible, or /queue";
    case "behind":
      return `behind ${cause.base} and its branch cannot be updated by the refinery — merge ${cause.base} into it and /queue`;
    case "closed":
      return "the pull request was closed — reopen it and /queue";
    case "dequeued":
      return `dequeued by @${cause.by} — /queue to return`;
    case "ineligible":
      return `${cause.reasons.join("; ")} — fix that and /queue`;
    case "merge-queue":
      return `GitHub's merge queue removed it (${cause.reason.toLowerCase().replace(/_/g, " ")}) — fix that and /queue`;
  }
}

/** The facts behind the one-line reason (which checks, which SHAs), for the comment's details. */
export function describeRemovalDetails(cause: RemovalCause): string[] {
  switch (cause.kind) {
    case "conflict":
      return [`Base \`${cause.base}\` at ${short(cause.baseSha)}.`, ...cause.files.map((f) => `- \`${f}\``)];
    case "checks-failed":
      return [`Failed on ${short(cause.sha)}: ${cause.checks.join(", ")}.`];
    case "head-changed":
      return [`Queued at ${short(cause.queuedSha)}; the head is now ${short(cause.headSha)}.`];
    default:
      return [];
  }
}

function fixUpDraft(pr: number, cause: RemovalCause & { kind: "conflict" | "checks-failed" }): BeadDraft {
  if (cause.kind === "conflict") {
    return {
      title: `resolve conflicts with ${cause.base} in #${pr}`,
      body: [
        `#${pr} no longer merges onto \`${cause.base}\` at ${short(cause.baseSha)}.`,
        "",
        ...(cause.files.length > 0
          ? ["Conflicting files:", ...cause.files.map((f) => `- \`${f}\``), ""]
          : []),
        `Merge \`${cause.base}\` into the PR's branch, resolve the conflicts and push: #${pr} goes back in the queue at its new head.`,
      ].join("\n"),
    };
  }
  const names = cause.checks.join(", ");
  const failed =
    cause.checks.length === 0 ? "its required checks failed" : `these required checks failed: ${names}`;
  return {
    title:
      cause.checks.length === 0 ? `fix failing checks in #${pr}` : `fix failing check ${names} in #${pr}`,
    body: [
      `The refinery tested #${pr} at ${short(cause.sha)} and ${failed}.`,
      "",
      `Reproduce the failure, fix it on the PR's branch and push: #${pr} goes back in the queue at its new head.`,
    ].join("\n"),
  };
}

/**
 * The plan for a PR leaving the queue. `retries` is how many fix-ups it already had; once that
 * reaches `maxRetries`, the follow-up is an escalation to the overseer.
 */
export function planRemoval(input: {
  pr: number;
  cause: RemovalCause;
  retries: number;
  maxRetries?: number;
}): RemovalPlan {
  const { pr, cause } = input;
  const reason = describeRemoval(cause);
  if (cause.kind !== "conflict" && cause.kind !== "checks-failed")
    return { pr, reason, followUp: { kind: "none" } };
  const maxRetries = input.maxRetries ?? DEFAULT_MAX_RETRIES;
  const fixUp = fixUpDraft(pr, cause);
  if (input.retries < maxRetries) return { pr, reason, followUp: { kind: "fix-up", bead: fixUp } };
  return {
    pr,
    reason,
    followUp: {
      kind: "escalate",
      bead: {
        title: `#${pr} still cannot merge after ${input.retries} fix-ups`,
        body: [
          `#${pr} left the refinery's queue again: ${reason}.`,
          "",
          `It has gone back to its polecat ${input.retries} times (max_retries is ${maxRetries}), so it comes to you instead.`,
          "",
          `The next fix-up would have been: **${fixUp.title}**`,
          "",
          fixUp.body,
        ].join("\n"),
      },
    },
  };
}
