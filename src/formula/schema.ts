// The formula file format as zod schemas: the single source of truth for what a
// `*.formula.toml` / `*.formula.json` may contain. Every object is strict, so an unknown key is
// an error (with a did-you-mean) rather than a silently ignored typo. parse.ts turns the checked
// value into the normalised model of model.ts.
import { z } from "zod";

/** Issue types a step may declare (DESIGN §3 `type/*` labels). */
export const STEP_TYPES = ["task", "bug", "feature", "chore", "epic"] as const;
/** What a gate waits for. */
export const GATE_TYPES = ["timer", "gh:run", "gh:pr", "human", "mail", "bead"] as const;
export const FORMULA_TYPES = ["workflow", "expansion", "aspect", "convoy"] as const;
export const VAR_TYPES = ["string", "int", "bool"] as const;
export const PHASES = ["liquid", "vapor"] as const;

/** `30m`, `1h30m`, `45s`, `2d`, `500ms`. */
export const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
/** Formula names: what files are called (`<name>.formula.toml`). */
export const FORMULA_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Var, input and loop-variable names, as `{{name}}` can refer to them. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean";
const isTable = (value: unknown): boolean =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A TOML scalar, kept as the string that substitution will insert. */
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((value) => String(value));
const scalarRecord = z.record(z.string(), scalar);
/** A list of names that may also be written as one name. */
const nameList = z.preprocess((value) => (typeof value === "string" ? [value] : value), z.array(z.string()));

export const GateSchema = z.strictObject({
  type: z.enum(GATE_TYPES),
  /** What to await: a workflow file for gh:run, a PR number for gh:pr, a bead for bead. */
  id: z.string().optional(),
  /** Beads' spelling of `id`. */
  await_id: z.string().optional(),
  timeout: z.string().regex(DURATION).optional(),
  description: z.string().optional(),
});

export const OnCompleteSchema = z.strictObject({
  for_each: z.string(),
  bond: z.string(),
  vars: scalarRecord.optional(),
  parallel: z.boolean().optional(),
  sequential: z.boolean().optional(),
});

export const StepSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string().optional(),
  description: z.string().optional(),
  notes: z.string().optional(),
  type: z.enum(STEP_TYPES).optional(),
  priority: z.number().int().min(0).max(4).optional(),
  labels: z.array(z.string()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  needs: nameList.optional(),
  depends_on: nameList.optional(),
  waits_for: z.string().optional(),
  assignee: z.string().optional(),
  acceptance: z.string().optional(),
  condition: z.string().optional(),
  gate: GateSchema.optional(),
  expand: z.string().optional(),
  expand_vars: scalarRecord.optional(),
  on_complete: OnCompleteSchema.optional(),
  parallel: z.boolean().optional(),
  interactive: z.boolean().optional(),
  get children(): z.ZodOptional<z.ZodArray<typeof StepSchema>> {
    return z.array(StepSchema).optional();
  },
  get loop(): z.ZodOptional<typeof LoopSchema> {
    return LoopSchema.optional();
  },
});

export const LoopSchema = z.strictObject({
  count: z.union([z.number(), z.string()]).optional(),
  range: z.string().optional(),
  var: z.string().regex(IDENTIFIER).optional(),
  until: z.string().optional(),
  max: z.number().int().min(1).optional(),
  get body(): z.ZodArray<typeof StepSchema> {
    return z.array(StepSchema).min(1);
  },
});

const VarTableSchema = z.strictObject({
  description: z.string().optional(),
  default: scalar.optional(),
  required: z.boolean().optional(),
  enum: z.array(scalar).min(1).optional(),
  pattern: z.string().optional(),
  type: z.enum(VAR_TYPES).optional(),
});
/** `name = "default"` is shorthand for `[vars.name] default = "default"`. */
export const VarSchema = z.preprocess(
  (value) => (isScalar(value) ? { default: value } : value),
  VarTableSchema,
);

export const InputSchema = z.strictObject({
  description: z.string().optional(),
  type: z.enum(VAR_TYPES).optional(),
  required: z.boolean().optional(),
  required_unless: nameList.optional(),
  default: scalar.optional(),
  enum: z.array(scalar).min(1).optional(),
  pattern: z.string().optional(),
});

/** Advice may give one step as a table or several as an array of tables. */
const adviceSteps = z.preprocess((value) => (isTable(value) ? [value] : value), z.array(StepSchema));

export const AroundSchema = z.strictObject({
  before: adviceSteps.optional(),
  after: adviceSteps.optional(),
});

export const AdviceSchema = z.strictObject({
  target: z.string().min(1).optional(),
  before: adviceSteps.optional(),
  after: adviceSteps.optional(),
  around: AroundSchema.optional(),
});

export const PointcutSchema = z.strictObject({
  glob: z.string().min(1).optional(),
  type: z.string().min(1).optional(),
  label: z.string().min(1).optional(),
});

