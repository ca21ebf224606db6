// Advice: steps inserted before and after every step whose id matches a glob (and, for aspects,
// a pointcut). Before-steps run in order after the target's own needs and the target waits for
// them; after-steps run in order after the target, and whatever needed the target waits for the
// last of them, so the target is wrapped. Only steps that existed before the advice was applied
// are matched, so advice never advises itself.
//
// Globs: `*` matches any run of characters (dots included), `?` one character; so `implement`,
// `*.implement`, `shiny.*`, `prefix.*.suffix` and `*` all do what they say.
import type { Advice, FormulaStep, Pointcut } from "./model.ts";
import { type LowerContext, lowerSteps } from "./loops.ts";
import { addNeed, resolveAliases, rewireDependents, rootsAndSinks, type WorkStep } from "./steps.ts";
import { mapStrings, substitutePlaceholders } from "./substitute.ts";

const globCache = new Map<string, RegExp>();

/** Whether a step id matches a glob pattern. */
export function matchGlob(pattern: string, id: string): boolean {
  let regex = globCache.get(pattern);
  if (regex === undefined) {
    const body = pattern
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
      .join("");
    regex = new RegExp(`^${body}$`);
    globCache.set(pattern, regex);
  }
  return regex.test(id);
}

/** Whether a step matches a pointcut: every criterion the pointcut gives must hold. */
export function matchPointcut(pointcut: Pointcut, step: WorkStep): boolean {
  if (pointcut.glob !== undefined && !matchGlob(pointcut.glob, step.id)) return false;
  if (pointcut.type !== undefined && (step.type ?? (step.epic ? "epic" : "task")) !== pointcut.type)
    return false;
  if (pointcut.label !== undefined && !step.labels.includes(pointcut.label)) return false;
  return true;
}

/** No pointcuts match everything; otherwise any one of them must match. */
export function matchAnyPointcut(pointcuts: readonly Pointcut[], step: WorkStep): boolean {
  return pointcuts.length === 0 || pointcuts.some((pointcut) => matchPointcut(pointcut, step));
}

/** An advice step with `{step.id}` / `{step.title}` filled in for one target. */
function instantiate(step: FormulaStep, target: WorkStep): FormulaStep {
  const values = { "step.id": target.id, "step.title": target.title ?? target.id };
  const sub = (text: string): string => substitutePlaceholders(text, values);
  const opt = (text: string | undefined): string | undefined => (text === undefined ? undefined : sub(text));
  const id = sub(step.id);
  const out: FormulaStep = {
    ...step,
    id,
    title: opt(step.title) ?? id,
    labels: step.labels.map(sub),
    metadata: mapStrings(step.metadata, sub) as Record<string, unknown>,
    needs: step.needs.map((need) => ({ ...need, name: sub(need.name) })),
    children: step.children.map((child) => instantiate(child, target)),
  };
  for (const key of ["description", "notes", "acceptance", "assignee"] as const) {
    const value = opt(step[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Lowers advice steps for a target, one group per written step, chained in order. */
function adviceGroups(written: readonly FormulaStep[], target: WorkStep, ctx: LowerContext): WorkStep[][] {
  return written.map((step) => {
    const lowered = lowerSteps([instantiate(step, target)], ctx);
    resolveAliases(lowered.steps, lowered.aliases);
    // Advice lives and dies with its target: a condition that drops the target drops it too.
    if (target.condition !== undefined) for (const work of lowered.steps) work.condition ??= target.condition;
    return lowered.steps;
  });
}

function chain(
  groups: readonly WorkStep[][],
  first: readonly { id: string; loc: WorkStep["loc"] }[],
): string[] {
  let previous = first;
  for (const group of groups) {
    const { roots, sinks } = rootsAndSinks(group);
    for (const root of roots) for (const need of previous) addNeed(root, need.id, need.loc);
    previous = sinks.map((sink) => ({ id: sink.id, loc: sink.loc }));
  }
  return previous.map((need) => need.id);
}

export interface ApplyAdviceOptions {
  advice: readonly Advice[];
  pointcuts: readonly Pointcut[];
  /** Lowering context for the advice steps (their formula, vars, budget). */
  ctx: LowerContext;
  /** Only these steps may be advised; defaults to the steps given. */
  eligible?: ReadonlySet<string>;
}

/** Inserts advice steps around every matching step; returns a new list. */
export function applyAdvice(steps: readonly WorkStep[], options: ApplyAdviceOptions): WorkStep[] {
  if (options.advice.length === 0) return [...steps];
  const eligible = options.eligible ?? new Set(steps.map((step) => step.id));
  const result: WorkStep[] = [];
  const wrapped: { target: string; exits: string[]; inserted: Set<string> }[] = [];
  for (const step of steps) {
    const rules =
      eligible.has(step.id) && matchAnyPointcut(options.pointcuts, step)
        ? options.advice.filter((rule) => matchGlob(rule.target, step.id))
        : [];
    if (rules.length === 0) {
      result.push(step);
      continue;
    }
    const before = adviceGroups(
      rules.flatMap((rule) => rule.before),
      step,
      options.ctx,
    );
    const after = adviceGroups(
      rules.flatMap((rule) => rule.after),
      step,
      options.ctx,
    );
    if (before.length > 0) {
      const lastBefore = chain(before, step.needs);
      step.needs = [];
      for (const id of lastBefore) addNeed(step, id, rules[0]!.loc);
    }
    result.push(...before.flat(), step);
    if (after.length > 0) {
      const exits = chain(after, [{ id: step.id, loc: rules[0]!.loc }]);
      const inserted = new Set(after.flat().map((work) => work.id));
      wrapped.push({ target: step.id, exits, inserted });
      result.push(...after.flat());
    }
  }
  for (const { target, exits, inserted } of wrapped) rewireDependents(result, target, exits, inserted);
  return result;
}
