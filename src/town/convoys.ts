// Convoys on milestones: create (from beads or an epic), add, list, status, close and stranded.
// A bead belongs to at most one milestone, so joining a convoy would silently take it out of
// another open one; that is refused unless forced. Landing (`check`) is in convoy-landing.ts.
import { getBead, listBeads, updateBead as updateIssue } from "../github/issues.ts";
import {
  closeConvoy as closeMilestone,
  createConvoy as createMilestone,
  getConvoy,
  listConvoys,
  updateConvoy,
} from "../github/milestones.ts";
import { getTokenLogin } from "../github/permissions.ts";
import { deleteMarker } from "../github/refs.ts";
import { listSubIssues } from "../github/sub-issues.ts";
import type { Bead, MergeStrategy } from "../model/bead.ts";
import {
  type Convoy,
  type ConvoyMetadata,
  type ConvoyProgress,
  convoyProgress,
  findStrandedConvoys,
  mergeConvoyMetadata,
  type StrandedConvoy,
} from "../model/convoy.ts";
import { GastownError } from "../model/errors.ts";
import { SLINGABLE_TYPES } from "../model/vocabulary.ts";
import { FAN_OUT, mapLimit } from "./concurrency.ts";
import { logOf, nowOf, type TownContext } from "./context.ts";
import { taxonomyOf } from "./labels.ts";

/** The marker ref whose creation makes a convoy's landing notice go out once (refs gateway). */
export function landingMarkerRef(convoy: number): string {
  return `refs/gastown/convoys/${convoy}/landed`;
}

export interface NewConvoy {
  /** Default: the epic's title, else the first bead's. */
  title?: string;
  description?: string;
  beads?: readonly number[];
  /** Track the epic's slingable descendants (sub-issues, breadth-first). */
  epic?: number;
  owner?: string;
  watchers?: readonly string[];
  /** Caller-managed: the town never closes it on its own. */
  owned?: boolean;
  merge?: MergeStrategy;
  baseBranch?: string;
  /** Take beads out of other open convoys. */
  force?: boolean;
}

export interface ConvoyWithBeads {
  convoy: Convoy;
  beads: Bead[];
}

/** An epic's slingable descendants, breadth-first (closed ones too: they count as done). */
async function epicDescendants(town: TownContext, epic: Bead): Promise<Bead[]> {
  const found = new Map<number, Bead>();
  let frontier = [epic];
  const seen = new Set([epic.number]);
  while (frontier.length > 0) {
    const parents = frontier.filter((bead) => bead.subIssues.total > 0);
    const lists = await mapLimit(parents, FAN_OUT, (bead) => listSubIssues(town, bead.number));
    frontier = [];
    for (const child of lists.flat()) {
      if (seen.has(child.number)) continue;
      seen.add(child.number);
      frontier.push(child);
      if (SLINGABLE_TYPES.includes(child.type)) found.set(child.number, child);
    }
  }
  return [...found.values()].sort((a, b) => a.number - b.number);
}

/** Refuses beads that sit in another open convoy (their milestone would be replaced). */
function checkMembership(beads: readonly Bead[], target: number | null, open: readonly Convoy[]): void {
  const openByNumber = new Map(open.map((convoy) => [convoy.number, convoy]));
  const taken = beads.filter(
    (bead) => bead.milestone && bead.milestone.number !== target && openByNumber.has(bead.milestone.number),
  );
  if (taken.length === 0) return;
  const list = taken.map((bead) => `#${bead.number} (in "${bead.milestone?.title}")`).join(", ");
  throw new GastownError(`Already in another open convoy: ${list}.`, {
    code: "conflict",
    hint: "A bead is in one convoy at a time. Pass --force to move them, or leave them out. Nothing was changed.",
  });
}