export const ExpandRuleSchema = z.strictObject({
  target: z.string().min(1),
  with: z.string().min(1),
  vars: scalarRecord.optional(),
});

export const MapRuleSchema = z.strictObject({
  select: z.string().min(1),
  with: z.string().min(1),
  vars: scalarRecord.optional(),
});

export const BondPointSchema = z.strictObject({
  id: z.string().min(1),
  description: z.string().optional(),
  after_step: z.string().optional(),
  before_step: z.string().optional(),
  parallel: z.boolean().optional(),
});

export const BranchSchema = z.strictObject({
  from: z.string().min(1),
  steps: z.array(z.string()).min(1),
  join: z.string().min(1),
});

export const HookSchema = z.strictObject({
  trigger: z.string().min(1),
  attach: z.string().min(1),
  at: z.string().optional(),
  vars: scalarRecord.optional(),
});

export const ComposeGateSchema = z.strictObject({
  before: z.string().min(1),
  condition: z.string().min(1),
});

export const ComposeSchema = z.strictObject({
  expand: z.array(ExpandRuleSchema).optional(),
  map: z.array(MapRuleSchema).optional(),
  aspects: nameList.optional(),
  bond_points: z.array(BondPointSchema).optional(),
  branch: z.array(BranchSchema).optional(),
  hooks: z.array(HookSchema).optional(),
  gate: z.array(ComposeGateSchema).optional(),
});

export const LegSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string().optional(),
  focus: z.string().optional(),
  description: z.string().optional(),
  agent: z.string().optional(),
  review_only: z.boolean().optional(),
});

export const SynthesisSchema = z.strictObject({
  id: z.string().min(1).optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  depends_on: nameList.optional(),
  agent: z.string().optional(),
});

export const OutputSchema = z.strictObject({
  directory: z.string().optional(),
  leg_pattern: z.string().optional(),
  synthesis: z.string().optional(),
});

export const PresetSchema = z.strictObject({
  description: z.string().optional(),
  legs: z.array(z.string()).min(1),
});

export const SquashSchema = z.strictObject({
  trigger: z.string().optional(),
  template_type: z.string().optional(),
  include_metrics: z.boolean().optional(),
});

export const FormulaSchema = z.strictObject({
  formula: z.string().regex(FORMULA_NAME),
  description: z.string().optional(),
  version: z.number().int().min(1).optional(),
  type: z.enum(FORMULA_TYPES).optional(),
  extends: nameList.optional(),
  phase: z.enum(PHASES).optional(),
  pour: z.boolean().optional(),
  agent: z.string().optional(),
  review_only: z.boolean().optional(),
  vars: z.record(z.string(), VarSchema).optional(),
  steps: z.array(StepSchema).optional(),
  template: z.array(StepSchema).optional(),
  advice: z.array(AdviceSchema).optional(),
  pointcuts: z.array(PointcutSchema).optional(),
  compose: ComposeSchema.optional(),
  inputs: z.record(z.string(), InputSchema).optional(),
  legs: z.array(LegSchema).optional(),
  synthesis: SynthesisSchema.optional(),
  prompts: z.record(z.string(), z.string()).optional(),
  output: OutputSchema.optional(),
  presets: z.record(z.string(), PresetSchema).optional(),
  squash: SquashSchema.optional(),
});

export type RawFormula = z.infer<typeof FormulaSchema>;
export type RawStep = z.infer<typeof StepSchema>;
export type RawLoop = z.infer<typeof LoopSchema>;
export type RawAdvice = z.infer<typeof AdviceSchema>;

/** The keys each kind of table accepts, for "unknown key" hints. */
export const TABLE_KEYS: Readonly<Record<string, readonly string[]>> = {
  formula: Object.keys(FormulaSchema.shape),
  step: Object.keys(StepSchema.shape),
  gate: Object.keys(GateSchema.shape),
  loop: Object.keys(LoopSchema.shape),
  var: Object.keys(VarTableSchema.shape),
  input: Object.keys(InputSchema.shape),
  advice: Object.keys(AdviceSchema.shape),
  around: Object.keys(AroundSchema.shape),
  pointcut: Object.keys(PointcutSchema.shape),
  compose: Object.keys(ComposeSchema.shape),
  "compose.expand": Object.keys(ExpandRuleSchema.shape),
  "compose.map": Object.keys(MapRuleSchema.shape),
  "compose.bond_points": Object.keys(BondPointSchema.shape),
  "compose.branch": Object.keys(BranchSchema.shape),
  "compose.hooks": Object.keys(HookSchema.shape),
  "compose.gate": Object.keys(ComposeGateSchema.shape),
  leg: Object.keys(LegSchema.shape),
  synthesis: Object.keys(SynthesisSchema.shape),
  output: Object.keys(OutputSchema.shape),
  preset: Object.keys(PresetSchema.shape),
  squash: Object.keys(SquashSchema.shape),
  on_complete: Object.keys(OnCompleteSchema.shape),
};
