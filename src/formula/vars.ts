// Var values: checking a value (a default in the file, or one given with --var) against its
// declaration, and working out the values a runtime cook substitutes.
import { didYouMean, type FormulaErrorCode, listNames, ProblemList } from "./errors.ts";
import type { VarDef } from "./model.ts";

/** Where a value came from, so the hint can say how to fix it there. */
export type ValueSource = "default" | "given";

export interface ValueProblem {
  code: FormulaErrorCode;
  message: string;
  hint: string;
}

function fixIt(def: VarDef, source: ValueSource, example: string): string {
  return source === "given"
    ? `Pass --var ${def.name}=${example}`
    : `Write default = ${JSON.stringify(example)}`;
}

/** What is wrong with a value for a var, or undefined when it fits the declaration. */
export function checkVarValue(def: VarDef, value: string, source: ValueSource): ValueProblem | undefined {
  const what = def.input === true ? "input" : "var";
  if (def.type === "int" && !/^-?\d+$/.test(value)) {
    return {
      code: "type",
      message: `${what} "${def.name}" must be a whole number (got ${JSON.stringify(value)})`,
      hint: `${fixIt(def, source, "3")} (a whole number).`,
    };
  }
  if (def.type === "bool" && value !== "true" && value !== "false") {
    return {
      code: "type",
      message: `${what} "${def.name}" must be true or false (got ${JSON.stringify(value)})`,
      hint: `${fixIt(def, source, "true")} or false.`,
    };
  }
  if (def.enum !== undefined && !def.enum.includes(value)) {
    const guess = didYouMean(value, def.enum);
    const suggestion = guess === "" ? def.enum[0]! : guess.slice('Did you mean "'.length, -'"? '.length);
    return {
      code: "enum",
      message: `${what} "${def.name}" must be one of ${def.enum.join(", ")} (got ${JSON.stringify(value)})`,
      hint: `${guess}${fixIt(def, source, suggestion)}, or another of: ${def.enum.join(", ")}.`,
    };
  }
  if (def.pattern !== undefined && !new RegExp(def.pattern).test(value)) {
    return {
      code: "pattern",
      message: `${what} "${def.name}" must match /${def.pattern}/ (got ${JSON.stringify(value)})`,
      hint: `${fixIt(def, source, "<value>")} with a value that matches /${def.pattern}/.`,
    };
  }
  return undefined;
}

/**
 * The values a runtime cook substitutes: the given ones, then defaults. Reports unknown names,
 * missing required vars (honouring convoy inputs' `required_unless`) and invalid values, all at
 * once, each at the var's declaration.
 */
export function resolveVarValues(
  defs: Readonly<Record<string, VarDef>>,
  given: Readonly<Record<string, string>>,
  formulaLoc: { file: string; line: number; column: number },
): Record<string, string> {
  const problems = new ProblemList();
  const names = Object.keys(defs);
  for (const name of Object.keys(given)) {
    if (defs[name] !== undefined) continue;
    problems.add(
      "unknown-var",
      formulaLoc,
      `--var ${name} is not a var of this formula`,
      names.length === 0
        ? "This formula declares no vars; drop the --var."
        : `${didYouMean(name, names)}Vars: ${listNames(names)}.`,
    );
  }
  const values: Record<string, string> = {};
  for (const def of Object.values(defs)) {
    const value = given[def.name] ?? def.default;
    if (value === undefined) {
      const excused = (def.requiredUnless ?? []).some((other) => given[other] !== undefined);
      if (def.required && !excused) {
        const unless =
          def.requiredUnless !== undefined && def.requiredUnless.length > 0
            ? ` (or one of: ${def.requiredUnless.map((other) => `--var ${other}=...`).join(", ")})`
            : "";
        problems.add(
          "missing-var",
          def.loc,
          `${def.input === true ? "input" : "var"} "${def.name}" is required but no value was given`,
          `Pass --var ${def.name}=<value>${unless}${def.description === undefined ? "" : ` (${def.name}: ${def.description})`}.`,
        );
      }
      // An optional var with no value reads as empty, so `{{var}}` never leaks into a molecule.
      else if (!def.required || excused) values[def.name] = "";
      continue;
    }
    const problem = checkVarValue(def, value, given[def.name] === undefined ? "default" : "given");
    if (problem !== undefined) problems.add(problem.code, def.loc, problem.message, problem.hint);
    values[def.name] = value;
  }
  problems.throwIfAny();
  return values;
}
