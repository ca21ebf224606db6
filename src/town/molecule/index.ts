// Molecules on GitHub: pour a cooked formula as a root issue with one sub-issue per step and
// blocked-by edges (or as a wisp, a root with a checklist), walk it step by step, and end it with
// a digest (squash) or without a trace of work (burn).
export { parseChecklist, tickChecklist, type ChecklistItem } from "./checklist.ts";
export { cookNamedFormula, findFormula, isFormulaPath } from "./cook.ts";
export { burnMolecule, DIGEST_MARKER, type FinishResult, renderDigest, squashMolecule } from "./finish.ts";
export { type GateSpec, type MoleculeFields, readMoleculeFields, writeMoleculeFields } from "./metadata.ts";
export {
  checklistLine,
  describeGate,
  MAX_DEPENDENCIES,
  MAX_SUB_ISSUES,
  type PlanOptions,
  type PourItem,
  type PourPlan,
  planPour,
  planWisp,
  pourKeyOf,
  type RootDraft,
  varValues,
  type WispPlan,
} from "./plan.ts";
export { findPouredRoot, type PourResult, pourMolecule } from "./pour.ts";
export {
  type GateView,
  type MoleculeView,
  type Progress,
  progressOf,
  type StepState,
  type StepView,
  viewMolecule,
  viewWisp,
} from "./view.ts";
export {
  completeStep,
  type LoadedMolecule,
  listOpenRoots,
  loadMolecule,
  resolveRoot,
  type StepDoneResult,
} from "./walk.ts";
export { pourWisp, type WispResult } from "./wisp.ts";
