// The formula language: parse, resolve, cook, and ask questions of the cooked step DAG. Pure,
// except createDirectorySource and friends (fs-source.ts), which read the local filesystem.
export { evaluate as evaluateArithmetic, ArithError } from "./arith.ts";
export { matchGlob } from "./advice.ts";
export { parseCondition, evaluateCondition, isTruthy, type StepCondition } from "./conditions.ts";
export { cookFormula, cookFormulaSync, type CookOptions, type CookSyncOptions } from "./cook.ts";
export {
  FormulaError,
  formatLoc,
  type FormulaErrorCode,
  type FormulaProblem,
  type Loc,
} from "./errors.ts";
export { MAX_EXPANSION_DEPTH } from "./expand.ts";
export {
  checkoutFormulaSources,
  createBuiltinSource,
  createDirectorySource,
  builtinFormulasDir,
} from "./fs-source.ts";
export {
  escapeMermaidLabel,
  findCycle,
  readySteps,
  renderMermaid,
  stepStates,
  topologicalOrder,
  type GraphNode,
  type MermaidOptions,
  type StepState,
} from "./graph.ts";
export { MAX_COOKED_STEPS, MAX_LOOP_ITERATIONS } from "./loops.ts";
export type {
  Advice,
  BondPoint,
  Compose,
  Formula,
  FormulaLibrary,
  FormulaStep,
  FormulaType,
  GateType,
  Leg,
  NameRef,
  Phase,
  Pointcut,
  StepGate,
  StepLoop,
  StepType,
  Synthesis,
  VarDef,
  VarType,
} from "./model.ts";
export { formulaFileNames, formulaNameOfFile, parseFormula, type ParseFormulaInput } from "./parse.ts";
export type {
  CookedBondPoint,
  CookedGate,
  CookedHook,
  CookedStep,
  CookedVar,
  Protomolecule,
} from "./protomolecule.ts";
export {
  createMemorySource,
  createReaderSource,
  listFormulas,
  loadFormula,
  loadLibrary,
  referencesOf,
  REPO_FORMULA_DIRS,
  type FormulaEntry,
  type FormulaFile,
  type FormulaListing,
  type FormulaSource,
  type ReaderSourceOptions,
  type ResolvedFormula,
} from "./resolve.ts";
export { FormulaSchema, STEP_TYPES, GATE_TYPES, FORMULA_TYPES } from "./schema.ts";
export { substituteVars, varsUsed } from "./substitute.ts";
