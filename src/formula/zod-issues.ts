// Turns zod's schema issues into formula problems that read like a reviewer's note: which table,
// which key, what was found, and what to write instead.
import type { z } from "zod";
import { closest, didYouMean, type FormulaProblem, listNames, type Loc } from "./errors.ts";
import type { PathSegment } from "./locate.ts";
import { TABLE_KEYS } from "./schema.ts";

/** What kind of table a path points into, walking the format's nesting. */
export function tableKind(path: readonly PathSegment[]): string {
  let kind = "formula";
  for (const segment of path) {
    kind = step(kind, segment);
  }
  return kind;
}

const FORMULA_CHILDREN: Readonly<Record<string, string>> = {
  steps: "steps[]",
  template: "steps[]",
  vars: "vars{}",
  inputs: "inputs{}",
  advice: "advice[]",
  pointcuts: "pointcuts[]",
  compose: "compose",
  legs: "legs[]",
  synthesis: "synthesis",
  output: "output",
  presets: "presets{}",
  squash: "squash",
};

function step(kind: string, segment: PathSegment): string {
  const key = String(segment);
  switch (kind) {
    case "formula":
      return FORMULA_CHILDREN[key] ?? "value";
    case "steps[]":
      return "step";
    case "step":
      if (key === "children") return "steps[]";
      return key === "loop" || key === "gate" || key === "on_complete" ? key : "value";
    case "loop":
      return key === "body" ? "steps[]" : "value";
    case "vars{}":
      return "var";
    case "inputs{}":
      return "input";
    case "advice[]":
      return "advice";
    case "advice":
      if (key === "before" || key === "after") return "steps[]";
      return key === "around" ? "around" : "value";
    case "around":
      return "steps[]";
    case "pointcuts[]":
      return "pointcut";
    case "compose":
      return key in { expand: 1, map: 1, bond_points: 1, branch: 1, hooks: 1, gate: 1 }
        ? `compose.${key}[]`
        : "value";
    case "legs[]":
      return "leg";
    case "presets{}":
      return "preset";
    default:
      if (kind.startsWith("compose.") && kind.endsWith("[]")) return kind.slice(0, -2);
      return "value";
  }
}

/** The value at a path of the raw document, or undefined. */
export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** `steps[2].gate.type` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path)
    out += typeof segment === "number" ? `[${segment}]` : out === "" ? segment : `.${segment}`;
  return out;
}

/** Names the table at `path` for a message: `step "design"`, `var "feature"`, `the top level`. */
export function describeTable(path: readonly PathSegment[], raw: unknown): string {
  const kind = tableKind(path);
  const last = path[path.length - 1];
  const idOf = (at: readonly PathSegment[]): string | undefined => {
    const id = valueAt(raw, [...at, "id"]);
    return typeof id === "string" ? id : undefined;
  };
  const ownerStep = (): string => {
    const owner = path.slice(0, -1);
    const id = idOf(owner);
    return id === undefined ? formatPath(owner) : `step "${id}"`;
  };
  switch (kind) {
    case "formula":
      return "the top level";
    case "step": {
      const id = idOf(path);
      return id === undefined ? formatPath(path) : `step "${id}"`;
    }
    case "gate":
      return `the gate of ${ownerStep()}`;
    case "loop":
      return `the loop of ${ownerStep()}`;
    case "on_complete":
      return `on_complete of ${ownerStep()}`;
    case "var":
      return `var "${String(last)}"`;
    case "input":
      return `input "${String(last)}"`;
    case "preset":
      return `preset "${String(last)}"`;
    case "leg": {
      const id = idOf(path);
      return id === undefined ? formatPath(path) : `leg "${id}"`;
    }
    case "advice": {
      const target = valueAt(raw, [...path, "target"]);
      return typeof target === "string" ? `the advice for "${target}"` : formatPath(path);
    }
    case "compose":
    case "synthesis":
    case "output":
    case "squash":
      return `[${kind}]`;
    default:
      return formatPath(path);
  }
}

