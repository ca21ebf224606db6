// Expansion: a step replaced by an expansion formula's [[template]] steps (a macro). In the
// template `{target}`, `{target.title}` and `{target.description}` name the replaced step and
// `{{var}}` takes the expansion's vars (its defaults, overridden by expand_vars / rule vars).
// Template ids without `{target}` are prefixed `<target>.` so two expansions never collide.
// The template's entry steps inherit the target's needs; whatever needed the target waits for
// the template's exit steps. Template steps also take the target's epic, condition, assignee
// and priority (unless they set their own); the target's other fields go with it. Templates
// may expand further, at most MAX_EXPANSION_DEPTH deep.
import { matchGlob } from "./advice.ts";
import { didYouMean, fail, formatCycle, listNames } from "./errors.ts";
import type { FormulaResolver } from "./extends.ts";
import { type LowerContext, lowerSteps } from "./loops.ts";
import type { Compose, Formula, FormulaStep, NameRef } from "./model.ts";
import { addNeed, resolveAliases, rootsAndSinks, type WorkStep } from "./steps.ts";
import { mapStrings, substitutePlaceholders, substituteVars } from "./substitute.ts";

/** How many expansions may nest inside one another. */
export const MAX_EXPANSION_DEPTH = 5;

export interface ExpandContext {
  resolver: FormulaResolver;
  budget: LowerContext["budget"];
}

function expansionFor(ref: NameRef, ctx: ExpandContext): Formula {
  const formula = ctx.resolver.get(ref);
  if ((formula.type ?? "workflow") !== "expansion") {
    fail(
      "wrong-type",
      ref.loc,
      `"${ref.name}" is a ${formula.type ?? "workflow"} formula, not an expansion`,
      'Expand with a formula of type = "expansion" that lists [[template]] steps.',
    );
  }
  return formula;
}

type Sub = (text: string) => string;

function instantiate(step: FormulaStep, sub: Sub, ids: ReadonlyMap<string, string>): FormulaStep {
  const opt = (text: string | undefined): string | undefined => (text === undefined ? undefined : sub(text));
  const out: FormulaStep = {
    ...step,
    id: ids.get(step.id) ?? sub(step.id),
    labels: step.labels.map(sub),
    metadata: mapStrings(step.metadata, sub) as Record<string, unknown>,
    needs: step.needs.map((need) => ({ ...need, name: ids.get(need.name) ?? sub(need.name) })),
    expandVars: Object.fromEntries(Object.entries(step.expandVars).map(([key, value]) => [key, sub(value)])),
    children: step.children.map((child) => instantiate(child, sub, ids)),
  };
  for (const key of ["title", "description", "notes", "acceptance", "assignee", "condition"] as const) {
    const value = opt(step[key]);
    if (value !== undefined) out[key] = value;
  }
  if (step.gate !== undefined) {
    out.gate = { ...step.gate };
    if (step.gate.id !== undefined) out.gate.id = sub(step.gate.id);
  }
  if (step.loop !== undefined) {
    // Loop bodies are their own id scope: their ids are substituted, never prefixed.
    const bodyIds = new Map(step.loop.body.map((child) => [child.id, sub(child.id)]));
    out.loop = { ...step.loop, body: step.loop.body.map((child) => instantiate(child, sub, bodyIds)) };
    if (step.loop.count !== undefined) out.loop.count = sub(step.loop.count);
    if (step.loop.range !== undefined) out.loop.range = sub(step.loop.range);
  }
  return out;
}

export interface ExpandOptions {
  target: WorkStep;
  with: NameRef;
  vars: Readonly<Record<string, string>>;
  /** Names of the expansions this one is nested in, outermost first. */
  chain: readonly string[];
  /** Whether the expansion's var defaults apply (not when previewing the expansion itself). */
  useDefaults?: boolean;
}

