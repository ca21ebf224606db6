// Cook-time step conditions: whether a step is part of the molecule at all, decided from the
// vars. Four forms, as in Beads:
//   condition = "{{var}}"          truthy: not empty, not "false", not "0"
//   condition = "!{{var}}"
//   condition = "{{var}} == value"
//   condition = "{{var}} != value"   (the value may be quoted)
// Runtime conditions (loop `until`, compose gates) are evaluated by the runtime, not here.
import { addNeed, type WorkStep } from "./steps.ts";

/** A parsed step condition. */
export interface StepCondition {
  var: string;
  op: "truthy" | "falsy" | "==" | "!=";
  value?: string;
}

const FORM = /^\s*(!?)\s*\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}\s*(?:(==|!=)\s*(.*?))?\s*$/;

/** The forms a condition may take, for hints. */
export const CONDITION_FORMS = '"{{var}}", "!{{var}}", "{{var}} == value" or "{{var}} != value"';

/** Parses a condition; undefined when it is not one of the four forms. */
export function parseCondition(text: string): StepCondition | undefined {
  const match = FORM.exec(text);
  if (match === null) return undefined;
  const [, negate, name, op, rawValue] = match;
  if (op !== undefined) {
    if (negate === "!" || rawValue === undefined || rawValue === "") return undefined;
    return { var: name!, op: op as "==" | "!=", value: unquote(rawValue) };
  }
  return { var: name!, op: negate === "!" ? "falsy" : "truthy" };
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first))
    return value.slice(1, -1);
  return value;
}

/** Beads' truthiness: empty, "false" and "0" are false. */
export function isTruthy(value: string): boolean {
  return value !== "" && value !== "false" && value !== "0";
}

/** Decides a condition given the var's value. */
export function evaluateCondition(condition: StepCondition, value: string): boolean {
  switch (condition.op) {
    case "truthy":
      return isTruthy(value);
    case "falsy":
      return !isTruthy(value);
    case "==":
      return value === condition.value;
    case "!=":
      return value !== condition.value;
  }
}

/**
 * Cook phase 7: drops the steps whose condition is false for the given values, with their
 * children; whatever needed a dropped step inherits its needs, so the graph stays connected.
 * Steps whose condition holds lose the condition.
 */
export function filterByConditions(
  steps: readonly WorkStep[],
  values: Readonly<Record<string, string>>,
): WorkStep[] {
  const dropped = new Map<string, WorkStep>();
  for (const step of steps) {
    const parentDropped = step.parent !== undefined && dropped.has(step.parent);
    const condition = step.condition === undefined ? undefined : parseCondition(step.condition);
    if (
      parentDropped ||
      (condition !== undefined && !evaluateCondition(condition, values[condition.var] ?? ""))
    ) {
      dropped.set(step.id, step);
    } else if (condition !== undefined) {
      delete step.condition;
    }
  }
  if (dropped.size === 0) return [...steps];
  // What a dropped step stood for: its own needs, themselves resolved past dropped steps.
  const memo = new Map<string, string[]>();
  const standIns = (id: string, seen: Set<string>): string[] => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const step = dropped.get(id);
    if (step === undefined || seen.has(id)) return step === undefined ? [id] : [];
    seen.add(id);
    const out = [...new Set(step.needs.flatMap((need) => standIns(need.id, seen)))];
    memo.set(id, out);
    return out;
  };
  const kept = steps.filter((step) => !dropped.has(step.id));
  for (const step of kept) {
    if (!step.needs.some((need) => dropped.has(need.id))) continue;
    const needs = step.needs;
    step.needs = [];
    for (const need of needs) {
      for (const id of standIns(need.id, new Set())) if (id !== step.id) addNeed(step, id, need.loc);
    }
  }
  return kept;
}
