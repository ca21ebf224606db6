import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { formatCompactJson, trimDescription } from "../../scripts/openapi-trim.ts";
import type { Principal } from "../../src/sim/auth.ts";
import {
  ContractError,
  type ContractViolation,
  createContractValidator,
  formatViolations,
  type OpenApiDocument,
} from "../../src/sim/contract.ts";
import type { SimRequest, SimResponse } from "../../src/sim/http.ts";
import { validateWebhookPayload } from "../../src/sim/webhook-contract.ts";

// A small description in GitHub's style (OpenAPI 3.0: `nullable`, overlapping `oneOf`, shared
// parameters and responses by `$ref`), so these tests do not depend on which routes have landed.
const spec: OpenApiDocument = {
  openapi: "3.0.3",
  paths: {
    "/repos/{owner}/{repo}/issues": {
      get: {
        operationId: "issues/list-for-repo",
        parameters: [
          { $ref: "#/components/parameters/owner" },
          { $ref: "#/components/parameters/repo" },
          { name: "state", in: "query", schema: { type: "string", enum: ["open", "closed", "all"] } },
          { $ref: "#/components/parameters/per-page" },
          { $ref: "#/components/parameters/page" },
        ],
        responses: {
          "200": {
            description: "Response",
            content: {
              "application/json": {
                schema: { type: "array", items: { $ref: "#/components/schemas/issue" } },
              },
            },
            headers: { Link: { $ref: "#/components/headers/link" } },
          },
          "404": { $ref: "#/components/responses/not_found" },
        },
      },
      post: {
        operationId: "issues/create",
        parameters: [{ $ref: "#/components/parameters/owner" }, { $ref: "#/components/parameters/repo" }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["title"],
                properties: {
                  title: { oneOf: [{ type: "string" }, { type: "integer" }] },
                  body: { type: "string" },
                  labels: { type: "array", items: { type: "string" } },
                  milestone: { oneOf: [{ type: "string" }, { type: "integer" }], nullable: true },
                },
              },
            },
          },
        },
        responses: {
          "201": {
            description: "Response",
            content: { "application/json": { schema: { $ref: "#/components/schemas/issue" } } },
          },
          "404": { $ref: "#/components/responses/not_found" },
        },
      },
    },
    "/repos/{owner}/{repo}/issues/{issue_number}": {
      get: {
        operationId: "issues/get",
        "x-docs": "https://docs.github.com/rest/issues/issues#get-an-issue",
        parameters: [
          { $ref: "#/components/parameters/owner" },
          { $ref: "#/components/parameters/repo" },
          { name: "issue_number", in: "path", required: true, schema: { type: "integer" } },
        ],
        responses: {
          "200": {
            description: "Response",
            content: { "application/json": { schema: { $ref: "#/components/schemas/issue" } } },
          },
        },
      },
    },
    "/repos/{owner}/{repo}/issues/{issue_number}/lock": {
      delete: {
        operationId: "issues/unlock",
        parameters: [{ $ref: "#/components/parameters/owner" }, { $ref: "#/components/parameters/repo" }],
        responses: { "204": { description: "Response" } },
      },
    },
    "/repos/{owner}/{repo}/check-runs": {
      get: {
        operationId: "checks/list",
        parameters: [{ $ref: "#/components/parameters/per-page" }, { $ref: "#/components/parameters/page" }],
        responses: {
          "200": {
            description: "Response",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["total_count", "check_runs"],
                  properties: { total_count: { type: "integer" }, check_runs: { type: "array" } },
                },
              },
            },
          },
        },
      },
    },
  },
  components: {
    parameters: {
      owner: { name: "owner", in: "path", required: true, schema: { type: "string" } },
      repo: { name: "repo", in: "path", required: true, schema: { type: "string" } },
      "per-page": { name: "per_page", in: "query", schema: { type: "integer", default: 30 } },
      page: { name: "page", in: "query", schema: { type: "integer", default: 1 } },
    },
    responses: {
      not_found: {
        description: "Resource not found",
        content: { "application/json": { schema: { $ref: "#/components/schemas/basic-error" } } },
      },
    },
    headers: { link: { schema: { type: "string" } } },
    schemas: {
      "basic-error": {
        type: "object",
        properties: { message: { type: "string" }, documentation_url: { type: "string" } },
      },
      "simple-user": {
        type: "object",
        required: ["login", "id"],
        properties: { login: { type: "string" }, id: { type: "integer", format: "int64" } },
      },
      milestone: {
        type: "object",
        required: ["number", "title"],
        properties: { number: { type: "integer" }, title: { type: "string" } },
      },
      issue: {
        type: "object",
        required: ["id", "number", "title", "state", "user", "milestone", "body"],
        properties: {
          id: { type: "integer" },
          number: { type: "integer" },
          title: { type: "string" },
          state: { type: "string", enum: ["open", "closed"] },
          body: { type: "string", nullable: true },
          user: { $ref: "#/components/schemas/simple-user" },
          milestone: { allOf: [{ $ref: "#/components/schemas/milestone" }], nullable: true },
          created_at: { type: "string", format: "date-time" },
        },
      },
    },
  },
};

