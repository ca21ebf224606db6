// Control flow, the first cook phase after extends: nested `children` are flattened into epics
// that need their children, and loops are unrolled.
//   count / range loops: the body once per iteration, ids `<loop>.iter<N>.<body id>`, needs
//     inside the body rewritten to the same iteration, each iteration's entry steps after the
//     previous iteration's exit steps, the first after the loop step's own needs; a step that
//     needs the loop waits for the last iteration.
//   until loops: the body once, labelled `loop:until` with the condition in metadata, for the
//     runtime to repeat.
// Loop variables substitute as `{i}` and as arithmetic (`{2^i - 1}`) in the body's text.
import { ArithError, evaluate, type Scope } from "./arith.ts";
import { compact } from "./compact.ts";
import { fail } from "./errors.ts";
import type { FormulaStep, StepLoop } from "./model.ts";
import { addNeed, resolveAliases, rootsAndSinks, type WorkStep } from "./steps.ts";
import { mapStrings, substituteLoopVars } from "./substitute.ts";

/** Iterations one loop may unroll to. */
export const MAX_LOOP_ITERATIONS = 10_000;
/** Steps one cook may produce. */
export const MAX_COOKED_STEPS = 50_000;

export interface LowerContext {
  /** Var values (given, or defaults) for loop counts and ranges. */
  values: Readonly<Record<string, string>>;
  /** Loop variables in effect. */
  scope: Scope;
  /** Shared countdown of steps left before MAX_COOKED_STEPS. */
  budget: { remaining: number };
}

export interface Lowered {
  steps: WorkStep[];
  /** Ids that no longer exist (loops) and the steps that stand in for them. */
  aliases: Map<string, string[]>;
}

/** A fresh budget for one cook. */
export function newBudget(): { remaining: number } {
  return { remaining: MAX_COOKED_STEPS };
}

const CHILDREN_OF = /^children-of\((.+)\)$/;

/** Converts one written step to a pipeline step (without its children). */
export function toWorkStep(step: FormulaStep, ctx: LowerContext): WorkStep {
  ctx.budget.remaining -= 1;
  if (ctx.budget.remaining < 0) {
    fail(
      "loop",
      step.loc,
      `the formula cooks to more than ${MAX_COOKED_STEPS} steps`,
      "Lower the loop counts or ranges (or the vars that drive them).",
    );
  }
  const work = compact<WorkStep>({
    id: step.id,
    title: step.title,
    description: step.description ?? "",
    notes: step.notes,
    type: step.type,
    priority: step.priority,
    labels: [...step.labels],
    metadata: structuredClone(step.metadata),
    needs: [],
    waitsFor: step.waitsFor,
    assignee: step.assignee,
    acceptance: step.acceptance,
    condition: step.condition,
    gate: step.gate === undefined ? undefined : { ...step.gate },
    expand: step.expand,
    expandVars: { ...step.expandVars },
    onComplete: step.onComplete,
    parallel: step.parallel,
    interactive: step.interactive,
    epic: false,
    source: step.source,
    loc: step.loc,
  });
  for (const need of step.needs) addNeed(work, need.name, need.loc);
  const childrenOf = step.waitsFor === undefined ? undefined : CHILDREN_OF.exec(step.waitsFor);
  if (childrenOf) addNeed(work, childrenOf[1]!, step.loc);
  return work;
}

/** The step with loop variables substituted in its text, children and nested loops. */
function substituteStep(step: FormulaStep, scope: Scope): FormulaStep {
  const sub = (text: string | undefined): string | undefined =>
    text === undefined ? undefined : substituteLoopVars(text, scope);
  const loop = step.loop;
  return compact<FormulaStep>({
    ...step,
    title: sub(step.title),
    description: sub(step.description),
    notes: sub(step.notes),
    assignee: sub(step.assignee),
    acceptance: sub(step.acceptance),
    condition: sub(step.condition),
    labels: step.labels.map((label) => substituteLoopVars(label, scope)),
    metadata: mapStrings(step.metadata, (text) => substituteLoopVars(text, scope)) as Record<string, unknown>,
    expandVars: Object.fromEntries(
      Object.entries(step.expandVars).map(([key, value]) => [key, substituteLoopVars(value, scope)]),
    ),
    gate:
      step.gate === undefined
        ? undefined
        : compact({ ...step.gate, id: sub(step.gate.id), description: sub(step.gate.description) }),
    children: step.children.map((child) => substituteStep(child, scope)),
    loop:
      loop === undefined
        ? undefined
        : compact<StepLoop>({
            ...loop,
            count: sub(loop.count),
            range: sub(loop.range),
            body: loop.body.map((child) => substituteStep(child, scope)),
          }),
  });
}

