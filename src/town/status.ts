// `gt status`: the town at a glance. Open convoys with their progress (GitHub's own milestone
// counts), hooked beads with their polecats, and how much work is ready. Two paginated calls.
import { listBeads } from "../github/issues.ts";
import { listConvoys } from "../github/milestones.ts";
import type { Bead } from "../model/bead.ts";
import type { Convoy } from "../model/convoy.ts";
import { planReady } from "../model/ready.ts";
import { nowOf, type TownContext } from "./context.ts";
import { taxonomyOf } from "./labels.ts";

export interface ConvoySummary {
  convoy: Convoy;
  total: number;
  closed: number;
  /** Whole percent closed, rounded down. */
  percent: number;
}

export interface TownStatus {
  repo: string;
  convoys: ConvoySummary[];
  /** Beads on a hook or in progress, with who holds them. */
  working: Array<{ bead: Bead; worker: string | null }>;
  ready: number;
  /** The most urgent ready beads (up to five). */
  next: Bead[];
  open: number;
  blocked: number;
}

/** Gathers the town's status. */
export async function townStatus(town: TownContext): Promise<TownStatus> {
  const [convoys, open] = await Promise.all([
    listConvoys(town, { state: "open" }),
    listBeads(town, { state: "open" }),
  ]);
  const plan = planReady(open, { now: nowOf(town), taxonomy: taxonomyOf(town) });
  const working = open
    .filter((bead) => bead.status === "hooked" || bead.status === "in_progress")
    .sort((a, b) => a.number - b.number)
    .map((bead) => ({ bead, worker: bead.metadata.polecat ?? bead.assignees[0] ?? null }));
  const blocked = plan.notReady.filter((r) =>
    r.reasons.some((reason) => reason.kind === "blocked-by" || reason.kind === "parent-blocked"),
  ).length;
  return {
    repo: `${town.repo.owner}/${town.repo.repo}`,
    convoys: convoys
      .sort((a, b) => a.number - b.number)
      .map((convoy) => {
        const total = convoy.openIssues + convoy.closedIssues;
        return {
          convoy,
          total,
          closed: convoy.closedIssues,
          percent: total === 0 ? 0 : Math.floor((convoy.closedIssues * 100) / total),
        };
      }),
    working,
    ready: plan.ready.length,
    next: plan.ready.slice(0, 5),
    open: open.filter((bead) => bead.type !== "mailbox").length,
    blocked,
  };
}
