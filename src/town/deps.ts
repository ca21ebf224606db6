// Dependencies on GitHub's native "blocked by" edges: add (refusing an edge that would close a
// cycle, and naming the cycle), remove, list, and the tree `bd dep tree` draws. The graph is
// walked lazily from the beads concerned: a bead whose summary says it has no blockers costs no
// request, so a check reads only the part of the graph that could hold the cycle.
import { addBlockedBy, listBlockedBy, listBlocking, removeBlockedBy } from "../github/dependencies.ts";
import { getBead } from "../github/issues.ts";
import type { Bead } from "../model/bead.ts";
import { findCycleForEdge, formatCycle } from "../model/deps.ts";
import { GastownError } from "../model/errors.ts";
import { FAN_OUT, mapLimit } from "./concurrency.ts";
import { logOf, type TownContext } from "./context.ts";

/** The most beads one graph walk reads before giving up (a guard, not a limit people meet). */
export const MAX_GRAPH_WALK = 2_000;

/** Which way a walk follows edges: `down` to blockers, `up` to what a bead blocks. */
export type DependencyDirection = "down" | "up";

/** Part of the dependency graph: beads by number and, per bead, its neighbours in the walk's direction. */
export interface DependencyGraph {
  beads: Map<number, Bead>;
  edges: Map<number, number[]>;
  /** True when the walk stopped at the depth or size limit. */
  truncated: boolean;
}

function sameRepo(town: TownContext, bead: Bead): boolean {
  return bead.repo === "" || bead.repo.toLowerCase() === `${town.repo.owner}/${town.repo.repo}`.toLowerCase();
}

/**
 * Walks the graph breadth-first from `roots`. Cross-repository neighbours are kept as leaves: their
 * own edges live in another repository.
 */
export async function walkDependencies(
  town: TownContext,
  params: { roots: readonly Bead[]; direction: DependencyDirection; maxDepth?: number },
): Promise<DependencyGraph> {
  const graph: DependencyGraph = { beads: new Map(), edges: new Map(), truncated: false };
  const maxDepth = params.maxDepth ?? Number.POSITIVE_INFINITY;
  let frontier = [...params.roots];
  for (const root of frontier) graph.beads.set(root.number, root);
  for (let depth = 0; frontier.length > 0; depth++) {
    if (depth >= maxDepth) {
      graph.truncated = frontier.some((bead) => degree(bead, params.direction) > 0);
      break;
    }
    const expandable = frontier.filter((bead) => sameRepo(town, bead) && degree(bead, params.direction) > 0);
    for (const bead of frontier) if (!graph.edges.has(bead.number)) graph.edges.set(bead.number, []);
    const lists = await mapLimit(expandable, FAN_OUT, (bead) =>
      params.direction === "down" ? listBlockedBy(town, bead.number) : listBlocking(town, bead.number),
    );
    const next: Bead[] = [];
    expandable.forEach((bead, i) => {
      const neighbours = (lists[i] ?? []).filter((n) => sameRepo(town, n));
      graph.edges.set(
        bead.number,
        neighbours.map((n) => n.number),
      );
      for (const neighbour of neighbours) {
        if (graph.beads.has(neighbour.number)) continue;
        graph.beads.set(neighbour.number, neighbour);
        next.push(neighbour);
      }
    });
    if (graph.beads.size > MAX_GRAPH_WALK) {
      graph.truncated = true;
      break;
    }
    frontier = next;
  }
  return graph;
}

function degree(bead: Bead, direction: DependencyDirection): number {
  return direction === "down" ? bead.dependencies.totalBlockedBy : bead.dependencies.totalBlocking;
}

export interface AddDependencyResult {
  blocked: Bead;
  blocker: Bead;
  /** False when the edge was there already (nothing was written). */
  added: boolean;
}

/**
 * Records "`blocked` is blocked by `blocker`" (`bd dep add <blocked> <blocker>`). Refuses, before
 * writing, an edge that would make a cycle, with the cycle in the message.
 */
