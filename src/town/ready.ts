// `bd ready` and `bd blocked`. Readiness needs one paginated list of open issues: every issue
// carries its open-blocker count, so deciding costs no further request. Naming the blockers
// (`--explain`, `bd blocked`) costs one request per blocked bead, made only when asked.
import { listBlockedBy } from "../github/dependencies.ts";
import { listBeads } from "../github/issues.ts";
import type { Bead } from "../model/bead.ts";
import {
  type BlockedBead,
  type BlockerInfo,
  listBlocked,
  planReady,
  type Readiness,
  type ReadyFilter,
} from "../model/ready.ts";
import type { BeadType } from "../model/vocabulary.ts";
import { FAN_OUT, mapLimit } from "./concurrency.ts";
import { nowOf, type TownContext } from "./context.ts";
import { taxonomyOf } from "./labels.ts";

export interface ReadyQuery extends ReadyFilter {
  /** Only these types; a non-work type named here counts as work (`bd ready --type gate`). */
  types?: readonly BeadType[];
  /** Also say why every other open bead is not ready, naming open blockers. */
  explain?: boolean;
}

export interface ReadyResult {
  /** Ready beads, most urgent first, then oldest. */
  ready: Bead[];
  /** Open beads that are not ready, with reasons; empty unless `explain`. */
  notReady: Readiness[];
  /** How many open beads were considered. */
  open: number;
}

/** The open blockers of each bead that has any, for naming them. */
async function gatherBlockers(
  town: TownContext,
  beads: readonly Bead[],
): Promise<Map<number, BlockerInfo[]>> {
  const blocked = beads.filter((bead) => bead.dependencies.blockedBy > 0);
  const lists = await mapLimit(blocked, FAN_OUT, (bead) => listBlockedBy(town, bead.number));
  const here = `${town.repo.owner}/${town.repo.repo}`.toLowerCase();
  const names = new Map<number, BlockerInfo[]>();
  blocked.forEach((bead, i) => {
    const open = (lists[i] ?? []).filter((blocker) => blocker.status !== "closed");
    names.set(
      bead.number,
      open.map((blocker) => ({
        number: blocker.number,
        title: blocker.title,
        ...(blocker.repo !== "" && blocker.repo.toLowerCase() !== here ? { repo: blocker.repo } : {}),
      })),
    );
  });
  return names;
}

/** `bd ready`: open work nothing holds back, sorted by priority then age. */
export async function findReady(town: TownContext, query: ReadyQuery = {}): Promise<ReadyResult> {
  const beads = await listBeads(town, { state: "open" });
  const { explain, types, ...filter } = query;
  const context = {
    now: nowOf(town),
    taxonomy: taxonomyOf(town),
    ...(types === undefined ? {} : { types }),
  };
  const plan = planReady(beads, context, filter);
  if (!explain) return { ready: plan.ready, notReady: [], open: beads.length };
  const blockers = await gatherBlockers(
    town,
    plan.notReady.map((r) => r.bead),
  );
  const explained = planReady(beads, { ...context, blockers }, filter);
  // Plumbing (mailboxes) is never work and never interesting to explain.
  const notReady = explained.notReady.filter((r) => r.bead.type !== "mailbox");
  return { ready: explained.ready, notReady, open: beads.length };
}

export interface BlockedResult {
  blocked: BlockedBead[];
  open: number;
}

/** `bd blocked`: open beads held by an open blocker, a blocked parent or a blocked label. */
export async function findBlocked(
  town: TownContext,
  options: { nameBlockers?: boolean } = {},
): Promise<BlockedResult> {
  const beads = await listBeads(town, { state: "open" });
  const base = { now: nowOf(town), taxonomy: taxonomyOf(town) };
  const first = listBlocked(beads, base);
  if (options.nameBlockers === false) return { blocked: first, open: beads.length };
  const blockers = await gatherBlockers(
    town,
    first.map((entry) => entry.bead),
  );
  return { blocked: listBlocked(beads, { ...base, blockers }), open: beads.length };
}