/** Evaluates a count or a range bound, with `{{var}}`/`{var}` taken from vars and loop variables. */
function evaluateBound(expression: string, step: FormulaStep, what: string, ctx: LowerContext): number {
  const loc = step.loop?.loc ?? step.loc;
  const numeric: Record<string, number> = {};
  for (const [name, value] of Object.entries(ctx.values))
    if (/^-?\d+$/.test(value)) numeric[name] = Number(value);
  const scope = { ...numeric, ...ctx.scope };
  const missing = new Set<string>();
  const text = expression.replace(/\{\{?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}?\}/g, (whole, name: string) => {
    const value = scope[name];
    if (value !== undefined) return `(${value})`;
    missing.add(name);
    return whole;
  });
  if (missing.size > 0) {
    const names = [...missing];
    const nonNumeric = names.filter((name) => ctx.values[name] !== undefined);
    return fail(
      "loop",
      loc,
      nonNumeric.length > 0
        ? `${what} of loop "${step.id}" needs a whole number for ${nonNumeric.join(", ")} (got ${JSON.stringify(ctx.values[nonNumeric[0]!])})`
        : `${what} of loop "${step.id}" needs a value for ${names.join(", ")}`,
      `Pass --var ${names[0]}=<number>, or give the var a numeric default.`,
    );
  }
  try {
    return evaluate(text, scope);
  } catch (error: unknown) {
    const reason = error instanceof ArithError ? error.message : String(error);
    return fail(
      "loop",
      loc,
      `${what} "${expression}" of loop "${step.id}" cannot be evaluated: ${reason}`,
      'Use whole numbers, vars and + - * / % ^ ( ), e.g. range = "1..2^{disks}-1".',
    );
  }
}

function iterationScopes(step: FormulaStep, loop: StepLoop, ctx: LowerContext): Scope[] {
  const bind = (value: number): Scope =>
    loop.var === undefined ? ctx.scope : { ...ctx.scope, [loop.var]: value };
  let start = 1;
  let end = 1;
  if (loop.kind === "count") {
    end = evaluateBound(loop.count ?? "1", step, "count", ctx);
    if (end < 1)
      fail(
        "loop",
        loop.loc,
        `count of loop "${step.id}" is ${end}`,
        "A loop runs at least once; give a count of 1 or more.",
      );
  } else if (loop.kind === "range") {
    const [from = "", to = ""] = (loop.range ?? "").split("..");
    start = evaluateBound(from, step, "range start", ctx);
    end = evaluateBound(to, step, "range end", ctx);
    if (end < start) {
      fail(
        "loop",
        loop.loc,
        `range of loop "${step.id}" is empty (${start}..${end})`,
        "Make the end at least the start.",
      );
    }
  }
  const iterations = end - start + 1;
  if (iterations > MAX_LOOP_ITERATIONS) {
    fail(
      "loop",
      loop.loc,
      `loop "${step.id}" would run ${iterations} times; the limit is ${MAX_LOOP_ITERATIONS}`,
      "Lower the count or range (or the vars that drive it).",
    );
  }
  const scopes: Scope[] = [];
  for (let value = start; value <= end; value++) scopes.push(bind(value));
  return scopes;
}

function unrollLoop(
  step: FormulaStep,
  loop: StepLoop,
  ctx: LowerContext,
): { steps: WorkStep[]; sinks: string[] } {
  const all: WorkStep[] = [];
  let previousSinks: string[] = [];
  iterationScopes(step, loop, ctx).forEach((scope, index) => {
    const iteration = index + 1;
    const body = scope === ctx.scope ? loop.body : loop.body.map((child) => substituteStep(child, scope));
    const lowered = lowerSteps(body, { ...ctx, scope });
    resolveAliases(lowered.steps, lowered.aliases);
    const prefix = `${step.id}.iter${iteration}.`;
    const produced = new Set(lowered.steps.map((work) => work.id));
    for (const work of lowered.steps) {
      work.id = prefix + work.id;
      for (const need of work.needs) if (produced.has(need.id)) need.id = prefix + need.id;
      if (work.parent !== undefined && produced.has(work.parent)) work.parent = prefix + work.parent;
      if (loop.kind === "until") {
        work.labels.push("loop:until");
        work.metadata.loop = { id: step.id, until: loop.until, max: loop.max };
      }
    }
    const { roots, sinks } = rootsAndSinks(lowered.steps);
    for (const root of roots) {
      if (iteration === 1) for (const need of step.needs) addNeed(root, need.name, need.loc);
      else for (const sink of previousSinks) addNeed(root, sink, loop.loc);
    }
    previousSinks = sinks.map((work) => work.id);
    all.push(...lowered.steps);
  });
  return { steps: all, sinks: previousSinks };
}

function lowerPlain(step: FormulaStep, ctx: LowerContext): Lowered {
  const work = toWorkStep(step, ctx);
  if (step.children.length === 0) return { steps: [work], aliases: new Map() };
  const lowered = lowerSteps(step.children, ctx);
  resolveAliases(lowered.steps, lowered.aliases);
  const direct = lowered.steps.filter((child) => child.parent === undefined);
  const directIds = new Set(direct.map((child) => child.id));
  for (const child of direct) {
    child.parent = step.id;
    // Children start when their epic could have: they inherit its needs.
    if (!child.needs.some((need) => directIds.has(need.id))) {
      for (const need of work.needs) addNeed(child, need.id, need.loc);
    }
  }
  // The epic is done when its children are.
  work.epic = true;
  for (const child of direct) addNeed(work, child.id, step.loc);
  return { steps: [work, ...lowered.steps], aliases: lowered.aliases };
}

/** Flattens children and unrolls loops in a list of written steps. */
export function lowerSteps(list: readonly FormulaStep[], ctx: LowerContext): Lowered {
  const steps: WorkStep[] = [];
  const aliases = new Map<string, string[]>();
  for (const step of list) {
    if (step.loop !== undefined) {
      const unrolled = unrollLoop(step, step.loop, ctx);
      steps.push(...unrolled.steps);
      aliases.set(step.id, unrolled.sinks);
    } else {
      const lowered = lowerPlain(step, ctx);
      steps.push(...lowered.steps);
      for (const [id, targets] of lowered.aliases) aliases.set(id, targets);
    }
  }
  return { steps, aliases };
}
