// Regenerates src/sim/openapi/github.trimmed.json: GitHub's published OpenAPI description cut down
// to the operations the loopback GitHub serves and the components they reach (prose and examples
// dropped), so tests check the sim against GitHub without loading the 13 MB original.
//
//   npm run openapi:trim
//
// Prints the sim routes the description lacks and exits 1 when there are any: a route GitHub
// does not have cannot be checked, so it must be fixed (or the sim must stop serving it).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type OpenApiDocument, templateShape } from "../src/sim/contract.ts";

export interface Route {
  method: string;
  template: string;
}

export interface TrimResult {
  document: OpenApiDocument;
  /** Sim routes with no operation in the description. */
  missing: Route[];
  operations: number;
}

/** Keywords that only document (never constrain) and would make up most of the file. */
const PROSE = new Set([
  "description",
  "example",
  "examples",
  "externalDocs",
  "title",
  "deprecated",
  "x-github",
  "x-octokit",
]);
const NAME_MAPS = new Set(["properties", "patternProperties", "paths", "responses", "content", "headers"]);

/** Keeps the operations `routes` serve and every component they `$ref`, transitively. */
export function trimDescription(full: OpenApiDocument, routes: readonly Route[]): TrimResult {
  const byShape = new Map<string, { path: string; method: string }[]>();
  for (const [path, item] of Object.entries(full.paths)) {
    for (const method of Object.keys(item)) {
      const key = `${method.toUpperCase()} ${templateShape(path)}`;
      byShape.set(key, [...(byShape.get(key) ?? []), { path, method }]);
    }
  }
  const paths: Record<string, Record<string, unknown>> = {};
  const missing: Route[] = [];
  let operations = 0;
  for (const route of routes) {
    const candidates = byShape.get(`${route.method.toUpperCase()} ${templateShape(route.template)}`) ?? [];
    const hit = candidates.find((c) => c.path === route.template) ?? candidates[0];
    if (!hit) {
      missing.push(route);
      continue;
    }
    const operation = full.paths[hit.path]?.[hit.method] as Record<string, unknown>;
    const trimmed = stripProse(operation) as Record<string, unknown>;
    const docs = (operation.externalDocs as { url?: string } | undefined)?.url;
    const entry: Record<string, unknown> = {
      operationId: operation.operationId,
      summary: operation.summary,
      ...(docs ? { "x-docs": docs } : {}),
      ...trimmed,
    };
    delete entry.tags;
    paths[hit.path] ??= {};
    if (!paths[hit.path]?.[hit.method]) operations += 1;
    (paths[hit.path] as Record<string, unknown>)[hit.method] = entry;
  }
  const components = collectComponents(full, paths);
  const document: OpenApiDocument = {
    openapi: full.openapi,
    info: {
      title: "GitHub v3 REST API, trimmed to the loopback GitHub's operations",
      version: String(full.info?.version ?? ""),
      "x-generated-by": "scripts/openapi-trim.ts (npm run openapi:trim); do not edit by hand",
    },
    paths: sortKeys(paths) as OpenApiDocument["paths"],
    components,
  };
  return { document, missing, operations };
}

/** A copy without descriptions, examples and the like (keys under `properties` are names, kept). */
function stripProse(node: unknown, names = false): unknown {
  if (Array.isArray(node)) return node.map((item) => stripProse(item));
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (!names && PROSE.has(key)) continue;
    out[key] = stripProse(value, !names && NAME_MAPS.has(key));
  }
  return out;
}

function collectComponents(full: OpenApiDocument, paths: unknown): Record<string, Record<string, unknown>> {
  const kept: Record<string, Record<string, unknown>> = {};
  const queue: unknown[] = [paths];
  while (queue.length > 0) {
    visitRefs(queue.pop(), (ref) => {
      const m = /^#\/components\/([^/]+)\/(.+)$/.exec(ref);
      if (!m?.[1] || !m[2])
        throw new Error(`Unexpected $ref ${ref}: only #/components/<kind>/<name> is supported.`);
      const [, kind, name] = m;
      if (kept[kind]?.[name] !== undefined) return;
      const component = full.components?.[kind]?.[name];
      if (component === undefined) throw new Error(`$ref ${ref} names no component in the description.`);
      const trimmed = stripProse(component, false);
      kept[kind] = { ...kept[kind], [name]: trimmed };
      queue.push(trimmed);
    });
  }
  const sorted: Record<string, Record<string, unknown>> = {};
  for (const kind of Object.keys(kept).sort()) sorted[kind] = sortKeys(kept[kind] ?? {});
  return sorted;
}

function visitRefs(node: unknown, found: (ref: string) => void): void {
  if (Array.isArray(node)) for (const item of node) visitRefs(item, found);
  else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") found(value);
      else visitRefs(value, found);
    }
  }
}

function sortKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** JSON with short objects and arrays kept on one line, so the file stays small and diffable. */
export function formatCompactJson(value: unknown, indent = "", width = 110): string {
  const flat = JSON.stringify(value);
  if (flat === undefined) return "null";
  if (value === null || typeof value !== "object" || indent.length + flat.length <= width) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item) => inner + formatCompactJson(item, inner, width)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  const lines = entries.map(
    ([k, v]) => `${inner}${JSON.stringify(k)}: ${formatCompactJson(v, inner, width)}`,
  );
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

/** The trimmed description's path in the repository. */
export const TRIMMED_PATH = new URL("../src/sim/openapi/github.trimmed.json", import.meta.url);

/**
 * The text `npm run openapi:trim` writes: the installed `@octokit/openapi` description trimmed to
 * the routes the sim registers. A test compares it with the committed file, so a route added
 * without regenerating (or a bumped `@octokit/openapi`) fails before anything is checked with it.
 */
export async function renderTrimmedDescription(): Promise<TrimResult & { text: string; routes: number }> {
  // Loaded here, not at the top, so tests can use trimDescription without every route module.
  const { createRouter } = await import("../src/sim/routes/index.ts");
  const require = createRequire(import.meta.url);
  const source = require.resolve("@octokit/openapi/generated/api.github.com.json");
  const version = (require("@octokit/openapi/package.json") as { version: string }).version;
  const full = JSON.parse(readFileSync(source, "utf8")) as OpenApiDocument;
  const routes = createRouter().list();
  const result = trimDescription(full, routes);
  (result.document.info as Record<string, unknown>)["x-source"] =
    `@octokit/openapi ${version}, api.github.com.json`;
  return { ...result, text: `${formatCompactJson(result.document)}\n`, routes: routes.length };
}

async function main(): Promise<void> {
  const { document, missing, operations, text, routes } = await renderTrimmedDescription();
  writeFileSync(TRIMMED_PATH, text);
  const schemas = Object.keys(document.components?.schemas ?? {}).length;
  console.log(
    `Wrote src/sim/openapi/github.trimmed.json: ${operations} operations for ${routes} routes, ` +
      `${schemas} schemas, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB.`,
  );
  if (missing.length > 0) {
    console.log(`\n${missing.length} sim route(s) have no operation in GitHub's description:`);
    for (const route of missing) console.log(`  ${route.method} ${route.template}`);
    console.log("Serve only GitHub's operations (test-only endpoints belong outside /repos).");
    process.exitCode = 1;
  }
}

if (import.meta.main) await main();
