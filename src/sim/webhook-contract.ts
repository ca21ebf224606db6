// The webhook half of the contract: every event the sim emits is checked against the published
// webhook payload schemas (`@octokit/webhooks-schemas`, definitions named `<event>$<action>`, or
// `<event>$event` for events without actions such as `push` and `status`).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Ajv, ValidateFunction } from "ajv";
import { createSchemaAjv, type SchemaFinding, summarizeErrors, toJsonSchema } from "./contract-schema.ts";

const SCHEMA_ID = "github-webhooks";

interface WebhookSchemas {
  ajv: Ajv;
  definitions: Set<string>;
  validators: Map<string, ValidateFunction>;
}

let loaded: WebhookSchemas | undefined;

function schemas(): WebhookSchemas {
  if (loaded) return loaded;
  const file = createRequire(import.meta.url).resolve("@octokit/webhooks-schemas/schema.json");
  const published = JSON.parse(readFileSync(file, "utf8")) as unknown;
  // Its `oneOf`s overlap (a payload can fit two variants of a nested object) as GitHub's do.
  const document = toJsonSchema(published, SCHEMA_ID) as { definitions: Record<string, unknown> };
  addNewerFields(document);
  widenNarrowerDefinitions(document.definitions);
  const ajv = createSchemaAjv();
  ajv.addSchema(document, SCHEMA_ID);
  loaded = { ajv, definitions: new Set(Object.keys(document.definitions)), validators: new Map() };
  return loaded;
}

/** The schema definition a payload is checked against, e.g. `issues$opened` or `push$event`. */
export function webhookDefinition(event: string, payload: Record<string, unknown>): string {
  return typeof payload.action === "string" ? `${event}$${payload.action}` : `${event}$event`;
}

/**
 * Checks one webhook payload (as delivered: with `repository`, `sender`, `installation`) against
 * its published schema. Returns what is wrong; an event or action with no published schema is
 * itself a finding, as GitHub never sends it.
 */
export function validateWebhookPayload(event: string, payload: Record<string, unknown>): SchemaFinding[] {
  const { ajv, definitions, validators } = schemas();
  const name = webhookDefinition(event, payload);
  if (!definitions.has(name)) {
    const known = [...definitions].filter((d) => d.startsWith(`${event}$`)).map((d) => d.split("$")[1]);
    return [
      {
        pointer: typeof payload.action === "string" ? "/action" : "",
        message:
          known.length > 0
            ? `GitHub sends no "${event}" event with this action`
            : `GitHub publishes no "${event}" webhook event`,
        expected: known.join(" | ") || "a published event",
        actual: typeof payload.action === "string" ? payload.action : event,
      },
    ];
  }
  let validator = validators.get(name);
  if (!validator) {
    validator = ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${name}` });
    validators.set(name, validator);
  }
  return validator(payload) ? [] : summarizeErrors(validator.errors ?? [], payload);
}

const integers = (names: string[]): Record<string, unknown> => ({
  type: "object",
  required: names,
  properties: Object.fromEntries(names.map((name) => [name, { type: "integer" }])),
});

/**
 * Fields GitHub now sends, and documents in its own description of webhook payloads
 * (`x-webhooks` in the OpenAPI description), that the published schemas predate. Their objects
 * forbid unknown properties, so these are added with GitHub's types instead of the sim dropping
 * real fields.
 */
function addNewerFields(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) addNewerFields(item);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const schema = node as Record<string, unknown>;
  const properties = schema.properties as Record<string, unknown> | undefined;
  if (properties && schema.additionalProperties === false) {
    // User objects (GitHub types webhook senders as `simple-user`, which has `user_view_type`).
    if (properties.login && properties.site_admin) properties.user_view_type ??= { type: "string" };
    // Issue objects (`webhook-issues-*` list both summaries).
    if (properties.timeline_url && properties.repository_url) {
      properties.sub_issues_summary ??= integers(["total", "completed", "percent_completed"]);
      properties.issue_dependencies_summary ??= integers([
        "blocked_by",
        "blocking",
        "total_blocked_by",
        "total_blocking",
      ]);
    }
  }
  for (const value of Object.values(schema)) addNewerFields(value);
}

/**
 * Where the published schemas are narrower than GitHub's own description of the same payload,
 * GitHub's description wins: `milestone.created` may carry a closed milestone (the REST API
 * creates milestones closed; `webhook-milestone-created` allows `state: closed`), and a
 * repository's `custom_properties` is optional (`repository-webhooks` does not require it).
 */
function widenNarrowerDefinitions(definitions: Record<string, unknown>): void {
  dropRequired(definitions, "custom_properties");
  const created = definitions.milestone$created as { properties?: Record<string, unknown> } | undefined;
  if (created?.properties?.milestone)
    created.properties.milestone = { $ref: `${SCHEMA_ID}#/definitions/milestone` };
}

function dropRequired(node: unknown, name: string): void {
  if (Array.isArray(node)) {
    for (const item of node) dropRequired(item, name);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const schema = node as Record<string, unknown>;
  if (Array.isArray(schema.required) && schema.required.includes(name)) {
    schema.required = schema.required.filter((entry) => entry !== name);
  }
  for (const value of Object.values(schema)) dropRequired(value, name);
}
