// Dependency graph helpers: refusing an edge that would close a cycle (and saying which), and
// drawing the tree `bd dep tree` prints. Edges read "A is blocked by B" (Beads' "A depends on B").

/** Blockers of each bead: `graph.get(a)` lists the beads `a` is blocked by. */
export type BlockedByGraph = ReadonlyMap<number, readonly number[]>;

/**
 * The cycle that adding "`blocked` is blocked by `blocker`" would close, as a path that starts
 * and ends at `blocked` (`[A, B, …, A]`, each blocked by the next); null when the edge is safe.
 * A self-edge is the cycle `[A, A]`.
 */
export function findCycleForEdge(
  graph: BlockedByGraph,
  edge: { blocked: number; blocker: number },
): number[] | null {
  const { blocked, blocker } = edge;
  if (blocked === blocker) return [blocked, blocked];
  // Depth-first from the blocker along its blockers; reaching `blocked` closes the loop.
  const previous = new Map<number, number>();
  const stack = [blocker];
  const seen = new Set([blocker]);
  while (stack.length > 0) {
    const node = stack.pop() as number;
    for (const next of graph.get(node) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      previous.set(next, node);
      if (next === blocked) {
        const path = [blocked];
        for (let at = blocked; at !== blocker; at = previous.get(at) as number)
          path.push(previous.get(at) as number);
        // path is blocked ← … ← blocker reversed; the new edge leads from blocked to blocker.
        return [blocked, ...path.slice(1).reverse(), blocked];
      }
      stack.push(next);
    }
  }
  return null;
}

/** Every cycle in the graph, each once, as `[A, B, …, A]` (for `gt doctor`). */
export function findCycles(graph: BlockedByGraph): number[][] {
  const cycles: number[][] = [];
  const seenKeys = new Set<string>();
  const state = new Map<number, "active" | "done">();
  const path: number[] = [];
  const visit = (node: number) => {
    state.set(node, "active");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const s = state.get(next);
      if (s === "active") {
        const cycle = path.slice(path.indexOf(next));
        // Rotate to the smallest number so one cycle found from two places is reported once.
        const start = cycle.indexOf(Math.min(...cycle));
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = rotated.join(">");
        if (!seenKeys.has(key)) {
          seenKeys.add(key);
          cycles.push([...rotated, rotated[0] as number]);
        }
      } else if (s === undefined) {
        visit(next);
      }
    }
    path.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort((a, b) => a - b)) if (!state.has(node)) visit(node);
  return cycles;
}

/** `#1 → #2 → #1`. */
export function formatCycle(cycle: readonly number[]): string {
  return cycle.map((n) => `#${n}`).join(" → ");
}

export interface TreeNode {
  number: number;
  /** The line shown for the bead, e.g. `#12 Fix login [open, P1]`. */
  label: string;
}

export interface RenderTreeOptions {
  /** The children of a node: its blockers (`down`) or what it blocks (`up`). */
  children: (bead: number) => readonly number[];
  /** The text for a bead; a bead unknown to the caller can be shown as `#N`. */
  label: (bead: number) => string;
  /** Stop descending past this depth (the root is depth 0). */
  maxDepth?: number;
}

/**
 * Draws a dependency tree with box characters. A bead met again is marked `(shown above)` and
 * not expanded twice; an edge back into its own ancestry is marked `(cycle)`.
 */
export function renderDependencyTree(root: number, options: RenderTreeOptions): string[] {
  const lines = [options.label(root)];
  const shown = new Set([root]);
  const walk = (node: number, prefix: string, ancestors: Set<number>, depth: number) => {
    const children = options.children(node);
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      const branch = `${prefix}${last ? "└── " : "├── "}`;
      if (ancestors.has(child)) {
        lines.push(`${branch}${options.label(child)} (cycle)`);
        return;
      }
      if (shown.has(child)) {
        lines.push(`${branch}${options.label(child)} (shown above)`);
        return;
      }
      shown.add(child);
      lines.push(`${branch}${options.label(child)}`);
      if (options.maxDepth !== undefined && depth + 1 >= options.maxDepth) return;
      walk(child, `${prefix}${last ? "    " : "│   "}`, new Set([...ancestors, child]), depth + 1);
    });
  };
  if (options.maxDepth === undefined || options.maxDepth > 0) walk(root, "", new Set([root]), 0);
  return lines;
}
