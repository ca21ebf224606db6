// The flat step list the cook pipeline works on after control flow: children flattened (with a
// parent link), loops unrolled, needs as ids with the place they were written. Each phase takes
// a list and returns a new one; the helpers here do the graph surgery they share.
import type { Loc } from "./errors.ts";
import type { NameRef, OnComplete, StepGate, StepType } from "./model.ts";

/** A dependency on another step, with where it was written (or caused). */
export interface Need {
  id: string;
  loc: Loc;
}

/** One step in the pipeline. */
export interface WorkStep {
  id: string;
  title?: string;
  description: string;
  notes?: string;
  type?: StepType;
  priority?: number;
  labels: string[];
  metadata: Record<string, unknown>;
  needs: Need[];
  waitsFor?: string;
  assignee?: string;
  acceptance?: string;
  condition?: string;
  gate?: StepGate;
  expand?: NameRef;
  expandVars: Record<string, string>;
  onComplete?: OnComplete;
  parallel?: boolean;
  interactive?: boolean;
  /** The epic step this one was a child of. */
  parent?: string;
  /** True when the step had children: it becomes an epic that needs them. */
  epic: boolean;
  /** The formula the step was written in. */
  source: string;
  loc: Loc;
}

/** Adds a need unless the step already has it. */
export function addNeed(step: WorkStep, id: string, loc: Loc): void {
  if (!step.needs.some((need) => need.id === id)) step.needs.push({ id, loc });
}

/** Replaces each need on `id` with needs on `replacements`, keeping where it was written. */
export function replaceNeed(step: WorkStep, id: string, replacements: readonly string[]): void {
  const index = step.needs.findIndex((need) => need.id === id);
  if (index < 0) return;
  const { loc } = step.needs[index]!;
  step.needs.splice(index, 1);
  for (const replacement of replacements) addNeed(step, replacement, loc);
}

/** Rewrites, in every step except `except`, each need on `id` into needs on `replacements`. */
export function rewireDependents(
  steps: readonly WorkStep[],
  id: string,
  replacements: readonly string[],
  except?: ReadonlySet<string>,
): void {
  for (const step of steps) {
    if (except?.has(step.id)) continue;
    replaceNeed(step, id, replacements);
  }
}

/**
 * The entry and exit steps of a group: roots need nothing inside the group; sinks are needed
 * by nothing inside it. A group wired between two steps hangs its roots after the one and
 * the other after its sinks.
 */
export function rootsAndSinks(group: readonly WorkStep[]): { roots: WorkStep[]; sinks: WorkStep[] } {
  const inside = new Set(group.map((step) => step.id));
  const needed = new Set<string>();
  const roots: WorkStep[] = [];
  for (const step of group) {
    let internal = false;
    for (const need of step.needs) {
      if (inside.has(need.id)) {
        internal = true;
        needed.add(need.id);
      }
    }
    if (!internal) roots.push(step);
  }
  return { roots, sinks: group.filter((step) => !needed.has(step.id)) };
}

/** Replaces needs on alias ids (a loop, an expanded step) with needs on what they became. */
export function resolveAliases(
  steps: readonly WorkStep[],
  aliases: ReadonlyMap<string, readonly string[]>,
): void {
  if (aliases.size === 0) return;
  for (const step of steps) {
    if (!step.needs.some((need) => aliases.has(need.id))) continue;
    const needs = step.needs;
    step.needs = [];
    for (const need of needs) {
      const targets = aliases.get(need.id);
      if (targets === undefined) addNeed(step, need.id, need.loc);
      else for (const target of targets) addNeed(step, target, need.loc);
    }
  }
}

/** A deep copy, so phases never share mutable needs or labels between steps. */
export function cloneStep(step: WorkStep): WorkStep {
  return {
    ...step,
    labels: [...step.labels],
    metadata: structuredClone(step.metadata),
    needs: step.needs.map((need) => ({ ...need })),
    expandVars: { ...step.expandVars },
  };
}
