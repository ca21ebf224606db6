// From the schema-checked file to the model: shorthands expanded, positions attached, and the
// rules a schema cannot express checked (a var both required and defaulted, a step with no
// title, a loop with two kinds, duplicate ids, fields that belong to another formula type).
import { compact } from "./compact.ts";
import { type Loc, ProblemList } from "./errors.ts";
import type { PathSegment } from "./locate.ts";
import type { Advice, Compose, Formula, Leg, Synthesis, VarDef } from "./model.ts";
import { checkUniqueIds, type Ctx, nameRefs, normalizeSteps } from "./normalize-steps.ts";
import { IDENTIFIER, type RawFormula } from "./schema.ts";
import { checkVarValue } from "./vars.ts";

function normalizeVar(
  name: string,
  raw: {
    description?: string | undefined;
    default?: string | undefined;
    required?: boolean | undefined;
    enum?: string[] | undefined;
    pattern?: string | undefined;
    type?: "string" | "int" | "bool" | undefined;
    required_unless?: string[] | undefined;
  },
  path: PathSegment[],
  input: boolean,
  ctx: Ctx,
): VarDef {
  const loc = ctx.at(path);
  const what = input ? "input" : "var";
  if (!IDENTIFIER.test(name)) {
    ctx.problems.add(
      "invalid",
      loc,
      `${what} name "${name}" cannot be used as {{${name}}}`,
      "Name it with letters, digits and _, not starting with a digit.",
    );
  }
  const requiredUnless = raw.required_unless;
  const required = raw.required ?? (requiredUnless !== undefined && requiredUnless.length > 0);
  if (required && raw.default !== undefined) {
    ctx.problems.add(
      "invalid",
      ctx.at([...path, "required"]),
      `${what} "${name}" is required and also has a default`,
      `Remove default (so every caller must pass --var ${name}=...) or remove required = true.`,
    );
  }
  if (raw.pattern !== undefined) {
    try {
      new RegExp(raw.pattern);
    } catch {
      ctx.problems.add(
        "pattern",
        ctx.at([...path, "pattern"]),
        `pattern of ${what} "${name}" is not a valid regular expression: /${raw.pattern}/`,
        'Write a JavaScript regular expression, e.g. pattern = "^v?\\\\d+\\\\.\\\\d+\\\\.\\\\d+$".',
      );
    }
  }
  const def = compact<VarDef>({
    name,
    description: raw.description,
    default: raw.default,
    required,
    enum: raw.enum,
    pattern: raw.pattern,
    type: raw.type ?? "string",
    requiredUnless,
    input: input ? true : undefined,
    loc,
  });
  if (def.default !== undefined) {
    // An invalid pattern is reported above; the default is then checked without it.
    const checkable =
      def.pattern !== undefined && !isValidRegex(def.pattern) ? { ...def, pattern: undefined } : def;
    const problem = checkVarValue(compact<VarDef>(checkable), def.default, "default");
    if (problem !== undefined)
      ctx.problems.add(problem.code, ctx.at([...path, "default"]), problem.message, problem.hint);
  }
  return def;
}

function isValidRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function normalizeAdvice(raw: NonNullable<RawFormula["advice"]>, ctx: Ctx): Advice[] {
  return raw.map((advice, index) => {
    const path = ["advice", index];
    // Advice steps may leave out the title: they are titled with their id.
    const before = [
      ...normalizeSteps(advice.before, [...path, "before"], ctx, true),
      ...normalizeSteps(advice.around?.before, [...path, "around", "before"], ctx, true),
    ];
    const after = [
      ...normalizeSteps(advice.after, [...path, "after"], ctx, true),
      ...normalizeSteps(advice.around?.after, [...path, "around", "after"], ctx, true),
    ];
    if (before.length === 0 && after.length === 0) {
      ctx.problems.add(
        "invalid",
        ctx.at(path),
        `advice for "${advice.target ?? "*"}" inserts no steps`,
        "Add before = { id = ..., title = ... }, after = {...}, or [advice.around] with before/after lists.",
      );
    }
    return { target: advice.target ?? "*", before, after, loc: ctx.at(path) };
  });
}