/** Where a key or element sits: `priority of step "design"`. */
function describeField(path: readonly PathSegment[], raw: unknown): string {
  if (path.length === 0) return "the formula";
  const last = path[path.length - 1]!;
  const owner = path.slice(0, -1);
  if (typeof last === "number")
    return `${formatPath(path.slice(-2))} of ${describeTable(path.slice(0, -2), raw)}`;
  const kind = tableKind(owner);
  if (kind === "formula") return `"${last}"`;
  if (kind === "vars{}" || kind === "inputs{}" || kind === "presets{}") return describeTable(path, raw);
  return `${last} of ${describeTable(owner, raw)}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return value instanceof Date ? "a date" : "a table";
  return String(value);
}

const EXPECTED: Readonly<Record<string, { noun: string; example: string }>> = {
  string: { noun: "a string", example: '"..."' },
  number: { noun: "a number", example: "1" },
  int: { noun: "a whole number", example: "1" },
  boolean: { noun: "true or false", example: "true" },
  array: { noun: "a list", example: '["..."]' },
  object: { noun: "a table", example: "{ ... }" },
  record: { noun: "a table", example: "{ ... }" },
};

const FORMAT_HINTS: Readonly<Record<string, string>> = {
  formula: 'Name the formula with letters, digits, ".", "_" and "-", starting with a letter or digit.',
  timeout: 'Write a duration such as "30m", "1h30m", "45s" or "2d".',
  var: "Name the loop variable like an identifier: letters, digits and _, not starting with a digit.",
};

function enumHint(key: string, got: unknown, values: readonly string[]): string {
  const guess = typeof got === "string" ? closest(got, values) : undefined;
  if (guess !== undefined) return `Did you mean "${guess}"? Write ${key} = "${guess}".`;
  return `Write ${key} = "${values[0]}" or another of: ${values.join(", ")}.`;
}

/** Converts zod issues to located problems. `locate` maps a path to its place in the file. */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  locate: (path: readonly PathSegment[]) => Loc,
): FormulaProblem[] {
  const problems: FormulaProblem[] = [];
  for (const issue of issues) {
    const path = issue.path as PathSegment[];
    const field = describeField(path, raw);
    const key = String(path[path.length - 1] ?? "");
    const got = valueAt(raw, path);
    const add = (code: FormulaProblem["code"], message: string, hint: string, at = path): void => {
      problems.push({ code, loc: locate(at), message, hint });
    };
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = TABLE_KEYS[tableKind(path)] ?? [];
        for (const unknown of issue.keys) {
          const guess = didYouMean(unknown, allowed);
          add(
            "unknown-key",
            `unknown key "${unknown}" in ${describeTable(path, raw)}`,
            guess !== ""
              ? `${guess}Keys allowed here: ${listNames(allowed, 30)}.`
              : `Remove it; keys allowed here: ${listNames(allowed, 30)}.`,
            [...path, unknown],
          );
        }
        break;
      }
      case "invalid_type": {
        const expected = EXPECTED[issue.expected] ?? { noun: issue.expected, example: "..." };
        if (got === undefined) {
          const owner = path.slice(0, -1);
          // A missing list of steps is written as an array of tables, not `key = [...]`.
          const header = path.filter((segment) => typeof segment === "string").join(".");
          add(
            "invalid",
            `${describeTable(owner, raw)} has no "${key}"`,
            tableKind(path) === "steps[]"
              ? `Add its steps as [[${header}]] tables, each with id = "..." and title = "...".`
              : `Add ${key} = ${expected.example}.`,
            owner,
          );
        } else {
          add(
            "type",
            `${field} must be ${expected.noun} (got ${describeValue(got)})`,
            typeof path[path.length - 1] === "number"
              ? `Write ${String(path[path.length - 2])} = [${expected.example}].`
              : `Write ${key} = ${expected.example}.`,
          );
        }
        break;
      }
      case "invalid_value": {
        const values = issue.values.map(String);
        add(
          "enum",
          `${field} must be one of ${values.join(", ")} (got ${describeValue(got)})`,
          enumHint(key, got, values),
        );
        break;
      }
      case "too_small":
      case "too_big": {
        const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
        if (issue.origin === "array" || issue.origin === "string") {
          const what = issue.origin === "array" ? "entries" : "characters";
          const message =
            issue.code === "too_small" && bound === 1
              ? `${field} must not be empty`
              : `${field} must have ${issue.code === "too_small" ? "at least" : "at most"} ${bound} ${what}`;
          add("invalid", message, issue.origin === "array" ? "Add at least one entry." : "Write a value.");
        } else {
          const limit = issue.code === "too_small" ? "at least" : "at most";
          add(
            "invalid",
            `${field} must be ${limit} ${bound} (got ${describeValue(got)})`,
            `Write ${key} = ${bound}.`,
          );
        }
        break;
      }
      case "invalid_format":
        add(
          "pattern",
          `${field} is not valid (got ${describeValue(got)})`,
          FORMAT_HINTS[key] ??
            `Write a value that matches ${issue.format === "regex" ? (issue.pattern ?? "") : issue.format}.`,
        );
        break;
      case "invalid_union":
        add(
          "type",
          `${field} has the wrong type (got ${describeValue(got)})`,
          key === "count"
            ? 'Write count = 3, or an expression such as count = "{{n}}".'
            : "Write a string, a number or true/false.",
        );
        break;
      default:
        add("invalid", `${field}: ${issue.message}`, "Check the formula reference for this key.");
    }
  }
  return problems;
}
