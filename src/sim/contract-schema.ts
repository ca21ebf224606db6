// JSON Schema plumbing for the contract checks: turns GitHub's OpenAPI 3.0 schemas into plain
// JSON Schema that ajv runs, and ajv's error lists into short findings a person can act on.
// Shared by the REST contract (contract.ts) and the webhook contract (webhook-contract.ts).
import { Ajv, type ErrorObject } from "ajv";
import * as ajvFormats from "ajv-formats";

/** The id under which an OpenAPI document is registered with ajv; `$ref`s are rewritten to it. */
export const SPEC_ID = "github-openapi";

/** One way a value breaks a schema: where, what, and expected against actual. */
export interface SchemaFinding {
  /** JSON pointer into the checked value, `""` for the value itself. */
  pointer: string;
  message: string;
  expected?: string;
  actual?: string;
}

/** Keys whose values map names to schemas, so their own keys are not keywords. */
const NAME_MAPS = new Set(["properties", "patternProperties", "definitions", "$defs"]);

/**
 * Returns a copy of an OpenAPI 3.0 document (or any part of one) as JSON Schema ajv understands:
 * - `nullable: true` becomes a `"null"` type (or an `anyOf` with `{type: "null"}` beside
 *   `$ref`/`allOf`/`oneOf`, where OpenAPI allows it but JSON Schema has no type to extend);
 * - `oneOf` becomes `anyOf`: GitHub lists alternatives that overlap (a file also matches the
 *   submodule shape's required fields), and the contract asks "is this one of the documented
 *   shapes", not "exactly one";
 * - local `$ref`s (`#/components/...`) point at `refBase` (the id the whole document is added
 *   to ajv under), so any sub-schema compiles alone.
 */
export function toJsonSchema(node: unknown, refBase: string = SPEC_ID): unknown {
  return convert(node, refBase, false);
}