function normalizeCompose(raw: RawFormula["compose"], ctx: Ctx): Compose {
  const at = (...path: PathSegment[]): Loc => ctx.at(["compose", ...path]);
  const compose: Compose = {
    expand: (raw?.expand ?? []).map((rule, i) => ({
      target: rule.target,
      with: { name: rule.with, loc: at("expand", i, "with") },
      vars: rule.vars ?? {},
      loc: at("expand", i, "target"),
    })),
    map: (raw?.map ?? []).map((rule, i) => ({
      select: rule.select,
      with: { name: rule.with, loc: at("map", i, "with") },
      vars: rule.vars ?? {},
      loc: at("map", i, "select"),
    })),
    aspects: nameRefs(raw?.aspects, ["compose", "aspects"], ctx),
    bondPoints: (raw?.bond_points ?? []).map((point, i) =>
      compact({
        id: point.id,
        description: point.description,
        afterStep: point.after_step,
        beforeStep: point.before_step,
        parallel: point.parallel,
        loc: at("bond_points", i),
      }),
    ),
    branch: (raw?.branch ?? []).map((rule, i) => ({ ...rule, steps: [...rule.steps], loc: at("branch", i) })),
    hooks: (raw?.hooks ?? []).map((hook, i) =>
      compact({
        trigger: hook.trigger,
        attach: hook.attach,
        at: hook.at,
        vars: hook.vars ?? {},
        loc: at("hooks", i),
      }),
    ),
    gates: (raw?.gate ?? []).map((gate, i) => ({ ...gate, loc: at("gate", i) })),
  };
  for (const point of compose.bondPoints) {
    if ((point.afterStep === undefined) === (point.beforeStep === undefined)) {
      ctx.problems.add(
        "invalid",
        point.loc,
        `bond point "${point.id}" needs exactly one of after_step and before_step`,
        'Write after_step = "<step id>" or before_step = "<step id>".',
      );
    }
  }
  return compose;
}

function normalizeConvoy(raw: RawFormula, ctx: Ctx): { legs: Leg[]; synthesis?: Synthesis } {
  const legs = (raw.legs ?? []).map((leg, i) =>
    compact<Leg>({
      id: leg.id,
      title: leg.title,
      focus: leg.focus,
      description: leg.description,
      agent: leg.agent,
      reviewOnly: leg.review_only,
      loc: ctx.at(["legs", i, "id"]),
    }),
  );
  const seen = new Set<string>();
  for (const leg of legs) {
    if (seen.has(leg.id)) {
      ctx.problems.add("duplicate-id", leg.loc, `duplicate leg id "${leg.id}"`, `Give each leg its own id.`);
    }
    seen.add(leg.id);
  }
  if (raw.synthesis === undefined) return { legs };
  const synthesis = compact<Synthesis>({
    id: raw.synthesis.id ?? "synthesis",
    title: raw.synthesis.title,
    description: raw.synthesis.description,
    dependsOn:
      raw.synthesis.depends_on === undefined
        ? undefined
        : nameRefs(raw.synthesis.depends_on, ["synthesis", "depends_on"], ctx),
    agent: raw.synthesis.agent,
    loc: ctx.at(["synthesis"]),
  });
  return { legs, synthesis };
}

/** Fields that belong to one formula type only, and what a formula of each type must have. */
function checkTypeFit(raw: RawFormula, ctx: Ctx): void {
  const type = raw.type ?? "workflow";
  const inherits = (raw.extends ?? []).length > 0;
  const wrong = (key: string, message: string, hint: string): void =>
    ctx.problems.add("wrong-type", ctx.at([key]), message, hint);
  if (raw.template !== undefined && type !== "expansion") {
    wrong(
      "template",
      `[[template]] belongs to expansion formulas, but this is a ${type}`,
      'Set type = "expansion", or write these as [[steps]].',
    );
  }
  if (raw.steps !== undefined && (type === "expansion" || type === "aspect")) {
    wrong(
      "steps",
      `an ${type} formula has no [[steps]]`,
      type === "expansion"
        ? "Write them as [[template]] steps."
        : "An aspect only inserts steps: write them as [[advice]].",
    );
  }
  for (const key of ["legs", "synthesis", "inputs"] as const) {
    if (raw[key] !== undefined && type !== "convoy") {
      wrong(
        key,
        `${key} belong to convoy formulas, but this is a ${type}`,
        'Set type = "convoy", or remove them.',
      );
    }
  }
  if (inherits) return;
  const empty = (message: string, hint: string): void =>
    ctx.problems.add("invalid", ctx.at([]), message, hint);
  if (type === "workflow" && (raw.steps ?? []).length === 0) {
    empty(`formula "${raw.formula}" has no steps`, 'Add [[steps]] with id = "..." and title = "...".');
  } else if (type === "expansion" && (raw.template ?? []).length === 0) {
    empty(
      `expansion "${raw.formula}" has no [[template]] steps`,
      'Add [[template]] with id = "{target}.<name>".',
    );
  } else if (type === "aspect" && (raw.advice ?? []).length === 0) {
    empty(
      `aspect "${raw.formula}" has no [[advice]]`,
      'Add [[advice]] with target = "<glob>" and before/after steps.',
    );
  } else if (type === "convoy" && (raw.legs ?? []).length === 0) {
    empty(`convoy "${raw.formula}" has no [[legs]]`, 'Add [[legs]] with id = "..." and focus = "...".');
  }
}

