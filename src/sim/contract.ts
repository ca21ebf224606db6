// The contract between the loopback GitHub and the real one: every request the sim receives and
// every answer it gives is checked against GitHub's published OpenAPI description (trimmed to the
// operations the sim serves, src/sim/openapi/github.trimmed.json, made by scripts/openapi-trim.ts).
// Tests wire it in through test/helpers/sim.ts, so every test that talks to the sim proves the
// sim answers as GitHub documents.
import type { Ajv, ValidateFunction } from "ajv";
import { checkPagination } from "./contract-pagination.ts";
import { describeValue, findUndocumented, type SchemaFinding, summarizeErrors } from "./contract-schema.ts";
import {
  indexSpec,
  lookupOperation,
  type MediaContent,
  type OpenApiDocument,
  type Operation,
  type SpecIndex,
} from "./contract-spec.ts";
import type { SimRequest } from "./http.ts";
import type { ContractValidator } from "./server.ts";

export {
  findOperation,
  loadGithubDescription,
  type OpenApiDocument,
  templateShape,
} from "./contract-spec.ts";
export type { ContractValidator } from "./server.ts";

/** One exchange (or event) the sim got wrong, with enough to find and fix it. */
export interface ContractViolation {
  kind: "unknown-operation" | "request" | "status" | "response" | "pagination" | "webhook" | "graphql";
  /** `POST /repos/{owner}/{repo}/issues → 201`, or `webhook issues.opened`. */
  exchange: string;
  method?: string;
  /** The sim's route template (the concrete path when no route matched). */
  template?: string;
  status?: number;
  /** GitHub's operation id, e.g. `issues/create`. */
  operationId?: string;
  /** GitHub's documentation of the operation. */
  docs?: string;
  /** Where: `request body /labels/0`, `query per_page`, `response body /user/login`, `header link`. */
  at: string;
  message: string;
  expected?: string;
  actual?: string;
  /** The test that was running when it happened, when known. */
  test?: string;
}

/** What a test reads back from a validator. */
export interface ContractValidatorHandle extends ContractValidator {
  violations(): readonly ContractViolation[];
  /** Removes and returns the violations so far (for tests that break the contract on purpose). */
  drain(): ContractViolation[];
  /** Throws one readable error listing every violation so far. */
  assertNoViolations(): void;
}

export interface ContractValidatorOptions {
  spec: OpenApiDocument;
  /** `throw` fails the exchange itself (the client sees a 500); `collect` only records. */
  mode: "throw" | "collect";
}

/** Thrown by `assertNoViolations()` and, in `throw` mode, by the failing exchange. */
export class ContractError extends Error {
  readonly violations: readonly ContractViolation[];
  constructor(violations: readonly ContractViolation[]) {
    super(formatViolations(violations));
    this.name = "ContractError";
    this.violations = violations;
  }
}

const PAGING = new Set(["per_page", "page"]);
const STANDARD_ERRORS = new Set([400, 401, 403, 404, 405, 409, 422]);
const ERROR_SCHEMA = {
  type: "object",
  required: ["message", "documentation_url"],
  properties: {
    message: { type: "string" },
    documentation_url: { type: "string" },
    status: { type: "string" },
    errors: { type: "array" },
  },
};
/** Checks exchanges against `spec`, recording (or throwing on) each way they break it. */
export function createContractValidator(options: ContractValidatorOptions): ContractValidatorHandle {
  const index = indexSpec(options.spec);
  let recorded: ContractViolation[] = [];
  const report = (found: ContractViolation[]): void => {
    recorded.push(...found);
    if (options.mode === "throw" && found.length > 0) throw new ContractError(found);
  };
  return {
    check(exchange) {
      report(checkExchange(index, exchange));
    },
    unknownOperation(method, path) {
      report([
        {
          kind: "unknown-operation",
          exchange: `${method} ${path} → 404`,
          method,
          template: path,
          status: 404,
          at: "route",
          message:
            "no sim route serves this request: add the route, or stop calling an endpoint GitHub lacks",
        },
      ]);
    },
    violations: () => recorded,
    drain() {
      const out = recorded;
      recorded = [];
      return out;
    },
    assertNoViolations() {
      if (recorded.length > 0) throw new ContractError(recorded);
    },
  };
}

type Exchange = Parameters<ContractValidator["check"]>[0];

