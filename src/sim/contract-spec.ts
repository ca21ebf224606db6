// GitHub's OpenAPI description as the contract reads it: loaded once, converted to JSON Schema,
// registered with ajv, and indexed by method and path shape so a sim route finds its operation
// whatever it names its path parameters.
import { readFileSync } from "node:fs";
import type { Ajv } from "ajv";
import { createSchemaAjv, SPEC_ID, toJsonSchema } from "./contract-schema.ts";

/** The parts of an OpenAPI 3.0 document the contract reads. */
export interface OpenApiDocument {
  openapi: string;
  info?: Record<string, unknown>;
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
}

export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Record<string, unknown>;
}

export interface MediaContent {
  schema?: Record<string, unknown>;
}

/** One operation, its parameters, body and responses with `$ref`s between them followed. */
export interface Operation {
  method: string;
  /** The description's path template. */
  path: string;
  operationId: string | undefined;
  docs: string | undefined;
  parameters: Parameter[];
  requestBody: { required?: boolean; content?: Record<string, MediaContent> } | undefined;
  responses: Record<string, { content?: Record<string, MediaContent>; headers?: Record<string, unknown> }>;
}

export interface SpecIndex {
  ajv: Ajv;
  /** Coerces query and path strings to the declared types before checking. */
  coercing: Ajv;
  operations: Map<string, Operation[]>;
  /** The schema a `$ref` names, in the converted document. */
  deref(ref: string): unknown;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];
const indexes = new WeakMap<OpenApiDocument, SpecIndex>();
let githubDescription: OpenApiDocument | undefined;

/** GitHub's description, trimmed to the sim's operations; read once per process. */
export function loadGithubDescription(): OpenApiDocument {
  githubDescription ??= JSON.parse(
    readFileSync(new URL("./openapi/github.trimmed.json", import.meta.url), "utf8"),
  ) as OpenApiDocument;
  return githubDescription;
}

/** A template with its parameter names blanked, so `{path}` and `{file_path}` compare equal. */
export const templateShape = (template: string): string => template.replace(/\{[^}]+\}/g, "{}");

/** GitHub's operation for a sim route (parameter names may differ; they match by position). */
export function findOperation(
  spec: OpenApiDocument,
  method: string,
  template: string,
): { path: string; operationId: string | undefined } | undefined {
  const found = lookupOperation(indexSpec(spec), method, template);
  return found && { path: found.path, operationId: found.operationId };
}

/** The operation a sim route (method and template) stands for, if the description has one. */
export function lookupOperation(index: SpecIndex, method: string, template: string): Operation | undefined {
  const candidates = index.operations.get(`${method.toUpperCase()} ${templateShape(template)}`) ?? [];
  return candidates.find((c) => c.path === template) ?? candidates[0];
}

/** The spec prepared for checking, once per document object (so once per test worker). */
export function indexSpec(spec: OpenApiDocument): SpecIndex {
  const existing = indexes.get(spec);
  if (existing) return existing;
  const doc = toJsonSchema(spec) as OpenApiDocument;
  const ajv = createSchemaAjv();
  const coercing = createSchemaAjv({ coerceTypes: true });
  for (const instance of [ajv, coercing]) instance.addSchema({ components: doc.components ?? {} }, SPEC_ID);
  const operations = new Map<string, Operation[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = (item.parameters as unknown[] | undefined) ?? [];
    for (const method of METHODS) {
      const raw = item[method] as Record<string, unknown> | undefined;
      if (!raw) continue;
      const op: Operation = {
        method: method.toUpperCase(),
        path,
        operationId: typeof raw.operationId === "string" ? raw.operationId : undefined,
        docs: typeof raw["x-docs"] === "string" ? raw["x-docs"] : undefined,
        parameters: [...shared, ...((raw.parameters as unknown[] | undefined) ?? [])].map(
          (p) => resolve(doc, p) as Parameter,
        ),
        requestBody: raw.requestBody
          ? (resolve(doc, raw.requestBody) as Operation["requestBody"])
          : undefined,
        responses: Object.fromEntries(
          Object.entries((raw.responses as Record<string, unknown> | undefined) ?? {}).map(([status, r]) => [
            status,
            resolve(doc, r) as Operation["responses"][string],
          ]),
        ),
      };
      const key = `${op.method} ${templateShape(path)}`;
      operations.set(key, [...(operations.get(key) ?? []), op]);
    }
  }
  const index: SpecIndex = { ajv, coercing, operations, deref: (ref) => resolve(doc, { $ref: ref }) };
  indexes.set(spec, index);
  return index;
}

/** Follows `$ref`s between OpenAPI objects (parameters, responses, request bodies). */
function resolve(doc: OpenApiDocument, value: unknown): unknown {
  let current = value;
  for (let hops = 0; hops < 10; hops++) {
    const ref = (current as { $ref?: unknown } | null)?.$ref;
    if (typeof ref !== "string") return current;
    const pointer = ref.slice(ref.indexOf("#") + 1);
    current = pointer
      .split("/")
      .slice(1)
      .reduce<unknown>(
        (node, key) =>
          (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, "/").replace(/~0/g, "~")],
        doc,
      );
  }
  return current;
}