function convert(node: unknown, refBase: string, inNameMap: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => convert(item, refBase, false));
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (inNameMap) out[key] = convert(value, refBase, false);
    else if (key === "$ref" && typeof value === "string" && value.startsWith("#/"))
      out[key] = `${refBase}${value}`;
    else out[key] = convert(value, refBase, NAME_MAPS.has(key));
  }
  if (inNameMap) return out;
  if ("oneOf" in out) {
    if ("anyOf" in out) out.allOf = [...((out.allOf as unknown[]) ?? []), { anyOf: out.oneOf }];
    else out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  if (!("nullable" in out)) return out;
  const nullable = out.nullable === true;
  delete out.nullable;
  if (!nullable) return out;
  if (typeof out.type === "string" || Array.isArray(out.type)) {
    const types = Array.isArray(out.type) ? out.type : [out.type];
    out.type = types.includes("null") ? types : [...types, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

/**
 * An ajv set up for GitHub's schemas: every error reported, unknown keywords (`example`,
 * `x-github`, `tsAdditionalProperties`) ignored, GitHub's own formats accepted, no logging.
 */
export function createSchemaAjv(options: { coerceTypes?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    logger: false,
    // Compiling is most of the cost (every test file compiles what it touches): refs compiled
    // once each, no optimising pass and no message strings halve it; findings say it instead.
    inlineRefs: false,
    code: { optimize: false },
    messages: false,
    validateSchema: false,
    coerceTypes: options.coerceTypes ? "array" : false,
  });
  // ajv-formats is CommonJS: Node hands ESM its `module.exports` as the default, whose own
  // `default` is the plugin (the one spelling both Node and TypeScript agree on).
  ajvFormats.default.default(ajv);
  // GitHub's description names formats no JSON Schema library knows; they constrain nothing here.
  for (const format of ["repo.nwo", "timestamp"]) ajv.addFormat(format, true);
  // GitHub's own addresses for bots are `id+name[bot]@users.noreply.github.com`, which a strict
  // email check refuses though GitHub sends them wherever a commit's author is an App.
  const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  ajv.addFormat("email", (value: string) => email.test(value));
  return ajv;
}

/**
 * Summarises ajv's errors for one value: drops the noise `anyOf` leaves behind (the "must be
 * null" of a nullable field, the bare "must match a schema in anyOf" when a deeper error says
 * why), merges alternative type errors at one place, and keeps each finding once.
 */
export function summarizeErrors(errors: readonly ErrorObject[], data: unknown): SchemaFinding[] {
  // A failed `anyOf` is explained by any error at or beneath it; a nullable field's "must be
  // null" by an error beneath it or of another kind there (a type error there merges instead).
  const anyOfExplained = (at: string): boolean =>
    errors.some((e) => e.keyword !== "anyOf" && isWithin(e.instancePath, at));
  const nullExplained = (at: string): boolean =>
    errors.some(
      (e) =>
        e.keyword !== "anyOf" &&
        (e.instancePath.startsWith(`${at}/`) || (e.instancePath === at && e.keyword !== "type")),
    );
  const findings = new Map<string, SchemaFinding>();
  const types = new Map<string, string[]>();
  const missing = new Map<string, Set<string>>();
  for (const error of errors) {
    const at = error.instancePath;
    if (error.keyword === "anyOf" && anyOfExplained(at)) continue;
    if (isNullType(error) && nullExplained(at)) continue;
    if (error.keyword === "type") {
      types.set(at, [...(types.get(at) ?? []), String(error.params.type)]);
      continue;
    }
    if (error.keyword === "required") {
      missing.set(at, new Set([...(missing.get(at) ?? []), String(error.params.missingProperty)]));
      continue;
    }
    const finding = toFinding(error, at, data);
    findings.set(`${finding.pointer} ${finding.message} ${finding.expected ?? ""}`, finding);
  }
  for (const [at, expected] of types) {
    const unique = [...new Set(expected.flatMap((t) => t.split(",")))];
    findings.set(`${at} type`, {
      pointer: at,
      message: `must be ${unique.join(" | ")}`,
      expected: unique.join(" | "),
      actual: describeValue(valueAt(data, at)),
    });
  }
  for (const [at, names] of missing) {
    const [only] = names;
    const finding: SchemaFinding =
      names.size === 1 && only !== undefined
        ? { pointer: joinPointer(at, only), message: "required property is missing" }
        : { pointer: at, message: `required properties are missing: ${[...names].sort().join(", ")}` };
    findings.set(`${finding.pointer} required`, { ...finding, expected: "present", actual: "missing" });
  }
  return [...findings.values()].sort((a, b) => a.pointer.localeCompare(b.pointer));
}

function toFinding(error: ErrorObject, at: string, data: unknown): SchemaFinding {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties":
      return {
        pointer: joinPointer(at, String(params.additionalProperty)),
        message: "property is not in the schema (additionalProperties: false)",
        expected: "absent",
        actual: describeValue(valueAt(data, joinPointer(at, String(params.additionalProperty)))),
      };
    case "enum":
      return {
        pointer: at,
        message: "must be one of the documented values",
        expected: (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(" | "),
        actual: describeValue(valueAt(data, at)),
      };
    case "const":
      return {
        pointer: at,
        message: "must equal the documented constant",
        expected: JSON.stringify(params.allowedValue),
        actual: describeValue(valueAt(data, at)),
      };
    case "format":
      return {
        pointer: at,
        message: `must match format "${String(params.format)}"`,
        expected: `format ${String(params.format)}`,
        actual: describeValue(valueAt(data, at)),
      };
    case "anyOf":
      return {
        pointer: at,
        message: "matches none of the documented shapes",
        actual: describeValue(valueAt(data, at)),
      };
    default:
      return {
        pointer: at,
        message: `must satisfy ${error.keyword} ${JSON.stringify(params)}`,
        actual: describeValue(valueAt(data, at)),
      };
  }
}

const isNullType = (error: ErrorObject): boolean => error.keyword === "type" && error.params.type === "null";

/** Whether pointer `inner` is `outer` itself or lies beneath it. */
function isWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}

export function joinPointer(base: string, key: string): string {
  return `${base}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

/** The value a JSON pointer names inside `data` (`undefined` when absent). */
export function valueAt(data: unknown, pointer: string): unknown {
  if (pointer === "") return data;
  let current: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A short rendering of a value for a failure message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value) ?? String(value);
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  const kind = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  return kind === "object" || kind === "array" ? `${kind} ${shown}` : `${shown} (${kind})`;
}

/** Fields of one object that no applicable schema documents. */
export interface UndocumentedFields {
  /** JSON pointer of the object holding them. */
  pointer: string;
  names: string[];
}

/**
 * Properties of `data` that no applicable schema documents. GitHub's schemas rarely close
 * objects (`additionalProperties: false`), so a misspelt or invented field would pass ajv; this
 * walks the value beside its schemas (through `$ref`, `allOf` and every `anyOf` branch, so any
 * documented alternative counts) and reports each place once (array items as `/items/*`).
 */
export function findUndocumented(
  schema: unknown,
  data: unknown,
  deref: (ref: string) => unknown,
): UndocumentedFields[] {
  const found = new Map<string, UndocumentedFields>();
  walkUndocumented([schema], data, "", deref, found);
  return [...found.values()].map((f) => ({ ...f, names: [...new Set(f.names)].sort() }));
}

function walkUndocumented(
  schemas: readonly unknown[],
  data: unknown,
  pointer: string,
  deref: (ref: string) => unknown,
  found: Map<string, UndocumentedFields>,
): void {
  if (data === null || typeof data !== "object") return;
  const applicable = schemas.flatMap((s) => expandSchema(s, deref, new Set()));
  if (Array.isArray(data)) {
    const items = applicable.flatMap((s) => (s.items === undefined ? [] : [s.items]));
    if (items.length === 0) return;
    for (const [i, item] of data.entries()) walkUndocumented(items, item, `${pointer}/${i}`, deref, found);
    return;
  }
  // An object whose schemas name no properties, or allow others, documents any field.
  const open = applicable.some(
    (s) => (s.additionalProperties !== undefined && s.additionalProperties !== false) || s.patternProperties,
  );
  const named = applicable.filter((s) => s.properties !== undefined);
  for (const [key, value] of Object.entries(data)) {
    const at = joinPointer(pointer, key);
    const children = named.flatMap((s) => {
      const child = (s.properties as Record<string, unknown>)[key];
      return child === undefined ? [] : [child];
    });
    if (children.length === 0) {
      if (!open && named.length > 0) {
        const place = pointer.replace(/\/\d+(?=\/|$)/g, "/*");
        const entry = found.get(place) ?? { pointer, names: [] };
        entry.names.push(key);
        found.set(place, entry);
      }
      continue;
    }
    walkUndocumented(children, value, at, deref, found);
  }
}

/** A schema with its `$ref`, `allOf`, `anyOf` and `oneOf` unfolded into the object schemas that apply. */
function expandSchema(
  schema: unknown,
  deref: (ref: string) => unknown,
  seen: Set<unknown>,
): Record<string, unknown>[] {
  if (schema === null || typeof schema !== "object" || seen.has(schema)) return [];
  seen.add(schema);
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown>[] = [s];
  if (typeof s.$ref === "string") out.push(...expandSchema(deref(s.$ref), deref, seen));
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    const branches = s[key];
    if (Array.isArray(branches))
      for (const branch of branches) out.push(...expandSchema(branch, deref, seen));
  }
  return out;
}
