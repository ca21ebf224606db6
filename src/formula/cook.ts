// Cooking: a formula (and the formulas it names) into a protomolecule, in Beads' order:
//   1. extends          parents merged in
//   2. control flow     children flattened, loops unrolled, compose.branch, compose.gate
//   3. advice           the formula's own [[advice]]
//   4. inline expand    steps with `expand`
//   5. compose          compose.expand / compose.map (expansions nest at most 5 deep)
//   6. aspects          compose.aspects
//   7. conditions       steps whose condition is false dropped (runtime mode)
//   8. finalize         validated, vars substituted (runtime mode), topologically ordered
// Without vars the cook is in compile mode: `{{vars}}` and conditions are kept for a later pour.
// With vars (even none) it is in runtime mode: every required var must have a value.
import { applyAdvice } from "./advice.ts";
import { applyAspects } from "./aspects.ts";
import { compact } from "./compact.ts";
import { parseCondition, filterByConditions } from "./conditions.ts";
import { didYouMean, fail, listNames, ProblemList } from "./errors.ts";
import { applyComposeExpansions, expandInline, expandTarget } from "./expand.ts";
import { createResolver, type FormulaResolver } from "./extends.ts";
import { finalizeSteps } from "./finalize.ts";
import { type LowerContext, lowerSteps, newBudget } from "./loops.ts";
import type { Formula, FormulaLibrary, VarDef } from "./model.ts";
import type { CookedVar, Protomolecule } from "./protomolecule.ts";
import { loadLibrary, type FormulaSource, type ResolvedFormula } from "./resolve.ts";
import { addNeed, resolveAliases, type WorkStep } from "./steps.ts";
import { mapStrings, substituteVars } from "./substitute.ts";
import { resolveVarValues } from "./vars.ts";

export interface CookSyncOptions {
  formula: Formula | ResolvedFormula;
  /** Var values; given (even empty) means runtime mode. */
  vars?: Readonly<Record<string, string>>;
  /** Formulas it names; a ResolvedFormula brings its own. */
  library?: FormulaLibrary;
}

export interface CookOptions {
  formula: Formula | ResolvedFormula;
  vars?: Readonly<Record<string, string>>;
  /** Where to find the formulas it names (parents, expansions, aspects). */
  sources?: readonly FormulaSource[];
}

function isResolved(formula: Formula | ResolvedFormula): formula is ResolvedFormula {
  return "library" in formula && "formula" in formula;
}

function varDefaults(vars: Readonly<Record<string, VarDef>>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const def of Object.values(vars)) if (def.default !== undefined) values[def.name] = def.default;
  return values;
}

function stepsFromLegs(formula: Formula, ctx: LowerContext): WorkStep[] {
  const base = { labels: [] as string[], expandVars: {}, epic: false, source: formula.name };
  const legs = formula.legs.map(
    (leg): WorkStep => ({
      ...base,
      id: leg.id,
      title: leg.title ?? leg.id,
      description: leg.description ?? leg.focus ?? "",
      labels: ["convoy:leg"],
      metadata: compact<Record<string, unknown>>({
        focus: leg.focus,
        agent: leg.agent,
        review_only: leg.reviewOnly,
      }),
      needs: [],
      loc: leg.loc,
    }),
  );
  ctx.budget.remaining -= legs.length;
  const synthesis = formula.synthesis;
  if (synthesis === undefined) return legs;
  const step: WorkStep = {
    ...base,
    id: synthesis.id,
    title: synthesis.title ?? "Synthesis",
    description: synthesis.description ?? "",
    labels: ["convoy:synthesis"],
    metadata: compact<Record<string, unknown>>({ agent: synthesis.agent }),
    needs: [],
    loc: synthesis.loc,
  };
  if (synthesis.dependsOn === undefined) for (const leg of legs) addNeed(step, leg.id, synthesis.loc);
  else for (const ref of synthesis.dependsOn) addNeed(step, ref.name, ref.loc);
  return [...legs, step];
}

/** An expansion cooked on its own is applied to a stand-in step `target`, as a preview. */
function previewExpansion(formula: Formula, resolver: FormulaResolver, ctx: LowerContext): WorkStep[] {
  const target: WorkStep = {
    id: "target",
    title: "Target",
    description: "",
    labels: [],
    metadata: {},
    needs: [],
    expandVars: {},
    epic: false,
    source: formula.name,
    loc: formula.loc,
  };
  return expandTarget(
    { target, with: { name: formula.name, loc: formula.loc }, vars: {}, chain: [], useDefaults: false },
    { resolver, budget: ctx.budget },
  ).steps;
}

/** An aspect cooked on its own advises stand-ins for the step ids its advice names literally. */
function previewAspect(formula: Formula, ctx: LowerContext): WorkStep[] {
  const standIns: WorkStep[] = [];
  for (const rule of formula.advice) {
    if (/[*?]/.test(rule.target) || standIns.some((step) => step.id === rule.target)) continue;
    const previous = standIns[standIns.length - 1];
    standIns.push({
      id: rule.target,
      title: rule.target,
      description: "",
      labels: [],
      metadata: {},
      needs: previous === undefined ? [] : [{ id: previous.id, loc: rule.loc }],
      expandVars: {},
      epic: false,
      source: formula.name,
      loc: rule.loc,
    });
  }
  return applyAdvice(standIns, { advice: formula.advice, pointcuts: formula.pointcuts, ctx });
}

function requireStep(steps: readonly WorkStep[], id: string, loc: WorkStep["loc"], what: string): WorkStep {
  const step = steps.find((candidate) => candidate.id === id);
  if (step !== undefined) return step;
  const ids = steps.map((candidate) => candidate.id);
  return fail(
    "unknown-target",
    loc,
    `${what} "${id}", which is not a step of this formula`,
    `${didYouMean(id, ids)}Steps: ${listNames(ids)}.`,
  );
}

