// What cooking produces: a protomolecule, the flat, validated step DAG that pour turns into
// issues. In compile mode (no vars given) `{{vars}}` stay in the text and step conditions stay
// on their steps; in runtime mode (vars given) everything is substituted and decided.
import type {
  BondPoint,
  ComposeHook,
  FormulaType,
  GateType,
  OnComplete,
  Phase,
  StepType,
  VarType,
} from "./model.ts";

/** A gate as pour creates it: an issue the step waits on. */
export interface CookedGate {
  type: GateType;
  id?: string;
  timeout?: string;
  description?: string;
}

/** One step of a protomolecule. */
export interface CookedStep {
  id: string;
  title: string;
  description: string;
  /** `task` unless the formula says otherwise; `epic` for a step that had children. */
  type: StepType;
  /** Ids of the steps this one waits for, all in the same protomolecule. */
  needs: string[];
  labels: string[];
  metadata: Record<string, unknown>;
  gate?: CookedGate;
  priority?: number;
  assignee?: string;
  acceptance?: string;
  notes?: string;
  /** The epic step this one belongs to. */
  parent?: string;
  /** `all-children`, `any-children` or `children-of(<id>)`: pour adds a `gate:<waits_for>` label. */
  waitsFor?: string;
  /** Compile mode only: a cook-time condition still to be decided when vars are known. */
  condition?: string;
  onComplete?: OnComplete;
  parallel?: boolean;
  interactive?: boolean;
  /** The formula the step was written in (a parent, an expansion, an aspect, or this one). */
  source: string;
}

/** A var as the protomolecule reports it; `value` is set in runtime mode. */
export interface CookedVar {
  description?: string;
  default?: string;
  required: boolean;
  enum?: string[];
  pattern?: string;
  type: VarType;
  requiredUnless?: string[];
  input?: boolean;
  value?: string;
}

export type CookedBondPoint = Omit<BondPoint, "loc">;

/**
 * A `[compose] hooks` rule, carried for the runtime: when a bead matching `trigger`
 * (`label:x`, `type:bug`, `priority:0-1`) appears, bond the `attach` formula at `at`.
 */
export type CookedHook = Omit<ComposeHook, "loc">;

/** A cooked formula. */
export interface Protomolecule {
  formula: string;
  version: number;
  type: FormulaType;
  /** `compile`: vars kept as `{{name}}`; `runtime`: vars substituted. */
  mode: "compile" | "runtime";
  description?: string;
  phase?: Phase;
  /** Whether pour materialises steps as sub-issues (true) or a checklist wisp (false). */
  pour: boolean;
  vars: Record<string, CookedVar>;
  /** Steps in a topological order (each after the steps it needs), stable to the formula's order. */
  steps: CookedStep[];
  bondPoints?: CookedBondPoint[];
  hooks?: CookedHook[];
}