/** Replaces one step by an expansion's template; returns the new steps and their exit ids. */
export function expandTarget(
  options: ExpandOptions,
  ctx: ExpandContext,
): { steps: WorkStep[]; exits: string[] } {
  const { target, chain } = options;
  if (chain.length >= MAX_EXPANSION_DEPTH) {
    fail(
      "expansion-depth",
      options.with.loc,
      `expansion too deep: ${formatCycle([...chain, options.with.name])} (the limit is ${MAX_EXPANSION_DEPTH})`,
      `Nest expansions at most ${MAX_EXPANSION_DEPTH} deep, and never let a template expand itself.`,
    );
  }
  const expansion = expansionFor(options.with, ctx);
  const values: Record<string, string> = {};
  if (options.useDefaults !== false) {
    for (const def of Object.values(expansion.vars))
      if (def.default !== undefined) values[def.name] = def.default;
  }
  Object.assign(values, options.vars);
  const placeholders = {
    target: target.id,
    "target.title": target.title ?? target.id,
    "target.description": target.description,
  };
  const sub: Sub = (text) => substituteVars(substitutePlaceholders(text, placeholders), values);
  const ids = new Map<string, string>();
  const collect = (steps: readonly FormulaStep[]): void => {
    for (const step of steps) {
      ids.set(step.id, step.id.includes("{target}") ? sub(step.id) : `${target.id}.${sub(step.id)}`);
      collect(step.children);
    }
  };
  collect(expansion.template);
  const lowered = lowerSteps(
    expansion.template.map((step) => instantiate(step, sub, ids)),
    { values, scope: {}, budget: ctx.budget },
  );
  resolveAliases(lowered.steps, lowered.aliases);
  const steps = expandInline(lowered.steps, ctx, [...chain, options.with.name]);
  const { roots, sinks } = rootsAndSinks(steps);
  for (const root of roots) for (const need of target.needs) addNeed(root, need.id, need.loc);
  // The replacement steps stand where the target stood: same epic, same condition, and the
  // target's assignee and priority unless a template step sets its own.
  for (const step of steps) {
    if (target.parent !== undefined) step.parent ??= target.parent;
    if (target.condition !== undefined) step.condition ??= target.condition;
    if (target.assignee !== undefined) step.assignee ??= target.assignee;
    if (target.priority !== undefined) step.priority ??= target.priority;
  }
  return { steps, exits: sinks.map((step) => step.id) };
}

/** Replaces every step that has `expand` by its expansion (inline expansion, cook phase 4). */
export function expandInline(
  steps: readonly WorkStep[],
  ctx: ExpandContext,
  chain: readonly string[] = [],
): WorkStep[] {
  if (!steps.some((step) => step.expand !== undefined)) return [...steps];
  const out: WorkStep[] = [];
  const aliases = new Map<string, string[]>();
  for (const step of steps) {
    if (step.expand === undefined) {
      out.push(step);
      continue;
    }
    const expanded = expandTarget({ target: step, with: step.expand, vars: step.expandVars, chain }, ctx);
    out.push(...expanded.steps);
    aliases.set(step.id, expanded.exits);
  }
  resolveAliases(out, aliases);
  return out;
}

function replaceAt(
  steps: readonly WorkStep[],
  index: number,
  options: ExpandOptions,
  ctx: ExpandContext,
): WorkStep[] {
  const expanded = expandTarget(options, ctx);
  const out = [...steps.slice(0, index), ...expanded.steps, ...steps.slice(index + 1)];
  resolveAliases(out, new Map([[options.target.id, expanded.exits]]));
  return out;
}

/** `[compose] expand` (one named step) and `map` (every step matching a glob), cook phase 5. */
export function applyComposeExpansions(
  steps: readonly WorkStep[],
  compose: Compose,
  ctx: ExpandContext,
): WorkStep[] {
  let out = [...steps];
  for (const rule of compose.expand) {
    const index = out.findIndex((step) => step.id === rule.target);
    if (index < 0) {
      const ids = out.map((step) => step.id);
      fail(
        "unknown-target",
        rule.loc,
        `compose.expand targets "${rule.target}", which is not a step of this formula`,
        `${didYouMean(rule.target, ids)}Steps: ${listNames(ids)}.`,
      );
    }
    out = replaceAt(out, index, { target: out[index]!, with: rule.with, vars: rule.vars, chain: [] }, ctx);
  }
  for (const rule of compose.map) {
    const selected = out.filter((step) => matchGlob(rule.select, step.id)).map((step) => step.id);
    for (const id of selected) {
      const index = out.findIndex((step) => step.id === id);
      out = replaceAt(out, index, { target: out[index]!, with: rule.with, vars: rule.vars, chain: [] }, ctx);
    }
  }
  return out;
}
