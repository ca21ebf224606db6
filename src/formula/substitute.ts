// The substitution syntaxes of the formula language:
//   {{name}}                          formula vars (unresolved ones are kept for a later pour)
//   {name}, {expr}                    loop variables and arithmetic over them, in loop bodies
//   {target}, {target.title}, ...     expansion templates
//   {step.id}, {step.title}           advice
import { tryEvaluateWithScope, type Scope } from "./arith.ts";

const VAR = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Replaces `{{name}}` with the value when one is known; unknown names stay as written. */
export function substituteVars(text: string, values: Readonly<Record<string, string>>): string {
  if (!text.includes("{{")) return text;
  return text.replace(VAR, (whole, name: string) => values[name] ?? whole);
}

/** The `{{name}}` references in a text, in order of first use. */
export function varsUsed(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(VAR)) names.add(match[1]!);
  return [...names];
}

// `{{...}}` is matched first so its inner braces are never taken for a loop expression.
const SINGLE = /\{\{[^{}]*\}\}|\{([^{}]+)\}/g;

/**
 * Replaces `{name}` and `{expression}` that use the loop variables in scope (`{i}`,
 * `{2^i - 1}`, `{ctz(i) + 1}`); anything else in braces is left alone.
 */
export function substituteLoopVars(text: string, scope: Scope): string {
  if (!text.includes("{")) return text;
  return text.replace(SINGLE, (whole, inner: string | undefined) => {
    if (inner === undefined) return whole;
    const value = tryEvaluateWithScope(inner, scope);
    return value === undefined ? whole : String(value);
  });
}

/** Replaces `{key}` for each given key (`target`, `target.title`, `step.id`, ...). */
export function substitutePlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  if (!text.includes("{")) return text;
  return text.replace(SINGLE, (whole, inner: string | undefined) => {
    if (inner === undefined) return whole;
    return values[inner.trim()] ?? whole;
  });
}

/** Applies a string substitution to every string inside a JSON-like value. */
export function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fn));
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = mapStrings(item, fn);
    return out;
  }
  return value;
}