/** compose.branch (fork-join) and compose.gate (runtime conditions), the rest of phase 2. */
function applyComposeControlFlow(steps: readonly WorkStep[], formula: Formula): void {
  for (const rule of formula.compose.branch) {
    requireStep(steps, rule.from, rule.loc, "compose.branch starts from");
    const join = requireStep(steps, rule.join, rule.loc, "compose.branch joins at");
    for (const id of rule.steps) {
      addNeed(requireStep(steps, id, rule.loc, "compose.branch forks to"), rule.from, rule.loc);
      addNeed(join, id, rule.loc);
    }
  }
  for (const rule of formula.compose.gates) {
    const step = requireStep(steps, rule.before, rule.loc, "compose.gate guards");
    if (!step.labels.includes("gate:condition")) step.labels.push("gate:condition");
    step.metadata.gate_condition = rule.condition;
  }
}

function checkConditionVars(steps: readonly WorkStep[], formula: Formula): void {
  const problems = new ProblemList();
  const names = Object.keys(formula.vars);
  for (const step of steps) {
    const condition = step.condition === undefined ? undefined : parseCondition(step.condition);
    if (condition === undefined || formula.vars[condition.var] !== undefined) continue;
    problems.add(
      "unknown-var",
      step.loc,
      `condition of step "${step.id}" uses {{${condition.var}}}, which is not a var of this formula`,
      `${didYouMean(condition.var, names)}Declare it under [vars], or use one of: ${names.length > 0 ? listNames(names) : "(no vars)"}.`,
    );
  }
  problems.throwIfAny();
}

function cookedVars(
  vars: Readonly<Record<string, VarDef>>,
  values: Readonly<Record<string, string>> | undefined,
) {
  const out: Record<string, CookedVar> = {};
  for (const def of Object.values(vars)) {
    const { name: _name, loc: _loc, ...rest } = def;
    out[def.name] = compact<CookedVar>({ ...rest, value: values?.[def.name] });
  }
  return out;
}

/** Cooks a formula whose referenced formulas are already loaded (in `library` or the ResolvedFormula). */
export function cookFormulaSync(options: CookSyncOptions): Protomolecule {
  const root = isResolved(options.formula) ? options.formula.formula : options.formula;
  const library = new Map(isResolved(options.formula) ? options.formula.library : []);
  for (const [name, formula] of options.library ?? []) if (!library.has(name)) library.set(name, formula);
  library.set(root.name, root);
  const resolver = createResolver(library);

  // 1. extends
  const formula = resolver.resolve(root);
  const type = formula.type ?? "workflow";
  const values =
    options.vars === undefined ? undefined : resolveVarValues(formula.vars, options.vars, formula.loc);
  const ctx: LowerContext = {
    values: values ?? varDefaults(formula.vars),
    scope: {},
    budget: newBudget(),
  };
  const expandCtx = { resolver, budget: ctx.budget };

  // 2. control flow
  let steps: WorkStep[];
  if (type === "expansion") steps = previewExpansion(formula, resolver, ctx);
  else if (type === "aspect") steps = previewAspect(formula, ctx);
  else {
    const lowered = lowerSteps(formula.steps, ctx);
    resolveAliases(lowered.steps, lowered.aliases);
    steps = [...lowered.steps, ...(type === "convoy" ? stepsFromLegs(formula, ctx) : [])];
  }
  applyComposeControlFlow(steps, formula);
  // 3. the formula's own advice (an aspect's was applied by its preview)
  if (type !== "aspect")
    steps = applyAdvice(steps, { advice: formula.advice, pointcuts: formula.pointcuts, ctx });
  // 4. inline expand, 5. compose expand / map
  steps = expandInline(steps, expandCtx);
  steps = applyComposeExpansions(steps, formula.compose, expandCtx);
  // 6. aspects
  steps = applyAspects(steps, { aspects: formula.compose.aspects, resolver, ctx });
  // 7. conditions
  checkConditionVars(steps, formula);
  if (values !== undefined) steps = filterByConditions(steps, values);
  // 8. finalize
  const borrowed = new Set(
    [...library.values()].filter((f) => f.type === "expansion" || f.type === "aspect").map((f) => f.name),
  );
  const cooked = finalizeSteps(steps, formula, values, borrowed);

  return compact<Protomolecule>({
    formula: formula.name,
    version: formula.version ?? 1,
    type,
    mode: values === undefined ? "compile" : "runtime",
    description:
      values === undefined || formula.description === undefined
        ? formula.description
        : substituteVars(formula.description, values),
    phase: formula.phase,
    pour: formula.pour ?? false,
    vars: cookedVars(formula.vars, values),
    steps: cooked,
    bondPoints:
      formula.compose.bondPoints.length === 0
        ? undefined
        : formula.compose.bondPoints.map(({ loc: _loc, ...point }) => point),
    hooks:
      formula.compose.hooks.length === 0
        ? undefined
        : formula.compose.hooks.map(({ loc: _loc, vars, ...hook }) => ({
            ...hook,
            vars:
              values === undefined
                ? vars
                : (mapStrings(vars, (text) => substituteVars(text, values)) as Record<string, string>),
          })),
  });
}

/**
 * Cooks a formula into a protomolecule, loading the formulas it names from `sources` (or from
 * the ResolvedFormula that loadFormula returned). Throws a FormulaError on any problem.
 */
export async function cookFormula(options: CookOptions): Promise<Protomolecule> {
  const { formula, sources } = options;
  const library = isResolved(formula) ? formula.library : await loadLibrary(formula, sources ?? []);
  return cookFormulaSync(compact<CookSyncOptions>({ formula, vars: options.vars, library }));
}