const BASE = "http://127.0.0.1:4567";
const PRINCIPAL: Principal = { token: undefined, login: undefined };
const ISSUES = "/repos/{owner}/{repo}/issues";
const ISSUE = "/repos/{owner}/{repo}/issues/{issue_number}";

function issue(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 7001,
    number: 1,
    title: "Fix the refinery",
    state: "open",
    body: null,
    user: { login: "octocat", id: 1 },
    milestone: null,
    created_at: "2025-01-02T03:04:05Z",
    ...overrides,
  };
}

interface ExchangeSpec {
  method?: string;
  template?: string;
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  accept?: string;
  response: SimResponse;
}

function exchange(spec: ExchangeSpec) {
  const method = spec.method ?? "GET";
  const template = spec.template ?? ISSUE;
  const request: SimRequest = {
    method,
    path: template.replace("{owner}", "acme").replace("{repo}", "app"),
    query: new URLSearchParams(spec.query ?? ""),
    params: spec.params ?? { owner: "acme", repo: "app", issue_number: "1" },
    headers: spec.accept ? { accept: spec.accept } : {},
    body: spec.body,
    principal: PRINCIPAL,
    baseUrl: BASE,
  };
  return { method, template, request, response: spec.response };
}

/** Runs exchanges through a collecting validator and returns what it found. */
function violationsOf(...exchanges: ExchangeSpec[]): ContractViolation[] {
  const validator = createContractValidator({ spec, mode: "collect" });
  for (const e of exchanges) validator.check(exchange(e));
  return [...validator.violations()];
}

const list = (count: number, offset = 0): Record<string, unknown>[] =>
  Array.from({ length: count }, (_, i) => issue({ number: offset + i + 1 }));

