// Aspects (cook phase 6): advice kept in separate `type = "aspect"` formulas and applied by name
// through `[compose] aspects`. Each aspect's advice matches only the steps that existed before
// the first aspect ran, so aspects never advise each other's steps (or their own).
import { applyAdvice } from "./advice.ts";
import { fail } from "./errors.ts";
import type { FormulaResolver } from "./extends.ts";
import type { LowerContext } from "./loops.ts";
import type { NameRef } from "./model.ts";
import type { WorkStep } from "./steps.ts";

export interface ApplyAspectsOptions {
  aspects: readonly NameRef[];
  resolver: FormulaResolver;
  /** Lowering context of the formula being cooked (its vars and step budget). */
  ctx: LowerContext;
}

/** Applies each named aspect's advice and pointcuts, in order. */
export function applyAspects(steps: readonly WorkStep[], options: ApplyAspectsOptions): WorkStep[] {
  if (options.aspects.length === 0) return [...steps];
  const eligible = new Set(steps.map((step) => step.id));
  let out = [...steps];
  for (const ref of options.aspects) {
    const aspect = options.resolver.get(ref);
    if ((aspect.type ?? "workflow") !== "aspect") {
      fail(
        "wrong-type",
        ref.loc,
        `"${ref.name}" is a ${aspect.type ?? "workflow"} formula, not an aspect`,
        'List only formulas of type = "aspect" (with [[advice]]) in compose.aspects.',
      );
    }
    out = applyAdvice(out, {
      advice: aspect.advice,
      pointcuts: aspect.pointcuts,
      ctx: { ...options.ctx, scope: {} },
      eligible,
    });
  }
  return out;
}
