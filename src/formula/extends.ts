// `extends`: a formula built on others. Parents are applied in order, then the child over them:
// vars are inherited and the child's win; steps are inherited, a child step with a parent
// step's id replaces it where it stood, new child steps come after; advice, pointcuts and
// compose rules accumulate. A formula that (transitively) extends itself is refused.
import { didYouMean, fail, formatCycle, listNames } from "./errors.ts";
import type { Compose, Formula, FormulaLibrary, FormulaStep, NameRef } from "./model.ts";

function mergeById<T extends { id: string }>(base: readonly T[], top: readonly T[]): T[] {
  const out = [...base];
  for (const item of top) {
    const index = out.findIndex((existing) => existing.id === item.id);
    if (index >= 0) out[index] = item;
    else out.push(item);
  }
  return out;
}

function mergeCompose(base: Compose, top: Compose): Compose {
  const aspects = [...base.aspects];
  for (const aspect of top.aspects) if (!aspects.some((a) => a.name === aspect.name)) aspects.push(aspect);
  return {
    expand: [...base.expand, ...top.expand],
    map: [...base.map, ...top.map],
    aspects,
    bondPoints: mergeById(base.bondPoints, top.bondPoints),
    branch: [...base.branch, ...top.branch],
    hooks: [...base.hooks, ...top.hooks],
    gates: [...base.gates, ...top.gates],
  };
}

/** `top` laid over `base`: what a child inherits from an (already merged) parent. */
export function overlayFormula(base: Formula, top: Formula): Formula {
  // Model objects carry no undefined keys, so optional fields the child leaves out are
  // inherited from the parent by the spread.
  return {
    ...base,
    ...top,
    extends: [],
    vars: { ...base.vars, ...top.vars },
    steps: mergeById<FormulaStep>(base.steps, top.steps),
    template: mergeById<FormulaStep>(base.template, top.template),
    advice: [...base.advice, ...top.advice],
    pointcuts: [...base.pointcuts, ...top.pointcuts],
    compose: mergeCompose(base.compose, top.compose),
    legs: mergeById(base.legs, top.legs),
    extras: { ...base.extras, ...top.extras },
  };
}

/** Looks formulas up by name and resolves their `extends`, caching the results. */
export interface FormulaResolver {
  /** The named formula with its parents merged in; a FormulaError at `ref` when unknown. */
  get(ref: NameRef): Formula;
  /** The given formula with its parents merged in. */
  resolve(formula: Formula): Formula;
}

/** A resolver over a library of parsed formulas. */
export function createResolver(library: FormulaLibrary): FormulaResolver {
  const cache = new Map<string, Formula>();

  const lookup = (ref: NameRef): Formula => {
    const found = library.get(ref.name);
    if (found !== undefined) return found;
    const names = [...library.keys()];
    return fail(
      "unknown-formula",
      ref.loc,
      `unknown formula "${ref.name}"`,
      `${didYouMean(ref.name, names)}Formulas are looked up in .github/gastown/formulas/, .beads/formulas/ and the built-ins${
        names.length > 0 ? ` (known: ${listNames(names)})` : ""
      }.`,
    );
  };

  const resolve = (formula: Formula, chain: readonly string[]): Formula => {
    if (formula.extends.length === 0) return formula;
    const cached = library.get(formula.name) === formula ? cache.get(formula.name) : undefined;
    if (cached !== undefined) return cached;
    const path = [...chain, formula.name];
    let base: Formula | undefined;
    for (const ref of formula.extends) {
      if (path.includes(ref.name)) {
        const cycle = [...path.slice(path.indexOf(ref.name)), ref.name];
        fail(
          "extends-cycle",
          ref.loc,
          `extends cycle: ${formatCycle(cycle)}`,
          `Remove "${ref.name}" from extends; a formula cannot inherit from itself.`,
        );
      }
      const parent = resolve(lookup(ref), path);
      base = base === undefined ? parent : overlayFormula(base, parent);
    }
    const merged = overlayFormula(base!, formula);
    if (library.get(formula.name) === formula) cache.set(formula.name, merged);
    return merged;
  };

  return {
    get: (ref) => resolve(lookup(ref), []),
    resolve: (formula) => resolve(formula, []),
  };
}