/** Builds the model from a schema-checked file; throws a FormulaError listing every problem. */
export function normalizeFormula(
  raw: RawFormula,
  at: (path: readonly PathSegment[]) => Loc,
  file: string,
): Formula {
  const ctx: Ctx = { file, formula: raw.formula, at, problems: new ProblemList() };
  checkTypeFit(raw, ctx);
  const vars: Record<string, VarDef> = {};
  for (const [name, def] of Object.entries(raw.vars ?? {}))
    vars[name] = normalizeVar(name, def, ["vars", name], false, ctx);
  for (const [name, def] of Object.entries(raw.inputs ?? {})) {
    if (vars[name] !== undefined) {
      ctx.problems.add(
        "duplicate-id",
        ctx.at(["inputs", name]),
        `input "${name}" is also declared as a var`,
        "Declare it once.",
      );
    }
    vars[name] = normalizeVar(name, def, ["inputs", name], true, ctx);
  }
  const steps = normalizeSteps(raw.steps, ["steps"], ctx);
  const template = normalizeSteps(raw.template, ["template"], ctx);
  checkUniqueIds(steps, ctx);
  checkUniqueIds(template, ctx);
  const pointcuts = (raw.pointcuts ?? []).map((pointcut, i) => {
    const loc = ctx.at(["pointcuts", i]);
    if (pointcut.glob === undefined && pointcut.type === undefined && pointcut.label === undefined) {
      ctx.problems.add(
        "invalid",
        loc,
        "a pointcut matches nothing",
        'Give glob = "<id glob>", type = "<step type>" or label = "<label>".',
      );
    }
    return compact({ glob: pointcut.glob, type: pointcut.type, label: pointcut.label, loc });
  });
  const convoy = normalizeConvoy(raw, ctx);
  const formula = compact<Formula>({
    name: raw.formula,
    file,
    description: raw.description,
    version: raw.version,
    type: raw.type,
    extends: nameRefs(raw.extends, ["extends"], ctx),
    phase: raw.phase,
    pour: raw.pour,
    vars,
    steps,
    template,
    advice: normalizeAdvice(raw.advice ?? [], ctx),
    pointcuts,
    compose: normalizeCompose(raw.compose, ctx),
    legs: convoy.legs,
    synthesis: convoy.synthesis,
    extras: compact({
      agent: raw.agent,
      reviewOnly: raw.review_only,
      prompts: raw.prompts,
      output:
        raw.output === undefined
          ? undefined
          : compact({
              directory: raw.output.directory,
              legPattern: raw.output.leg_pattern,
              synthesis: raw.output.synthesis,
            }),
      presets:
        raw.presets === undefined
          ? undefined
          : Object.fromEntries(
              Object.entries(raw.presets).map(([name, preset]) => [
                name,
                compact<{ description?: string; legs: string[] }>({
                  description: preset.description,
                  legs: preset.legs,
                }),
              ]),
            ),
      squash:
        raw.squash === undefined
          ? undefined
          : compact({
              trigger: raw.squash.trigger,
              templateType: raw.squash.template_type,
              includeMetrics: raw.squash.include_metrics,
            }),
    }),
    loc: ctx.at(["formula"]),
  });
  ctx.problems.items.sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column);
  ctx.problems.throwIfAny();
  return formula;
}