function checkExchange(index: SpecIndex, exchange: Exchange): ContractViolation[] {
  const { method, template, response } = exchange;
  const operation = lookupOperation(index, method, template);
  const base = {
    method,
    template,
    status: response.status,
    exchange: `${method} ${template} → ${response.status}`,
  };
  if (!operation) {
    return [
      {
        ...base,
        kind: "unknown-operation",
        at: "route",
        message:
          "the sim serves an operation GitHub's description lacks (run `npm run openapi:trim`; if it stays missing, the route is not GitHub's)",
      },
    ];
  }
  const context = {
    ...base,
    ...(operation.operationId ? { operationId: operation.operationId } : {}),
    ...(operation.docs ? { docs: operation.docs } : {}),
  };
  const out: ContractViolation[] = [];
  const add = (kind: ContractViolation["kind"], at: string, findings: SchemaFinding[]): void => {
    for (const f of findings)
      out.push({ ...context, kind, at: f.pointer ? `${at} ${f.pointer}` : at, ...rest(f) });
  };
  checkRequest(index, operation, exchange, add);
  checkResponse(index, operation, exchange, add);
  return out;
}

type Add = (kind: ContractViolation["kind"], at: string, findings: SchemaFinding[]) => void;

function checkRequest(index: SpecIndex, op: Operation, exchange: Exchange, add: Add): void {
  const { request, template } = exchange;
  // Path parameters: the sim's names, in order, stand for the description's, in order.
  const simNames = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");
  const specNames = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");
  specNames.forEach((name, i) => {
    const param = op.parameters.find((p) => p.in === "path" && p.name === name);
    const value = request.params[simNames[i] ?? ""];
    if (param?.schema && value !== undefined)
      add("request", `path ${name}`, checkValue(index, param.schema, value));
  });
  const query = op.parameters.filter((p) => p.in === "query");
  for (const name of new Set(request.query.keys())) {
    const param = query.find((p) => p.name === name);
    if (!param && PAGING.has(name) && answersList(op)) continue;
    if (!param) {
      add("request", `query ${name}`, [
        {
          pointer: "",
          message: "GitHub documents no such query parameter for this operation (it would be ignored)",
          expected: query.map((p) => p.name).join(", ") || "no query parameters",
          actual: JSON.stringify(request.query.getAll(name)),
        },
      ]);
      continue;
    }
    if (!param.schema) continue;
    const values = request.query.getAll(name);
    const value = param.schema.type === "array" ? values : values[values.length - 1];
    add("request", `query ${name}`, checkValue(index, param.schema, value));
  }
  for (const param of query) {
    if (param.required && !request.query.has(param.name)) {
      add("request", `query ${param.name}`, [
        { pointer: "", message: "required query parameter is missing" },
      ]);
    }
  }
  checkRequestBody(index, op, request, add);
}

/**
 * Whether the operation answers a list. Octokit's `paginate` sends `per_page` and `page` to any
 * list, and GitHub ignores them where it does not paginate, so they are no mistake there.
 */
function answersList(op: Operation): boolean {
  const ok = op.responses["200"]?.content?.["application/json"]?.schema;
  return ok?.type === "array";
}

function checkRequestBody(index: SpecIndex, op: Operation, request: SimRequest, add: Add): void {
  const schema = op.requestBody?.content?.["application/json"]?.schema;
  if (request.body === undefined) {
    if (op.requestBody?.required)
      add("request", "request body", [{ pointer: "", message: "required body is missing" }]);
    return;
  }
  if (!op.requestBody) {
    add("request", "request body", [
      { pointer: "", message: "GitHub's operation takes no body", actual: describeValue(request.body) },
    ]);
    return;
  }
  if (!schema) return;
  add("request", "request body", [
    ...validate(index.ajv, schema, request.body),
    ...findUndocumented(schema, request.body, index.deref).map((f) => ({
      pointer: f.pointer,
      message: `GitHub's operation takes no such field (it would be ignored): ${f.names.join(", ")}`,
    })),
  ]);
}

