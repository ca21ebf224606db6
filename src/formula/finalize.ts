// The last cook phase: check the flat step list is a DAG pour can build (every step titled, ids
// well formed and unique, every need a known step, no cycles), substitute the vars in runtime
// mode, and emit the protomolecule's steps in topological order.
import { compact } from "./compact.ts";
import { didYouMean, formatCycle, formatLoc, listNames, type Loc, ProblemList } from "./errors.ts";
import { findCycle, topologicalOrder } from "./graph.ts";
import type { Formula } from "./model.ts";
import type { CookedStep } from "./protomolecule.ts";
import type { WorkStep } from "./steps.ts";
import { mapStrings, substituteVars } from "./substitute.ts";

/** What a step id may look like once every placeholder is filled in. */
export const STEP_ID = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;

function checkSteps(steps: readonly WorkStep[], formula: Formula): void {
  const problems = new ProblemList();
  const first = new Map<string, Loc>();
  for (const step of steps) {
    if (!STEP_ID.test(step.id)) {
      problems.add(
        "invalid",
        step.loc,
        `step id "${step.id}" is not a valid id`,
        step.id.includes("{")
          ? "Step ids cannot use {{vars}}; {target} only works in expansion templates and {step.id} in advice."
          : 'Use letters, digits, ".", "_", ":" and "-", starting with a letter or digit.',
      );
    }
    if (step.title === undefined || step.title === "") {
      problems.add("invalid", step.loc, `step "${step.id}" has no title`, 'Add title = "...".');
    }
    const seen = first.get(step.id);
    if (seen === undefined) first.set(step.id, step.loc);
    else {
      problems.add(
        "duplicate-id",
        step.loc,
        `duplicate step id "${step.id}" (first at ${formatLoc(seen)})`,
        `Give each step its own id, e.g. "${step.id}-2".`,
      );
    }
  }
  const ids = [...first.keys()];
  for (const step of steps) {
    for (const need of step.needs) {
      if (need.id === step.id) {
        problems.add(
          "cycle",
          need.loc,
          `step "${step.id}" needs itself`,
          `Remove "${step.id}" from its own needs.`,
        );
      } else if (!first.has(need.id)) {
        problems.add(
          "unknown-need",
          need.loc,
          `step "${step.id}" needs "${need.id}", which is not a step of this formula`,
          `${didYouMean(need.id, ids)}Steps: ${listNames(ids)}.`,
        );
      }
    }
  }
  for (const point of formula.compose.bondPoints) {
    for (const id of [point.afterStep, point.beforeStep]) {
      if (id !== undefined && !first.has(id)) {
        problems.add(
          "unknown-need",
          point.loc,
          `bond point "${point.id}" refers to "${id}", which is not a step of this formula`,
          `${didYouMean(id, ids)}Steps: ${listNames(ids)}.`,
        );
      }
    }
  }
  problems.throwIfAny();
  const cycle = findCycle(steps.map((step) => ({ id: step.id, needs: step.needs.map((need) => need.id) })));
  if (cycle !== undefined) {
    const [a, b] = cycle;
    const step = steps.find((candidate) => candidate.id === a)!;
    const need = step.needs.find((candidate) => candidate.id === b);
    problems.add(
      "cycle",
      need?.loc ?? step.loc,
      `needs form a cycle: ${formatCycle(cycle)}`,
      `Each arrow reads "needs"; remove one of these needs (e.g. "${b}" from step "${a}") so the steps can run in order.`,
    );
  }
  problems.throwIfAny();
}

/** Every string a cooked step carries, for the leftover-placeholder check. */
function textsOf(step: CookedStep): string[] {
  const texts = [step.title, step.description, ...step.labels];
  for (const text of [step.assignee, step.acceptance, step.notes, step.gate?.id, step.gate?.description])
    if (text !== undefined) texts.push(text);
  const collect = (value: unknown): void => {
    if (typeof value === "string") texts.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === "object" && value !== null) Object.values(value).forEach(collect);
  };
  collect(step.metadata);
  if (step.onComplete !== undefined) collect(step.onComplete.vars);
  return texts;
}

/**
 * Runtime mode gives every declared var a value, so a `{{name}}` still in a step names no var:
 * a typo that would otherwise reach the molecule's issues. (`${{ ... }}`, a GitHub Actions
 * expression in a description, is not a placeholder.)
 */
function checkLeftovers(
  cooked: readonly CookedStep[],
  steps: readonly WorkStep[],
  formula: Formula,
  borrowedFrom: ReadonlySet<string>,
): void {
  const problems = new ProblemList();
  const names = Object.keys(formula.vars);
  const locOf = new Map(steps.map((step) => [step.id, step.loc]));
  for (const step of cooked) {
    const left = new Set<string>();
    for (const text of textsOf(step)) {
      for (const match of text.matchAll(/(\$?)\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g))
        if (match[1] === "") left.add(match[2]!);
    }
    const borrowed = borrowedFrom.has(step.source);
    for (const name of left) {
      problems.add(
        "unknown-var",
        locOf.get(step.id) ?? formula.loc,
        `step "${step.id}" uses {{${name}}}, which ${borrowed ? `no var of ${formula.name} gives a value` : "is not a var of this formula"}`,
        borrowed
          ? `Give it a value where ${step.source} is used (expand_vars, or vars on the compose rule), or declare ${name} under [vars] of ${formula.name}.`
          : `${didYouMean(name, names)}Declare it under [vars], or use one of: ${names.length > 0 ? listNames(names) : "(no vars)"}.`,
      );
    }
  }
  problems.throwIfAny();
}

/**
 * Checks the steps and turns them into cooked steps in topological order; with `values`
 * (runtime mode) every `{{var}}` is substituted, and one naming no var is an error.
 */
export function finalizeSteps(
  steps: readonly WorkStep[],
  formula: Formula,
  values: Readonly<Record<string, string>> | undefined,
  /** Expansions and aspects whose steps were woven in (their vars come from where they are used). */
  borrowedFrom: ReadonlySet<string> = new Set(),
): CookedStep[] {
  checkSteps(steps, formula);
  const sub = (text: string): string => (values === undefined ? text : substituteVars(text, values));
  const opt = (text: string | undefined): string | undefined => (text === undefined ? undefined : sub(text));
  const cooked = steps.map((step) =>
    compact<CookedStep>({
      id: step.id,
      title: sub(step.title ?? step.id),
      description: sub(step.description),
      type: step.type ?? (step.epic ? "epic" : "task"),
      needs: step.needs.map((need) => need.id),
      labels: step.labels.map(sub),
      metadata: (values === undefined ? step.metadata : mapStrings(step.metadata, sub)) as Record<
        string,
        unknown
      >,
      gate:
        step.gate === undefined
          ? undefined
          : compact({
              type: step.gate.type,
              id: opt(step.gate.id),
              timeout: step.gate.timeout,
              description: opt(step.gate.description),
            }),
      priority: step.priority,
      assignee: opt(step.assignee),
      acceptance: opt(step.acceptance),
      notes: opt(step.notes),
      parent: step.parent,
      waitsFor: step.waitsFor,
      condition: step.condition,
      onComplete:
        step.onComplete === undefined || values === undefined
          ? step.onComplete
          : { ...step.onComplete, vars: mapStrings(step.onComplete.vars, sub) as Record<string, string> },
      parallel: step.parallel,
      interactive: step.interactive,
      source: step.source,
    }),
  );
  if (values !== undefined) checkLeftovers(cooked, steps, formula, borrowedFrom);
  return topologicalOrder(cooked);
}