describe("the REST contract validator", () => {
  describe("when the exchange matches the description", () => {
    it("finds nothing, nullable fields and overlapping alternatives included", () => {
      expect(
        violationsOf(
          { response: { status: 200, body: issue() } },
          {
            response: {
              status: 200,
              body: issue({ milestone: { number: 2, title: "Convoy" }, body: "text" }),
            },
          },
          {
            method: "POST",
            template: ISSUES,
            body: { title: "A bead", labels: ["bug"], milestone: null },
            response: { status: 201, body: issue() },
          },
          {
            method: "POST",
            template: ISSUES,
            body: { title: 12, milestone: "3" },
            response: { status: 201, body: issue() },
          },
          {
            template: ISSUES,
            query: "state=all&per_page=100&page=1",
            response: { status: 200, body: list(3) },
          },
        ),
      ).toEqual([]);
    });

    it("matches path parameters by position, whatever the sim calls them", () => {
      expect(
        violationsOf({
          template: "/repos/{o}/{r}/issues/{number}",
          params: { o: "acme", r: "app", number: "12" },
          response: { status: 200, body: issue() },
        }),
      ).toEqual([]);
    });

    it("accepts GitHub's standard errors in GitHub's error shape", () => {
      const error = {
        message: "Not Found",
        documentation_url: "https://docs.github.com/rest",
        status: "404",
      };
      expect(
        violationsOf(
          { response: { status: 404, body: error } },
          { response: { status: 401, body: { message: "Bad credentials", documentation_url: "x" } } },
          {
            response: {
              status: 422,
              body: { message: "Validation Failed", documentation_url: "x", errors: [] },
            },
          },
        ),
      ).toEqual([]);
    });
  });

  describe("when a response field has the wrong type", () => {
    it("names the operation and its docs, the status, the JSON pointer, and expected against actual", () => {
      const [violation, ...others] = violationsOf({
        response: { status: 200, body: issue({ user: { login: 12, id: 1 } }) },
      });
      expect(others).toEqual([]);
      expect(violation).toMatchObject({
        kind: "response",
        method: "GET",
        template: ISSUE,
        status: 200,
        operationId: "issues/get",
        docs: "https://docs.github.com/rest/issues/issues#get-an-issue",
        at: "response body /user/login",
        message: "must be string",
        expected: "string",
        actual: "12 (number)",
      });
    });

    it("reports a nullable field given neither its type nor null", () => {
      expect(violationsOf({ response: { status: 200, body: issue({ body: 5 }) } })).toMatchObject([
        { at: "response body /body", expected: "string | null", actual: "5 (number)" },
      ]);
    });

    it("reports an enum value GitHub does not document", () => {
      expect(violationsOf({ response: { status: 200, body: issue({ state: "merged" }) } })).toMatchObject([
        { at: "response body /state", expected: '"open" | "closed"', actual: '"merged" (string)' },
      ]);
    });

    it("reports a malformed format", () => {
      expect(
        violationsOf({ response: { status: 200, body: issue({ created_at: "yesterday" }) } }),
      ).toMatchObject([{ at: "response body /created_at", message: 'must match format "date-time"' }]);
    });
  });

  describe("when a body carries fields GitHub does not describe", () => {
    it("names them once per object, array items together", () => {
      expect(
        violationsOf({
          template: ISSUES,
          response: { status: 200, body: [issue({ html_ulr: "x" }), issue({ html_ulr: "y", score: 1 })] },
        }),
      ).toMatchObject([
        {
          kind: "response",
          at: "response body /0",
          message: "fields GitHub's description does not have: html_ulr, score",
        },
      ]);
    });

    it("looks through $ref, allOf and nullable alternatives, and leaves open objects alone", () => {
      const milestone = { number: 2, title: "Convoy", due: "soon" };
      expect(violationsOf({ response: { status: 200, body: issue({ milestone }) } })).toMatchObject([
        { at: "response body /milestone", message: "fields GitHub's description does not have: due" },
      ]);
      expect(
        violationsOf({
          template: "/repos/{owner}/{repo}/check-runs",
          response: { status: 200, body: { total_count: 1, check_runs: [{ anything: true }] } },
        }),
      ).toEqual([]);
    });

    it("reports a request field GitHub would ignore", () => {
      expect(
        violationsOf({
          method: "POST",
          template: ISSUES,
          body: { title: "A bead", label: ["bug"] },
          response: { status: 201, body: issue() },
        }),
      ).toMatchObject([
        {
          kind: "request",
          at: "request body",
          message: "GitHub's operation takes no such field (it would be ignored): label",
        },
      ]);
    });

    it("lets error bodies carry GitHub's undescribed extras", () => {
      const error = { message: "Not Found", documentation_url: "x", status: "404", extra: 1 };
      expect(violationsOf({ template: ISSUES, response: { status: 404, body: error } })).toEqual([]);
    });
  });

  describe("when a response lacks a required field", () => {
    it("points at the missing field, inside nullable objects too", () => {
      const body = issue({ milestone: { number: 2 } });
      delete body.title;
      expect(violationsOf({ response: { status: 200, body } })).toMatchObject([
        { kind: "response", at: "response body /milestone/title", message: "required property is missing" },
        { kind: "response", at: "response body /title", message: "required property is missing" },
      ]);
    });

    it("lists several missing fields of one object on one line", () => {
      expect(violationsOf({ response: { status: 200, body: issue({ user: {} }) } })).toMatchObject([
        { at: "response body /user", message: "required properties are missing: id, login" },
      ]);
    });
  });

  describe("when the status is not one the operation documents", () => {
    it("reports it with the documented statuses and the sim's message", () => {
      expect(violationsOf({ response: { status: 500, body: { message: "boom" } } })).toMatchObject([
        { kind: "status", status: 500, expected: "200", actual: "500 (boom)" },
      ]);
      expect(violationsOf({ response: { status: 202, body: issue() } })).toMatchObject([{ kind: "status" }]);
    });

    it("checks a standard error against GitHub's error shape", () => {
      expect(violationsOf({ response: { status: 403, body: { error: "forbidden" } } })).toMatchObject([
        {
          kind: "response",
          at: "response body",
          message: "required properties are missing: documentation_url, message",
        },
      ]);
    });

    it("reports a body where GitHub documents none, and a missing one where it documents one", () => {
      const unlock = { method: "DELETE", template: `${ISSUE}/lock` };
      expect(violationsOf({ ...unlock, response: { status: 204, body: { ok: true } } })).toMatchObject([
        { message: "GitHub documents no body for this status" },
      ]);
      expect(violationsOf({ ...unlock, response: { status: 204 } })).toEqual([]);
      expect(violationsOf({ response: { status: 200 } })).toMatchObject([{ message: "body is missing" }]);
    });
  });

  describe("when the request breaks the description", () => {
    it("reports a body that violates the request schema", () => {
      expect(
        violationsOf({
          method: "POST",
          template: ISSUES,
          body: { title: true, labels: ["bug", 3] },
          response: { status: 201, body: issue() },
        }),
      ).toMatchObject([
        { kind: "request", at: "request body /labels/1", expected: "string", actual: "3 (number)" },
        {
          kind: "request",
          at: "request body /title",
          expected: "string | integer",
          actual: "true (boolean)",
        },
      ]);
    });

    it("reports a missing required body and a body sent to an operation that takes none", () => {
      expect(
        violationsOf({ method: "POST", template: ISSUES, response: { status: 201, body: issue() } }),
      ).toMatchObject([{ at: "request body", message: "required body is missing" }]);
      expect(violationsOf({ body: { title: "x" }, response: { status: 200, body: issue() } })).toMatchObject([
        { at: "request body", message: "GitHub's operation takes no body" },
      ]);
    });

    it("reports query parameters of the wrong type, off the enum, or undocumented", () => {
      const found = violationsOf({
        template: ISSUES,
        query: "per_page=many&state=merged&labelz=bug",
        response: { status: 200, body: [] },
      });
      expect(found.map((v) => [v.at, v.actual])).toEqual([
        ["query per_page", '"many" (string)'],
        ["query state", '"merged" (string)'],
        ["query labelz", '["bug"]'],
      ]);
    });

    it("reports a path parameter of the wrong type", () => {
      expect(
        violationsOf({
          params: { owner: "acme", repo: "app", issue_number: "one" },
          response: { status: 404, body: { message: "Not Found", documentation_url: "x" } },
        }),
      ).toMatchObject([{ at: "path issue_number", expected: "integer" }]);
    });
  });

  describe("when the sim serves an operation the description lacks", () => {
    it("reports the route as an unknown operation", () => {
      expect(
        violationsOf({
          method: "POST",
          template: "/repos/{owner}/{repo}/issues/{issue_number}/explode",
          response: { status: 201 },
        }),
      ).toMatchObject([
        { kind: "unknown-operation", template: "/repos/{owner}/{repo}/issues/{issue_number}/explode" },
      ]);
      expect(violationsOf({ method: "PATCH", template: ISSUES, response: { status: 200 } })).toMatchObject([
        { kind: "unknown-operation" },
      ]);
    });

    it("records requests no route served", () => {
      const validator = createContractValidator({ spec, mode: "collect" });
      validator.unknownOperation("GET", "/repos/acme/app/teleport");
      expect(validator.violations()).toMatchObject([
        { kind: "unknown-operation", exchange: "GET /repos/acme/app/teleport → 404" },
      ]);
    });
  });

  describe("when a list paginates", () => {
    const page = (query: string, body: unknown, link?: string) => ({
      template: ISSUES,
      query,
      response: link ? { status: 200, body, headers: { link } } : { status: 200, body },
    });
    const linkTo = (p: number, rel = "next") =>
      `<${BASE}/repos/acme/app/issues?per_page=2&page=${p}>; rel="${rel}"`;

    it("accepts a full page that links to the following one", () => {
      expect(violationsOf(page("per_page=2", list(2), `${linkTo(2)}, ${linkTo(3, "last")}`))).toEqual([]);
    });

    it("reports a page larger than per_page", () => {
      expect(violationsOf(page("per_page=2", list(3)))).toMatchObject([
        { kind: "pagination", message: "page holds more items than per_page", expected: "≤ 2", actual: "3" },
      ]);
      expect(violationsOf(page("", list(31)))).toMatchObject([{ expected: "≤ 30" }]);
    });

    it("reports a next link after a short page, or to the wrong page", () => {
      expect(violationsOf(page("per_page=2", list(1), linkTo(2)))).toMatchObject([
        { message: 'rel="next" after a page that is not full' },
      ]);
      expect(violationsOf(page("per_page=2&page=2", list(2), linkTo(2)))).toMatchObject([
        { message: 'rel="next" does not point at the following page', expected: "page=3" },
      ]);
    });

    it("reports a malformed Link header", () => {
      expect(violationsOf(page("per_page=2", list(2), "page 2 is next"))).toMatchObject([
        { message: "Link header is malformed" },
      ]);
    });

    it("reports a missing next link when total_count says more remain", () => {
      const runs = (total: number, count: number) => ({
        template: "/repos/{owner}/{repo}/check-runs",
        query: "per_page=2",
        response: { status: 200, body: { total_count: total, check_runs: Array(count).fill({}) } },
      });
      expect(violationsOf(runs(2, 2))).toEqual([]);
      expect(violationsOf(runs(5, 2))).toMatchObject([
        {
          message: 'more items remain but there is no rel="next" link',
          expected: "next page (total_count 5)",
        },
      ]);
    });
  });

  describe("in throw mode", () => {
    it("throws a readable ContractError from the failing exchange", () => {
      const validator = createContractValidator({ spec, mode: "throw" });
      const bad = exchange({ response: { status: 200, body: issue({ number: "1" }) } });
      expect(() => validator.check(bad)).toThrowError(ContractError);
      expect(() => validator.check(bad)).toThrowError(
        "GET /repos/{owner}/{repo}/issues/{issue_number} → 200 (issues/get)\n" +
          "    see https://docs.github.com/rest/issues/issues#get-an-issue\n" +
          '    response body /number: must be integer (expected integer, got "1" (string))',
      );
    });
  });

  describe("violations(), drain() and assertNoViolations()", () => {
    it("keeps violations until drained and asserts on what remains", () => {
      const validator = createContractValidator({ spec, mode: "collect" });
      validator.check(exchange({ response: { status: 200, body: issue({ id: "x" }) } }));
      expect(() => validator.assertNoViolations()).toThrowError(/response body \/id: must be integer/);
      expect(validator.drain()).toHaveLength(1);
      expect(validator.violations()).toEqual([]);
      expect(() => validator.assertNoViolations()).not.toThrow();
    });
  });
});

