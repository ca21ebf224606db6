// `bd mol wisp`: the ephemeral form of a molecule, one root issue (`type/wisp`) whose body lists
// the steps as a checklist. No sub-issues, no edges: one create, after one search that makes a
// repeated wisp with the same key return the open one instead of a second.
import type { Protomolecule } from "../../formula/index.ts";
import type { Bead } from "../../model/bead.ts";
import { logOf, type TownContext } from "../context.ts";
import { type PlanOptions, planWisp, type WispPlan } from "./plan.ts";
import { createRoot, findPouredRoot } from "./pour.ts";

export interface WispResult {
  root: Bead;
  /** True when an open wisp with the same key was found and returned. */
  resumed: boolean;
  plan: WispPlan;
}

/** Pours a protomolecule (cooked with vars) as a wisp, or returns the open one with its key. */
export async function pourWisp(
  town: TownContext,
  params: PlanOptions & { proto: Protomolecule },
): Promise<WispResult> {
  const { proto, ...options } = params;
  const plan = planWisp(proto, options);
  const earlier = await findPouredRoot(town, { type: "wisp", formula: plan.formula, key: plan.key });
  if (earlier !== undefined) return { root: earlier, resumed: true, plan };
  const root = await createRoot(town, "wisp", plan.root);
  logOf(town).info({ wisp: root.number, formula: plan.formula, steps: plan.steps.length }, "wisp poured");
  return { root, resumed: false, plan };
}