export async function addDependency(
  town: TownContext,
  params: { blocked: number; blocker: number },
): Promise<AddDependencyResult> {
  if (params.blocked === params.blocker) {
    throw cycleError([params.blocked, params.blocked]);
  }
  const [blocked, blocker] = await Promise.all([
    getBead(town, params.blocked),
    getBead(town, params.blocker),
  ]);
  const existing =
    blocked.dependencies.totalBlockedBy > 0 ? await listBlockedBy(town, blocked.number) : ([] as Bead[]);
  if (existing.some((bead) => bead.number === blocker.number && sameRepo(town, bead))) {
    return { blocked, blocker, added: false };
  }
  // A cycle exists iff `blocked` is already reachable from `blocker` along blocked-by edges.
  const graph = await walkDependencies(town, { roots: [blocker], direction: "down" });
  const cycle = findCycleForEdge(graph.edges, { blocked: blocked.number, blocker: blocker.number });
  if (cycle) throw cycleError(cycle);
  if (graph.truncated) {
    throw new GastownError(
      `Could not check #${blocker.number}'s blockers for a cycle: more than ${MAX_GRAPH_WALK} beads are involved.`,
      { code: "conflict", hint: "Prune old dependencies first; nothing was changed." },
    );
  }
  await addBlockedBy(town, { blocked: blocked.number, blocker });
  logOf(town).info({ blocked: blocked.number, blocker: blocker.number }, "dependency added");
  return { blocked: await getBead(town, blocked.number), blocker, added: true };
}

function cycleError(cycle: readonly number[]): GastownError {
  const [blocked, blocker] = cycle;
  const self = cycle.length === 2 && blocked === blocker;
  return new GastownError(
    self
      ? `#${blocked} cannot block itself.`
      : `#${blocked} blocked by #${blocker} would make a dependency cycle: ${formatCycle(cycle)} (each is blocked by the next).`,
    {
      code: "cycle",
      hint: self
        ? "Name two different beads: bd dep add <blocked> <blocker>."
        : `Nothing was changed. Remove one edge of the cycle first (bd dep remove <blocked> <blocker>), or reverse this one.`,
    },
  );
}

/** Removes "`blocked` is blocked by `blocker`"; `removed` is false when there was no such edge. */
export async function removeDependency(
  town: TownContext,
  params: { blocked: number; blocker: number },
): Promise<{ blocked: Bead; blocker: Bead; removed: boolean }> {
  const [blocked, blocker] = await Promise.all([
    getBead(town, params.blocked),
    getBead(town, params.blocker),
  ]);
  const existing = blocked.dependencies.totalBlockedBy > 0 ? await listBlockedBy(town, blocked.number) : [];
  if (!existing.some((bead) => bead.number === blocker.number && sameRepo(town, bead))) {
    return { blocked, blocker, removed: false };
  }
  await removeBlockedBy(town, { blocked: blocked.number, blocker });
  return { blocked: await getBead(town, blocked.number), blocker, removed: true };
}

export interface DependencyList {
  bead: Bead;
  blockedBy: Bead[];
  blocking: Bead[];
}

/** A bead's direct blockers and the beads it blocks (`bd dep list`). */
export async function listDependencies(
  town: TownContext,
  params: { number: number },
): Promise<DependencyList> {
  const bead = await getBead(town, params.number);
  const [blockedBy, blocking] = await Promise.all([
    bead.dependencies.totalBlockedBy > 0 ? listBlockedBy(town, bead.number) : Promise.resolve([]),
    bead.dependencies.totalBlocking > 0 ? listBlocking(town, bead.number) : Promise.resolve([]),
  ]);
  return { bead, blockedBy, blocking };
}

export interface DependencyTree extends DependencyGraph {
  root: number;
  direction: DependencyDirection;
}

/** The tree under a bead: its blockers (`down`, default) or what it blocks (`up`), to `maxDepth`. */
export async function dependencyTree(
  town: TownContext,
  params: { number: number; direction?: DependencyDirection; maxDepth?: number },
): Promise<DependencyTree> {
  const root = await getBead(town, params.number);
  const direction = params.direction ?? "down";
  const graph = await walkDependencies(town, {
    roots: [root],
    direction,
    maxDepth: params.maxDepth ?? 10,
  });
  return { ...graph, root: root.number, direction };
}
