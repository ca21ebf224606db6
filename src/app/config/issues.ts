// zod's issues as problems a maintainer can act on: the key in dotted form, what was found, and
// what to write instead (the default, the enum value meant, the key meant), placed at the line
// and column of the file that set it.
import type { z } from "zod";
import { closestMatch } from "../commands/suggest.ts";
import type { ConfigProblem } from "./errors.ts";
import { DEFAULT_CONFIG } from "./schema.ts";
import type { ConfigPath, YamlFile } from "./yaml.ts";

/** The value at a path of a parsed file, or undefined. */
export function valueAt(root: unknown, path: ConfigPath): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** `polecat.names[2]` */
export function formatKey(path: ConfigPath): string {
  let out = "";
  for (const segment of path)
    out += typeof segment === "number" ? `[${segment}]` : out === "" ? segment : `.${segment}`;
  return out;
}

/** A value as a message names it: `"text"`, `3`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

/** A value as it would be written in YAML, for "write this instead" hints. */
function yamlValue(value: unknown): string {
  if (typeof value === "string") {
    const plain =
      /^[A-Za-z_][A-Za-z0-9._/-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value);
    return plain ? value : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    const shown = value.slice(0, 3).map(yamlValue);
    return `[${shown.join(", ")}${value.length > 3 ? ", ..." : ""}]`;
  }
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") return "{ ... }";
  return String(value);
}

/** "Write `key: default`", from the default config. */
function writeDefault(path: ConfigPath): string {
  const leaf = path[path.length - 1];
  const fallback = valueAt(DEFAULT_CONFIG, path);
  if (typeof leaf === "number") {
    const sibling = valueAt(DEFAULT_CONFIG, [...path.slice(0, -1), 0]);
    return sibling === undefined ? "See docs/config.md." : `Write an entry like ${yamlValue(sibling)}.`;
  }
  if (fallback === undefined || leaf === undefined) return "See docs/config.md.";
  return `Write \`${leaf}: ${yamlValue(fallback)}\` (the default), or another valid value.`;
}

const NOUNS: Readonly<Record<string, string>> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
};

/** Hints for rules a message alone cannot explain. Keys are paths with list indexes as `[]`. */
const RULE_HINTS: Readonly<Record<string, string>> = {
  "polecat.names[]": "Give every polecat its own name; names compare without case.",
  "polecat.workflow": "Name the workflow file only, as it is in .github/workflows/: `workflow: polecat.yml`.",
  "polecat.formula":
    "Name a built-in formula or one in .github/gastown/formulas/: `formula: mol-polecat-work`.",
  "witness.escalate_after_minutes": "Raise escalate_after_minutes or lower stale_after_minutes.",
  "polecat.ref": "Write a branch or tag name such as `main`, or null to use the default branch.",
  "refinery.base_branch": "Write a branch name such as `main`, or null to use the default branch.",
  "refinery.staging_branch": "Write a branch name such as `gastown/staging`; the refinery owns that branch.",
  "allowed_bots[]": 'Write the bot\'s login, such as `renovate[bot]`, or "*" for every bot.',
  "overseers[]": "Write a login such as `alice`, or a team as `acme/maintainers`.",
};

function ruleHint(path: ConfigPath): string | undefined {
  const key = formatKey(path.map((segment) => (typeof segment === "number" ? -1 : segment))).replace(
    /\[-1\]/g,
    "[]",
  );
  if (key.startsWith("labels."))
    return "Give every status, priority and type label its own name, 1 to 50 characters (GitHub's limit).";
  return RULE_HINTS[key];
}

/** Hints for the usual slips: a quoted number, YAML 1.1 booleans, one value for a list. */
function typeHint(expected: string, got: unknown, leaf: string): string | null {
  if (typeof got !== "string") return null;
  if (expected === "array") return `Write a list, even of one: \`${leaf}: [${yamlValue(got)}]\`.`;
  if (expected === "number" && /^-?\d+(\.\d+)?$/.test(got.trim()))
    return `Remove the quotes: \`${leaf}: ${got.trim()}\`.`;
  if (expected === "boolean" && /^(yes|no|on|off|y|n)$/i.test(got.trim())) {
    return `Write \`${leaf}: true\` or \`${leaf}: false\`; YAML reads ${got.trim()} as text.`;
  }
  return null;
}

