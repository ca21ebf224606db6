// Normalising steps: needs merged, loops and gates checked, ids unique within their scope.
// Shared by normalize.ts for [[steps]], [[template]] and advice steps.
import { ArithError, evaluate } from "./arith.ts";
import { CONDITION_FORMS, parseCondition } from "./conditions.ts";
import { compact } from "./compact.ts";
import type { Loc, ProblemList } from "./errors.ts";
import type { PathSegment } from "./locate.ts";
import type { FormulaStep, NameRef, StepLoop } from "./model.ts";
import type { RawLoop, RawStep } from "./schema.ts";

/** What normalisation needs: where paths are, the formula's name, and the problems so far. */
export interface Ctx {
  file: string;
  /** The formula's name, recorded on each step as its source. */
  formula: string;
  at(path: readonly PathSegment[]): Loc;
  problems: ProblemList;
}

const WAITS_FOR = /^(?:all-children|any-children|children-of\([^()\s]+\))$/;

/** Names written as a list, each with its place. */
export function nameRefs(names: readonly string[] | undefined, path: PathSegment[], ctx: Ctx): NameRef[] {
  return (names ?? []).map((name, index) => ({ name, loc: ctx.at([...path, index]) }));
}

function checkRange(range: string, loc: Loc, ctx: Ctx): void {
  const parts = range.split("..");
  const hint = 'Write range = "<start>..<end>", e.g. "1..10" or "1..2^{disks}-1".';
  if (parts.length !== 2) {
    ctx.problems.add("loop", loc, `range "${range}" must have the form start..end`, hint);
    return;
  }
  for (const part of parts) {
    // Vars are unknown at parse time; check the shape with each {name} standing in as 1.
    const probe = part.replace(/\{\{?\s*[A-Za-z_][A-Za-z0-9_]*\s*\}?\}/g, "1");
    try {
      evaluate(probe);
    } catch (error: unknown) {
      const reason = error instanceof ArithError ? error.message : String(error);
      ctx.problems.add(
        "loop",
        loc,
        `range "${range}" has a bad expression "${part.trim()}": ${reason}`,
        hint,
      );
    }
  }
}

function normalizeLoop(raw: RawLoop, path: PathSegment[], stepId: string, ctx: Ctx): StepLoop {
  const loc = ctx.at(path);
  const kinds = (["count", "range", "until"] as const).filter((kind) => raw[kind] !== undefined);
  const hint =
    'Give exactly one of count = 3, range = "1..5" (with var = "i"), or until = "..." with max = 10.';
  if (kinds.length !== 1) {
    ctx.problems.add(
      "loop",
      loc,
      kinds.length === 0
        ? `the loop of step "${stepId}" has no count, range or until`
        : `the loop of step "${stepId}" has both ${kinds.join(" and ")}`,
      hint,
    );
  }
  if (raw.until !== undefined && raw.max === undefined) {
    ctx.problems.add(
      "loop",
      loc,
      `the until loop of step "${stepId}" has no max`,
      "Add max = <number> so the loop cannot run forever.",
    );
  }
  if (typeof raw.count === "number" && (!Number.isInteger(raw.count) || raw.count < 1)) {
    ctx.problems.add(
      "loop",
      ctx.at([...path, "count"]),
      `count of the loop of step "${stepId}" must be a whole number of at least 1 (got ${raw.count})`,
      "Write count = 1 or more.",
    );
  }
  if (raw.range !== undefined) checkRange(raw.range, ctx.at([...path, "range"]), ctx);
  const body = normalizeSteps(raw.body, [...path, "body"], ctx);
  checkUniqueIds(body, ctx);
  return compact<StepLoop>({
    kind: kinds[0] ?? "count",
    count: raw.count === undefined ? undefined : String(raw.count),
    range: raw.range,
    var: raw.var,
    until: raw.until,
    max: raw.max,
    body,
    loc,
  });
}