async function setMilestone(town: TownContext, beads: readonly Bead[], convoy: number): Promise<Bead[]> {
  return mapLimit(beads, FAN_OUT, (bead) =>
    bead.milestone?.number === convoy
      ? Promise.resolve(bead)
      : updateIssue(town, { number: bead.number, milestone: convoy }),
  );
}

/**
 * Who a convoy made by a person belongs to when nobody is named: the token's user as `@login`,
 * so its landing @mentions them and GitHub notifies them for real; `overseer` for a token that is
 * no user's (an app installation, Actions' GITHUB_TOKEN).
 */
export async function defaultConvoyOwner(town: TownContext): Promise<string> {
  const login = await getTokenLogin(town);
  return login === null ? "overseer" : `@${login}`;
}

/** `gt convoy create`: a milestone tracking the given beads (or an epic's descendants). */
export async function createConvoy(town: TownContext, input: NewConvoy): Promise<ConvoyWithBeads> {
  const epic = input.epic === undefined ? null : await getBead(town, input.epic);
  const named = await mapLimit([...new Set(input.beads ?? [])], FAN_OUT, (n) => getBead(town, n));
  const fromEpic = epic ? await epicDescendants(town, epic) : [];
  const beads = [...new Map([...named, ...fromEpic].map((bead) => [bead.number, bead])).values()];
  const title = (input.title ?? epic?.title ?? beads[0]?.title ?? "").trim();
  if (title === "") {
    throw new GastownError("A convoy needs a name, or beads to take it from.", {
      code: "bad-input",
      hint: 'Name it: gt convoy create "Login rework" 12 13, or gt convoy create 12 13 to use #12\'s title.',
    });
  }
  const all = await listConvoys(town, { state: "all" });
  const clash = all.find((convoy) => convoy.title.toLowerCase() === title.toLowerCase());
  if (clash) {
    throw new GastownError(`A convoy named "${title}" already exists (${clash.number}, ${clash.state}).`, {
      code: "conflict",
      hint: `Add to it with gt convoy add ${clash.number} <beads>, or pick another name.`,
    });
  }
  if (!input.force)
    checkMembership(
      beads,
      null,
      all.filter((convoy) => convoy.state === "open"),
    );

  const metadata: ConvoyMetadata = {
    ...(input.owner === undefined ? {} : { owner: input.owner }),
    ...(input.watchers && input.watchers.length > 0 ? { watchers: [...new Set(input.watchers)] } : {}),
    ...(epic ? { epic: epic.number } : {}),
    ...(input.owned ? { owned: true } : {}),
    ...(input.merge === undefined ? {} : { merge: input.merge }),
    ...(input.baseBranch === undefined ? {} : { baseBranch: input.baseBranch }),
  };
  const convoy = await createMilestone(town, {
    title,
    description: { text: input.description ?? "", metadata },
  });
  const tracked = await setMilestone(town, beads, convoy.number);
  logOf(town).info({ convoy: convoy.number, beads: tracked.length }, "convoy created");
  return { convoy: await getConvoy(town, convoy.number), beads: tracked };
}

/**
 * `gt convoy add`: more beads for a convoy. Adding to a landed (closed) convoy reopens it and
 * clears its landing record, so it lands, and notifies, again.
 */
export async function addToConvoy(
  town: TownContext,
  params: { convoy: number; beads: readonly number[]; force?: boolean },
): Promise<ConvoyWithBeads & { reopened: boolean }> {
  if (params.beads.length === 0) {
    throw new GastownError("Name at least one bead to add.", {
      code: "bad-input",
      hint: "gt convoy add <convoy> <bead> [<bead>…]",
    });
  }
  const convoy = await getConvoy(town, params.convoy);
  const beads = await mapLimit([...new Set(params.beads)], FAN_OUT, (n) => getBead(town, n));
  if (!params.force) checkMembership(beads, convoy.number, await listConvoys(town, { state: "open" }));
  let reopened = false;
  if (convoy.state === "closed") {
    if (!convoy.writable) {
      throw new GastownError(`Convoy ${convoy.number}'s metadata was written by a newer gastown.`, {
        code: "conflict",
        hint: "Upgrade gastown to reopen it. Nothing was changed.",
      });
    }
    await updateConvoy(town, {
      number: convoy.number,
      state: "open",
      description: {
        text: convoy.description,
        metadata: mergeConvoyMetadata(convoy.metadata, { landedAt: null, notifiedAt: null }),
      },
    });
    await deleteMarker(town, landingMarkerRef(convoy.number));
    reopened = true;
  }
  const tracked = await setMilestone(town, beads, convoy.number);
  return { convoy: await getConvoy(town, convoy.number), beads: tracked, reopened };
}

