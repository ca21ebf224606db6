// The normalised formula model: what parseFormula returns and the cook pipeline consumes.
// Compared with the file format, shorthands are expanded (`needs` + `depends_on` merged, var
// shorthands made tables, advice `around` split into before/after, convoy inputs folded into
// vars) and every element remembers where it was written, so later phases can report
// file:line:column.
import type { Loc } from "./errors.ts";
import type { FORMULA_TYPES, GATE_TYPES, PHASES, STEP_TYPES, VAR_TYPES } from "./schema.ts";

export type FormulaType = (typeof FORMULA_TYPES)[number];
export type StepType = (typeof STEP_TYPES)[number];
export type GateType = (typeof GATE_TYPES)[number];
export type VarType = (typeof VAR_TYPES)[number];
export type Phase = (typeof PHASES)[number];

/** A name written somewhere in a formula (a need, a parent, an expansion), with its place. */
export interface NameRef {
  name: string;
  loc: Loc;
}

/** A declared var (or convoy input). `default` is the string that substitution inserts. */
export interface VarDef {
  name: string;
  description?: string;
  default?: string;
  required: boolean;
  enum?: string[];
  pattern?: string;
  type: VarType;
  /** Convoy inputs: required unless one of these inputs is given. */
  requiredUnless?: string[];
  /** True for a convoy `[inputs.x]`. */
  input?: boolean;
  loc: Loc;
}

/** A step's gate: it waits on something outside the molecule. */
export interface StepGate {
  type: GateType;
  id?: string;
  timeout?: string;
  description?: string;
}

/** Runtime fan-out after a step completes (carried through to the cooked step). */
export interface OnComplete {
  forEach: string;
  bond: string;
  vars: Record<string, string>;
  mode: "parallel" | "sequential";
}

export interface StepLoop {
  kind: "count" | "range" | "until";
  /** A number, or an expression such as `{{n}}` evaluated at cook time. */
  count?: string;
  range?: string;
  var?: string;
  until?: string;
  max?: number;
  body: FormulaStep[];
  loc: Loc;
}

/** One `[[steps]]` / `[[template]]` / advice step as written, with its children and loop. */
export interface FormulaStep {
  id: string;
  title?: string;
  description?: string;
  notes?: string;
  type?: StepType;
  priority?: number;
  labels: string[];
  metadata: Record<string, unknown>;
  /** `needs` and `depends_on`, merged. */
  needs: NameRef[];
  waitsFor?: string;
  assignee?: string;
  acceptance?: string;
  condition?: string;
  gate?: StepGate;
  loop?: StepLoop;
  expand?: NameRef;
  expandVars: Record<string, string>;
  onComplete?: OnComplete;
  parallel?: boolean;
  interactive?: boolean;
  children: FormulaStep[];
  /** The formula the step is written in (kept through extends, expansion and advice). */
  source: string;
  loc: Loc;
}

/** Advice: steps to insert before and after every step matching `target`. */
export interface Advice {
  target: string;
  before: FormulaStep[];
  after: FormulaStep[];
  loc: Loc;
}

/** Restricts where an aspect's advice applies: by id glob, step type or label. */
export interface Pointcut {
  glob?: string;
  type?: string;
  label?: string;
  loc: Loc;
}

export interface ExpandRule {
  target: string;
  with: NameRef;
  vars: Record<string, string>;
  loc: Loc;
}

export interface MapRule {
  select: string;
  with: NameRef;
  vars: Record<string, string>;
  loc: Loc;
}

/** A named place where work can be bonded on at runtime. */
export interface BondPoint {
  id: string;
  description?: string;
  afterStep?: string;
  beforeStep?: string;
  parallel?: boolean;
  loc: Loc;
}

export interface BranchRule {
  from: string;
  steps: string[];
  join: string;
  loc: Loc;
}

export interface ComposeHook {
  trigger: string;
  attach: string;
  at?: string;
  vars: Record<string, string>;
  loc: Loc;
}

/** A runtime condition checked before a step may start. */
export interface ComposeGate {
  before: string;
  condition: string;
  loc: Loc;
}

export interface Compose {
  expand: ExpandRule[];
  map: MapRule[];
  aspects: NameRef[];
  bondPoints: BondPoint[];
  branch: BranchRule[];
  hooks: ComposeHook[];
  gates: ComposeGate[];
}

/** A convoy leg: one polecat's part of a convoy formula, run in parallel with the others. */
export interface Leg {
  id: string;
  title?: string;
  focus?: string;
  description?: string;
  agent?: string;
  reviewOnly?: boolean;
  loc: Loc;
}

/** The convoy step that runs after the legs. */
export interface Synthesis {
  id: string;
  title?: string;
  description?: string;
  dependsOn?: NameRef[];
  agent?: string;
  loc: Loc;
}

/** Fields Gas Town keeps for its own tools; carried, not interpreted, by the cook. */
export interface FormulaExtras {
  agent?: string;
  reviewOnly?: boolean;
  prompts?: Record<string, string>;
  output?: { directory?: string; legPattern?: string; synthesis?: string };
  presets?: Record<string, { description?: string; legs: string[] }>;
  squash?: { trigger?: string; templateType?: string; includeMetrics?: boolean };
}

/** A parsed, checked formula file. */
export interface Formula {
  name: string;
  /** The file it came from, as given to parseFormula. */
  file: string;
  description?: string;
  version?: number;
  type?: FormulaType;
  extends: NameRef[];
  phase?: Phase;
  pour?: boolean;
  vars: Record<string, VarDef>;
  steps: FormulaStep[];
  template: FormulaStep[];
  advice: Advice[];
  pointcuts: Pointcut[];
  compose: Compose;
  legs: Leg[];
  synthesis?: Synthesis;
  extras: FormulaExtras;
  /** Where the `formula = ...` line is. */
  loc: Loc;
}

/** Every formula a cook may need, by name (parents, expansions, aspects). */
export type FormulaLibrary = ReadonlyMap<string, Formula>;
