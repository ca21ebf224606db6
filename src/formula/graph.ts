// Graph questions about a step DAG: a cycle (for validation), a topological order, which steps
// are ready given the ones done, and a mermaid drawing GitHub renders in an issue body.
import type { CookedStep, Protomolecule } from "./protomolecule.ts";

/** Anything with an id and the ids it needs. */
export interface GraphNode {
  id: string;
  needs: readonly string[];
}

interface Walk<T> {
  order: T[];
  cycle?: string[];
}

/** Depth-first, without recursion (loops unroll to thousands of chained steps). */
function walk<T extends GraphNode>(nodes: readonly T[]): Walk<T> {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const state = new Map<string, 1 | 2>();
  const order: T[] = [];
  for (const start of nodes) {
    if (state.has(start.id)) continue;
    const stack: { node: T; next: number }[] = [{ node: start, next: 0 }];
    state.set(start.id, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.node.needs.length) {
        const dependency = byId.get(top.node.needs[top.next++]!);
        if (dependency === undefined) continue;
        const seen = state.get(dependency.id);
        if (seen === 1) {
          const from = stack.findIndex((frame) => frame.node.id === dependency.id);
          return { order, cycle: [...stack.slice(from).map((frame) => frame.node.id), dependency.id] };
        }
        if (seen === undefined) {
          state.set(dependency.id, 1);
          stack.push({ node: dependency, next: 0 });
        }
      } else {
        state.set(top.node.id, 2);
        order.push(top.node);
        stack.pop();
      }
    }
  }
  return { order };
}

/**
 * A cycle in the needs, as ids where each needs the next and the last repeats the first
 * (`["a", "b", "a"]`), or undefined. Needs on unknown ids are ignored.
 */
export function findCycle(nodes: readonly GraphNode[]): string[] | undefined {
  return walk(nodes).cycle;
}

/**
 * The nodes with every node after the ones it needs, otherwise in their given order.
 * Throws on a cycle (cooked protomolecules have none).
 */
export function topologicalOrder<T extends GraphNode>(nodes: readonly T[]): T[] {
  const { order, cycle } = walk(nodes);
  if (cycle !== undefined) throw new Error(`steps form a cycle: ${cycle.join(" → ")}`);
  return order;
}

/** Where a step stands given the steps done. */
export type StepState = "done" | "ready" | "blocked";

/** The state of every step: done, ready (all needs done) or blocked. */
export function stepStates(
  proto: Pick<Protomolecule, "steps">,
  done: ReadonlySet<string>,
): Map<string, StepState> {
  const states = new Map<string, StepState>();
  for (const step of proto.steps) {
    if (done.has(step.id)) states.set(step.id, "done");
    else states.set(step.id, step.needs.every((need) => done.has(need)) ? "ready" : "blocked");
  }
  return states;
}

/** The steps not done whose needs are all done, in the protomolecule's order. */
export function readySteps(proto: Pick<Protomolecule, "steps">, done: ReadonlySet<string>): CookedStep[] {
  return proto.steps.filter((step) => !done.has(step.id) && step.needs.every((need) => done.has(need)));
}

/** Makes text safe inside a quoted mermaid label (entity codes, one line). */
export function escapeMermaidLabel(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/`/g, "#96;")
    .replace(/\s*[\r\n]+\s*/g, " ")
    .trim();
}

export interface MermaidOptions {
  /** Steps already done: drawn as done, and the steps they unblock as ready. */
  done?: ReadonlySet<string>;
}

/**
 * A `graph TD` flowchart of the steps: an arrow from each step to the steps that need it,
 * gated steps as hexagons, epics as subroutines.
 */
export function renderMermaid(proto: Pick<Protomolecule, "steps">, options: MermaidOptions = {}): string {
  const nodeIds = new Map<string, string>();
  const used = new Set<string>();
  for (const step of proto.steps) {
    const base = `s_${step.id.replace(/[^A-Za-z0-9_]/g, "_")}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    nodeIds.set(step.id, id);
  }
  const lines = ["graph TD"];
  for (const step of proto.steps) {
    const label = `"${escapeMermaidLabel(step.title)}"`;
    const shape =
      step.gate !== undefined ? `{{${label}}}` : step.type === "epic" ? `[[${label}]]` : `[${label}]`;
    lines.push(`  ${nodeIds.get(step.id)}${shape}`);
  }
  for (const step of proto.steps) {
    for (const need of step.needs) {
      const from = nodeIds.get(need);
      if (from !== undefined) lines.push(`  ${from} --> ${nodeIds.get(step.id)}`);
    }
  }
  if (options.done !== undefined) {
    const states = stepStates(proto, options.done);
    lines.push("  classDef done fill:#d3f9d8,stroke:#2b8a3e,color:#2b8a3e");
    lines.push("  classDef ready fill:#fff3bf,stroke:#e67700");
    for (const state of ["done", "ready"] as const) {
      const ids = proto.steps
        .filter((step) => states.get(step.id) === state)
        .map((step) => nodeIds.get(step.id));
      if (ids.length > 0) lines.push(`  class ${ids.join(",")} ${state}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