describe("formatViolations", () => {
  it("groups by exchange, links GitHub's docs, counts repeats, and names the first test", () => {
    const v: ContractViolation = {
      kind: "response",
      exchange: "GET /repos/{owner}/{repo}/issues → 200",
      operationId: "issues/list-for-repo",
      docs: "https://docs.github.com/rest/issues/issues#list-repository-issues",
      at: "response body /0/id",
      message: "must be integer",
      expected: "integer",
      actual: '"1" (string)',
      test: "issues > lists",
    };
    const { expected: _e, actual: _a, ...bare } = v;
    expect(
      formatViolations([v, v, { ...bare, at: "header link", message: "Link header is malformed" }]),
    ).toMatchInlineSnapshot(`
      "3 contract violation(s) against GitHub's published description:
        GET /repos/{owner}/{repo}/issues → 200 (issues/list-for-repo), first in test "issues > lists"
          see https://docs.github.com/rest/issues/issues#list-repository-issues
          response body /0/id: must be integer (expected integer, got "1" (string)) [×2]
          header link: Link header is malformed"
    `);
  });
});

describe("trimDescription", () => {
  const full: OpenApiDocument = {
    openapi: "3.0.3",
    info: { version: "1.2.3" },
    paths: {
      "/repos/{owner}/{repo}/labels/{name}": {
        get: {
          operationId: "issues/get-label",
          summary: "Get a label",
          description: "Long prose.",
          tags: ["issues"],
          externalDocs: { url: "https://docs.github.com/rest/issues/labels#get-a-label" },
          parameters: [{ $ref: "#/components/parameters/owner" }],
          responses: {
            "200": {
              description: "Response",
              content: {
                "application/json": {
                  schema: { $ref: "#/components/schemas/label" },
                  examples: { default: { $ref: "#/components/examples/label" } },
                },
              },
            },
          },
        },
        delete: { operationId: "issues/delete-label", responses: { "204": { description: "Response" } } },
      },
    },
    components: {
      parameters: {
        owner: { name: "owner", in: "path", description: "The owner.", schema: { type: "string" } },
      },
      schemas: {
        label: {
          title: "Label",
          type: "object",
          properties: {
            description: { type: "string", nullable: true, description: "The label's description." },
            creator: { $ref: "#/components/schemas/user" },
          },
        },
        user: { type: "object", properties: { login: { type: "string", example: "octocat" } } },
        unrelated: { type: "object" },
      },
      examples: { label: { value: { name: "bug" } } },
    },
  };

  it("keeps the served operations and the components they reach, without prose", () => {
    const { document, missing, operations } = trimDescription(full, [
      { method: "GET", template: "/repos/{owner}/{repo}/labels/{label}" },
      { method: "POST", template: "/repos/{owner}/{repo}/labels/{label}/explode" },
    ]);
    expect(operations).toBe(1);
    expect(missing).toEqual([{ method: "POST", template: "/repos/{owner}/{repo}/labels/{label}/explode" }]);
    expect(Object.keys(document.paths["/repos/{owner}/{repo}/labels/{name}"] ?? {})).toEqual(["get"]);
    expect(document.paths["/repos/{owner}/{repo}/labels/{name}"]?.get).toEqual({
      operationId: "issues/get-label",
      summary: "Get a label",
      "x-docs": "https://docs.github.com/rest/issues/labels#get-a-label",
      parameters: [{ $ref: "#/components/parameters/owner" }],
      responses: {
        "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/label" } } } },
      },
    });
    expect(document.components).toEqual({
      parameters: { owner: { name: "owner", in: "path", schema: { type: "string" } } },
      schemas: {
        label: {
          type: "object",
          properties: {
            description: { type: "string", nullable: true },
            creator: { $ref: "#/components/schemas/user" },
          },
        },
        user: { type: "object", properties: { login: { type: "string" } } },
      },
    });
  });

  it("prints short values on one line", () => {
    expect(formatCompactJson({ a: { b: [1, 2] }, c: "x".repeat(30) }, "", 24)).toBe(
      `{\n  "a": {"b":[1,2]},\n  "c": "${"x".repeat(30)}"\n}`,
    );
  });
});