function checkResponse(index: SpecIndex, op: Operation, exchange: Exchange, add: Add): void {
  const { response, request } = exchange;
  const documented = op.responses[String(response.status)] ?? op.responses.default;
  if (!documented) {
    if (STANDARD_ERRORS.has(response.status)) {
      add("response", "response body", validate(index.ajv, ERROR_SCHEMA, response.body));
      return;
    }
    const message = (response.body as { message?: unknown } | undefined)?.message;
    add("status", "status", [
      {
        pointer: "",
        message: "GitHub does not answer this operation with this status",
        expected: Object.keys(op.responses).join(", "),
        actual: `${response.status}${typeof message === "string" ? ` (${message})` : ""}`,
      },
    ]);
    return;
  }
  const media = pickMedia(documented.content, request.headers.accept);
  const schema = media && documented.content?.[media]?.schema;
  if (!schema) {
    // GitHub answers errors with its error body even where the description documents none.
    if (response.status >= 400 && response.body !== undefined) {
      add("response", "response body", validate(index.ajv, ERROR_SCHEMA, response.body));
    } else if (response.body !== undefined && response.body !== "") {
      add("response", "response body", [
        {
          pointer: "",
          message: "GitHub documents no body for this status",
          actual: describeValue(response.body),
        },
      ]);
    }
  } else if (response.body === undefined) {
    add("response", "response body", [{ pointer: "", message: "body is missing", expected: media }]);
  } else if (/json/.test(media)) {
    // Error bodies carry fields GitHub sends but does not describe everywhere (`status`).
    const extra = response.status < 400 ? findUndocumented(schema, response.body, index.deref) : [];
    add("response", "response body", [
      ...validate(index.ajv, schema, response.body),
      ...extra.map((f) => ({
        pointer: f.pointer,
        message: `fields GitHub's description does not have: ${f.names.join(", ")}`,
      })),
    ]);
  }
  if (response.status < 300) add("pagination", "header link", checkPagination(op, documented, exchange));
}

/** The documented media type the client asked for, else JSON. */
function pickMedia(
  content: Record<string, MediaContent> | undefined,
  accept: string | undefined,
): string | undefined {
  if (!content) return undefined;
  const types = Object.keys(content);
  const asked = (accept ?? "").split(",").map((part) => part.split(";")[0]?.trim() ?? "");
  return (
    asked.find((type) => types.includes(type)) ??
    (types.includes("application/json")
      ? "application/json"
      : (types.find((t) => /json/.test(t)) ?? types[0]))
  );
}

function checkValue(index: SpecIndex, schema: Record<string, unknown>, value: unknown): SchemaFinding[] {
  // Coercion rewrites the value in place, so hand ajv a wrapper it may change.
  const holder = { value };
  return validate(index.coercing, { type: "object", properties: { value: schema } }, holder).map((f) => ({
    ...f,
    pointer: f.pointer.replace(/^\/value/, ""),
  }));
}

const compiled = new WeakMap<Ajv, WeakMap<object, ValidateFunction>>();

function validate(ajv: Ajv, schema: object, data: unknown): SchemaFinding[] {
  let cache = compiled.get(ajv);
  if (!cache) {
    cache = new WeakMap();
    compiled.set(ajv, cache);
  }
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  return fn(data) ? [] : summarizeErrors(fn.errors ?? [], data);
}

function rest(f: SchemaFinding): Pick<ContractViolation, "message" | "expected" | "actual"> {
  return {
    message: f.message,
    ...(f.expected !== undefined ? { expected: f.expected } : {}),
    ...(f.actual !== undefined ? { actual: f.actual } : {}),
  };
}

/**
 * Renders violations for a failing test: grouped by exchange, each finding once with a count.
 *
 *     POST /repos/{owner}/{repo}/issues → 201 (issues/create)
 *       response body /user/login: must be string (expected string, got 12 (number))
 */
export function formatViolations(violations: readonly ContractViolation[]): string {
  const groups = new Map<string, Map<string, number>>();
  const firstTest = new Map<string, string>();
  const docs = new Map<string, string>();
  for (const v of violations) {
    const head = v.operationId ? `${v.exchange} (${v.operationId})` : v.exchange;
    if (v.test && !firstTest.has(head)) firstTest.set(head, v.test);
    if (v.docs) docs.set(head, v.docs);
    const detail =
      v.expected !== undefined || v.actual !== undefined
        ? ` (expected ${v.expected ?? "?"}, got ${v.actual ?? "?"})`
        : "";
    const line = `${v.at}: ${v.message}${detail}`;
    const lines = groups.get(head) ?? new Map<string, number>();
    lines.set(line, (lines.get(line) ?? 0) + 1);
    groups.set(head, lines);
  }
  const out = [`${violations.length} contract violation(s) against GitHub's published description:`];
  for (const [head, lines] of groups) {
    const test = firstTest.get(head);
    out.push(`  ${head}${test ? `, first in test "${test}"` : ""}`);
    const link = docs.get(head);
    if (link) out.push(`    see ${link}`);
    for (const [line, count] of lines) out.push(`    ${line}${count > 1 ? ` [×${count}]` : ""}`);
  }
  return out.join("\n");
}