/** `gt convoy list`: convoys with GitHub's own counts (one paginated call). */
export async function listConvoysOf(
  town: TownContext,
  params: { state?: "open" | "closed" | "all" } = {},
): Promise<Convoy[]> {
  const convoys = await listConvoys(town, { state: params.state ?? "open" });
  return convoys.sort((a, b) => a.number - b.number);
}

/** The tracked beads of a convoy: every issue in its milestone, open and closed. */
export async function trackedBeads(town: TownContext, convoy: number): Promise<Bead[]> {
  return listBeads(town, { state: "all", milestone: convoy });
}

export interface ConvoyStatus {
  convoy: Convoy;
  progress: ConvoyProgress;
}

/** `gt convoy status`: progress, each bead's state and who works it. One read plus one list. */
export async function convoyStatus(town: TownContext, params: { convoy: number }): Promise<ConvoyStatus> {
  const [convoy, beads] = await Promise.all([
    getConvoy(town, params.convoy),
    trackedBeads(town, params.convoy),
  ]);
  const progress = convoyProgress(convoy, beads, { now: nowOf(town), taxonomy: taxonomyOf(town) });
  return { convoy, progress };
}

/** `gt convoy close`: closes a convoy; open beads are refused unless forced. */
export async function closeConvoy(
  town: TownContext,
  params: { convoy: number; force?: boolean },
): Promise<{ convoy: Convoy; changed: boolean; openBeads: number[] }> {
  const [convoy, beads] = await Promise.all([
    getConvoy(town, params.convoy),
    trackedBeads(town, params.convoy),
  ]);
  const open = beads
    .filter((bead) => bead.status !== "closed")
    .map((bead) => bead.number)
    .sort((a, b) => a - b);
  if (convoy.state === "closed") return { convoy, changed: false, openBeads: open };
  if (open.length > 0 && !params.force) {
    throw new GastownError(
      `Convoy ${convoy.number} still has ${open.length} open bead${open.length === 1 ? "" : "s"}: ${open.map((n) => `#${n}`).join(", ")}.`,
      {
        code: "conflict",
        hint: `Close them first, or pass --force to close the convoy anyway (they stay in it). Nothing was changed.`,
      },
    );
  }
  const closed = await closeMilestone(town, convoy.number);
  return { convoy: closed, changed: true, openBeads: open };
}

/**
 * `gt convoy stranded`: open convoys with ready slingable work and nobody on it. Two paginated
 * calls: open convoys, and open issues (closed beads never make a convoy stranded).
 */
export async function strandedConvoys(town: TownContext): Promise<StrandedConvoy[]> {
  const [convoys, open] = await Promise.all([
    listConvoys(town, { state: "open" }),
    listBeads(town, { state: "open" }),
  ]);
  const byConvoy = new Map<number, Bead[]>();
  for (const bead of open) {
    if (!bead.milestone) continue;
    const list = byConvoy.get(bead.milestone.number) ?? [];
    list.push(bead);
    byConvoy.set(bead.milestone.number, list);
  }
  return findStrandedConvoys(
    convoys.map((convoy) => ({ convoy, beads: byConvoy.get(convoy.number) ?? [] })),
    { now: nowOf(town), taxonomy: taxonomyOf(town) },
  );
}