describe("validateWebhookPayload", () => {
  const examples = JSON.parse(
    readFileSync(
      createRequire(import.meta.url).resolve("@octokit/webhooks-examples/api.github.com/index.json"),
      "utf8",
    ),
  ) as { name: string; examples: Record<string, unknown>[] }[];
  const opened = examples
    .find((e) => e.name === "issues")
    ?.examples.find((p) => p.action === "opened" && validateWebhookPayload("issues", p).length === 0);

  it("accepts a real issues.opened payload", () => {
    expect(opened).toBeDefined();
  });

  it("reports a wrong type and a missing field with their JSON pointers", () => {
    const payload = structuredClone(opened) as {
      issue: Record<string, unknown> & { user: { login: unknown } };
    };
    payload.issue.user.login = 12;
    delete payload.issue.title;
    expect(validateWebhookPayload("issues", payload)).toEqual([
      {
        pointer: "/issue/title",
        message: "required property is missing",
        expected: "present",
        actual: "missing",
      },
      { pointer: "/issue/user/login", message: "must be string", expected: "string", actual: "12 (number)" },
    ]);
  });

  it("reports a field the event's schema does not allow", () => {
    expect(validateWebhookPayload("issues", { ...opened, extra: 1 })).toMatchObject([
      { pointer: "/extra", message: "property is not in the schema (additionalProperties: false)" },
    ]);
  });

  it("reports actions and events GitHub never sends", () => {
    expect(validateWebhookPayload("issues", { ...opened, action: "exploded" })).toMatchObject([
      { pointer: "/action", actual: "exploded" },
    ]);
    expect(validateWebhookPayload("teleport", {})).toMatchObject([
      { message: 'GitHub publishes no "teleport" webhook event' },
    ]);
  });

  it("checks events without actions against their `$event` schema", () => {
    const push = examples
      .find((e) => e.name === "push")
      ?.examples.find((p) => validateWebhookPayload("push", p).length === 0);
    expect(push).toBeDefined();
    expect(validateWebhookPayload("push", { ...push, ref: 42 })).toMatchObject([{ pointer: "/ref" }]);
  });
});