/** Normalises one step (and its children and loop body). */
function normalizeStep(raw: RawStep, path: PathSegment[], ctx: Ctx, titleOptional = false): FormulaStep {
  const loc = ctx.at([...path, "id"]);
  const needs: NameRef[] = [];
  for (const ref of [
    ...nameRefs(raw.needs, [...path, "needs"], ctx),
    ...nameRefs(raw.depends_on, [...path, "depends_on"], ctx),
  ]) {
    if (!needs.some((need) => need.name === ref.name)) needs.push(ref);
  }
  const children = normalizeSteps(raw.children, [...path, "children"], ctx, titleOptional);
  const loop = raw.loop === undefined ? undefined : normalizeLoop(raw.loop, [...path, "loop"], raw.id, ctx);
  const problem = (key: string, message: string, hint: string): void =>
    ctx.problems.add("invalid", ctx.at([...path, key]), message, hint);

  if (raw.title === undefined && raw.expand === undefined && raw.loop === undefined && !titleOptional) {
    ctx.problems.add(
      "invalid",
      loc,
      `step "${raw.id}" has no title`,
      'Add title = "..." (only a step replaced by expand or loop may leave it out).',
    );
  }
  if (loop !== undefined && (children.length > 0 || raw.expand !== undefined || raw.gate !== undefined)) {
    problem(
      "loop",
      `step "${raw.id}" has a loop and also children, expand or gate`,
      "Move those into the loop body.",
    );
  }
  if (raw.expand !== undefined && children.length > 0) {
    problem("expand", `step "${raw.id}" has both expand and children`, "Expand replaces the step; drop one.");
  }
  if (raw.gate?.id !== undefined && raw.gate.await_id !== undefined) {
    problem(
      "gate",
      `the gate of step "${raw.id}" has both id and await_id`,
      "Keep one of them; they mean the same.",
    );
  }
  if (raw.gate?.type === "timer" && raw.gate.timeout === undefined) {
    problem(
      "gate",
      `the timer gate of step "${raw.id}" has no timeout`,
      'Add timeout = "30m" (how long to wait).',
    );
  }
  if (raw.waits_for !== undefined && !WAITS_FOR.test(raw.waits_for)) {
    problem(
      "waits_for",
      `waits_for of step "${raw.id}" is not understood (got ${JSON.stringify(raw.waits_for)})`,
      'Write waits_for = "all-children", "any-children" or "children-of(<step id>)".',
    );
  }
  if (raw.condition !== undefined && parseCondition(raw.condition) === undefined) {
    ctx.problems.add(
      "condition",
      ctx.at([...path, "condition"]),
      `condition of step "${raw.id}" is not understood (got ${JSON.stringify(raw.condition)})`,
      `Write one of ${CONDITION_FORMS}.`,
    );
  }
  if (raw.on_complete?.parallel === true && raw.on_complete.sequential === true) {
    problem(
      "on_complete",
      `on_complete of step "${raw.id}" is both parallel and sequential`,
      "Keep one of them.",
    );
  }
  const gate = raw.gate;
  return compact<FormulaStep>({
    id: raw.id,
    title: raw.title,
    description: raw.description,
    notes: raw.notes,
    type: raw.type,
    priority: raw.priority,
    labels: raw.labels ?? [],
    metadata: raw.metadata ?? {},
    needs,
    waitsFor: raw.waits_for,
    assignee: raw.assignee,
    acceptance: raw.acceptance,
    condition: raw.condition,
    gate:
      gate === undefined
        ? undefined
        : compact({
            type: gate.type,
            id: gate.id ?? gate.await_id,
            timeout: gate.timeout,
            description: gate.description,
          }),
    loop,
    expand: raw.expand === undefined ? undefined : { name: raw.expand, loc: ctx.at([...path, "expand"]) },
    expandVars: raw.expand_vars ?? {},
    onComplete:
      raw.on_complete === undefined
        ? undefined
        : {
            forEach: raw.on_complete.for_each,
            bond: raw.on_complete.bond,
            vars: raw.on_complete.vars ?? {},
            mode: raw.on_complete.sequential === true ? "sequential" : "parallel",
          },
    parallel: raw.parallel,
    interactive: raw.interactive,
    children,
    source: ctx.formula,
    loc,
  });
}

export function normalizeSteps(
  raws: readonly RawStep[] | undefined,
  path: PathSegment[],
  ctx: Ctx,
  titleOptional = false,
): FormulaStep[] {
  return (raws ?? []).map((raw, index) => normalizeStep(raw, [...path, index], ctx, titleOptional));
}

/** Reports ids used twice among steps and their children (loop bodies are their own scope). */
export function checkUniqueIds(steps: readonly FormulaStep[], ctx: Ctx): void {
  const seen = new Map<string, Loc>();
  const visit = (list: readonly FormulaStep[]): void => {
    for (const step of list) {
      const first = seen.get(step.id);
      if (first === undefined) seen.set(step.id, step.loc);
      else {
        ctx.problems.add(
          "duplicate-id",
          step.loc,
          `duplicate step id "${step.id}" (first at ${first.file}:${first.line}:${first.column})`,
          `Give each step its own id, e.g. "${step.id}-2".`,
        );
      }
      visit(step.children);
    }
  };
  visit(steps);
}
