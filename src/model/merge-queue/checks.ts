// Required checks read on one exact commit. A check reported on another SHA says nothing about
// this tree, and a required check that has not reported yet counts as pending: the base never
// moves on an absent result.

export type CheckState = "pending" | "success" | "failure";

/** One check result as gathered from check runs or commit statuses. */
export interface CheckReport {
  name: string;
  sha: string;
  state: CheckState;
}

/** The required checks on one commit, by state. */
export interface CheckSummary {
  sha: string;
  passed: string[];
  failed: string[];
  pending: string[];
  /** True only when at least one check is required or reported and every one passed. */
  allPassed: boolean;
}

/**
 * Summarises `required` checks on `sha`. When `required` is empty, every check reported on the
 * commit is required (the config's rule) and a commit with no checks at all is still pending.
 * Later reports of the same name replace earlier ones (a re-run).
 */
export function summarizeChecks(input: {
  sha: string;
  required: readonly string[];
  reports: readonly CheckReport[];
  /** When waiting has run past the time limit, pending counts as failed (a timeout is a failure). */
  timedOut?: boolean;
}): CheckSummary {
  const latest = new Map<string, CheckState>();
  for (const report of input.reports) if (report.sha === input.sha) latest.set(report.name, report.state);
  const names = input.required.length > 0 ? [...new Set(input.required)] : [...latest.keys()].sort();
  const summary: CheckSummary = { sha: input.sha, passed: [], failed: [], pending: [], allPassed: false };
  for (const name of names) {
    const state = latest.get(name) ?? "pending";
    if (state === "success") summary.passed.push(name);
    else if (state === "failure" || input.timedOut === true) summary.failed.push(name);
    else summary.pending.push(name);
  }
  if (names.length === 0) {
    if (input.timedOut === true) summary.failed.push("(no checks reported)");
    else summary.pending.push("(no checks reported)");
  }
  summary.allPassed =
    summary.failed.length === 0 && summary.pending.length === 0 && summary.passed.length > 0;
  return summary;
}
