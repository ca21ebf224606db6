// What a refinery tick reads before it decides: the open pull requests into the base (one
// paginated list), the base's tip, the checks the base requires, and, for queued PRs that are no
// longer open, whether they were merged. Which PRs are marked for the queue is read here too.
import { getBranchSha } from "../../github/branches.ts";
import { readRequiredChecks } from "../../github/checks.ts";
import { getPullDetails, listOpenPulls, type PullSummary } from "../../github/merge-requests.ts";
import { formatRepoRef } from "../../github/octokit.ts";
import { getRepository } from "../../github/permissions.ts";
import { GastownError } from "../../model/errors.ts";
import type { RefineryState } from "../../model/merge-queue/state.ts";
import { parseMergeRequestMarker } from "../../runner/branch.ts";
import type { TownContext } from "../context.ts";
import type { RefineryRuntime, RefinerySettings } from "./settings.ts";

/** How long the checks a base requires are taken as read. */
const REQUIRED_TTL_MS = 5 * 60_000;

/** The facts one tick decides on. */
export interface QueueWorld {
  base: string;
  baseSha: string;
  /** Open pull requests into the base, by number. */
  pulls: Map<number, PullSummary>;
  /** Queued PRs that are no longer open: merged (with the commit that took them) or just closed. */
  gone: Map<number, { merged: boolean; sha: string | null }>;
  /** Required check names; empty means every check reported on a commit. */
  required: string[];
}

/** The base branch the refinery merges into. */
export async function resolveBase(town: TownContext, settings: RefinerySettings): Promise<string> {
  if (settings.base !== null) return settings.base;
  return (await getRepository(town)).defaultBranch;
}

/** Reads everything but the mode's own facts (staging checks, a PR's mergeability). */
export async function gatherWorld(
  town: TownContext,
  params: { base: string; state: RefineryState; settings: RefinerySettings; runtime: RefineryRuntime },
): Promise<QueueWorld> {
  const { base, state, settings, runtime } = params;
  const [baseSha, open, required] = await Promise.all([
    getBranchSha(town, base),
    listOpenPulls(town, base),
    settings.requiredChecks.length > 0
      ? Promise.resolve([...settings.requiredChecks])
      : // Protection and rulesets change rarely: read them once in a while, not on every tick.
        runtime.recall(`${formatRepoRef(town.repo)}@${base} required`, REQUIRED_TTL_MS, () =>
          readRequiredChecks(town, base).then((r): string[] => [...r.checks]),
        ),
  ]);
  if (baseSha === null) {
    throw new GastownError(`The base branch ${base} does not exist in ${formatRepoRef(town.repo)}.`, {
      code: "not-found",
      hint: "Set refinery.base_branch in .github/gastown.yml to an existing branch, or push it.",
    });
  }
  const pulls = new Map(open.map((p) => [p.number, p]));
  const gone = new Map<number, { merged: boolean; sha: string | null }>();
  for (const entry of state.entries) {
    if (pulls.has(entry.pr)) continue;
    const details = await getPullDetails(town, entry.pr);
    gone.set(entry.pr, {
      merged: details?.merged ?? false,
      sha: details?.mergeCommitSha ?? null,
    });
  }
  return { base, baseSha, pulls, gone, required };
}

/** Whether a pull request asks to be merged by the refinery: the queue label or a polecat's marker. */
export function isMarked(pull: PullSummary, settings: RefinerySettings): boolean {
  return pull.labels.includes(settings.queueLabel) || parseMergeRequestMarker(pull.body) !== null;
}

/** The bead a pull request works on: the polecat's marker, else the first `Closes #N` of its body. */
export function beadOfPull(pull: Pick<PullSummary, "body">): number | null {
  const marker = parseMergeRequestMarker(pull.body);
  if (marker) return marker.bead;
  const match = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b/i.exec(pull.body);
  return match ? Number(match[1]) : null;
}

/** Heads of the open pull requests. */
export function headsOf(world: QueueWorld): Map<number, string> {
  return new Map([...world.pulls.values()].map((p) => [p.number, p.headSha]));
}