/** The file (with positions) a problem at `path` belongs to. */
export type Locator = (path: ConfigPath) => YamlFile;

/** The problems one zod issue stands for (an unknown-keys issue may name several keys). */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown, fileFor: Locator): ConfigProblem[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
  const key = formatKey(path);
  const got = valueAt(raw, path);
  const problem = (
    message: string,
    hint: string,
    at: ConfigPath = path,
    where: "key" | "value" = "value",
  ): ConfigProblem => {
    const yaml = fileFor(at);
    return { file: yaml.file, ...yaml.locate(at, where), key: formatKey(at), message, hint };
  };
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = Object.keys((valueAt(DEFAULT_CONFIG, path) as Record<string, unknown>) ?? {});
      if (path.length === 0) allowed.push("_extends");
      return issue.keys.map((unknown) => {
        const guess = closestMatch(unknown, allowed);
        const where = key === "" ? "at the top level" : `in ${key}`;
        return problem(
          `${formatKey([...path, unknown])} is not a setting`,
          guess
            ? `Did you mean ${guess}? Settings ${where}: ${allowed.join(", ")}.`
            : `Settings ${where}: ${allowed.join(", ")}.`,
          [...path, unknown],
          "key",
        );
      });
    }
    case "invalid_type": {
      if (got === null || got === undefined) {
        return [
          problem(
            `${key} is empty`,
            `Give it a value or remove the line to use the default. ${writeDefault(path)}`,
          ),
        ];
      }
      const fallback = valueAt(DEFAULT_CONFIG, path);
      const whole = issue.expected === "number" && Number.isInteger(fallback);
      const noun = whole ? NOUNS.int : (NOUNS[issue.expected] ?? issue.expected);
      const leaf = String(path[path.length - 1]);
      const hint = typeHint(issue.expected, got, leaf) ?? ruleHint(path) ?? writeDefault(path);
      return [problem(`${key} must be ${noun}, not ${describeValue(got)}`, hint)];
    }
    case "invalid_value": {
      const values = issue.values.map(String);
      const guess = typeof got === "string" ? closestMatch(got, values) : null;
      const leaf = String(path[path.length - 1]);
      return [
        problem(
          `${key} must be one of ${values.join(", ")} (got ${describeValue(got)})`,
          guess
            ? `Did you mean ${guess}? Write \`${leaf}: ${guess}\`.`
            : `Write \`${leaf}: ${values[0]}\` or another of: ${values.join(", ")}.`,
        ),
      ];
    }
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const limit = Number(
        small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum,
      );
      const origin = issue.origin;
      const message =
        origin === "string"
          ? small && limit === 1
            ? `${key} must not be empty`
            : `${key} must be ${small ? "at least" : "at most"} ${limit} characters (got ${String(got).length})`
          : origin === "array"
            ? `${key} must have ${small ? "at least" : "at most"} ${limit} ${limit === 1 ? "entry" : "entries"}`
            : `${key} must be ${small ? "at least" : "at most"} ${limit} (got ${describeValue(got)})`;
      return [problem(message, ruleHint(path) ?? writeDefault(path))];
    }
    case "invalid_format":
      return [
        problem(`${key} ${issue.message} (got ${describeValue(got)})`, ruleHint(path) ?? writeDefault(path)),
      ];
    case "custom":
      return [problem(`${key} ${issue.message}`, ruleHint(path) ?? writeDefault(path))];
    default:
      return [
        problem(`${key === "" ? "the file" : key}: ${issue.message}`, ruleHint(path) ?? writeDefault(path)),
      ];
  }
}
