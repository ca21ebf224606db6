import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_CONFIG, parseConfig } from "../../src/app/config/index.ts";
import { CONFIG_JSON_SCHEMA_PATH, renderConfigJsonSchema } from "../../src/app/config/json-schema.ts";

const root = new URL("../../", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), "utf8");
const fixture = (name: string): string => read(`test/fixtures/config/${name}`);

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  default?: unknown;
}

/** Every setting in the schema as `dotted.key`, default and description. */
function leaves(node: JsonSchemaNode, prefix = ""): Array<[string, unknown, string | undefined]> {
  if (node.type === "object" && node.properties) {
    return Object.entries(node.properties).flatMap(([key, child]) =>
      leaves(child, prefix ? `${prefix}.${key}` : key),
    );
  }
  return [[prefix, node.default, node.description]];
}

describe("the JSON Schema of the config", () => {
  it(`is committed up to date in ${CONFIG_JSON_SCHEMA_PATH} (run npm run config:schema)`, () => {
    expect(read(CONFIG_JSON_SCHEMA_PATH)).toBe(renderConfigJsonSchema());
  });

  describe("agrees with the app's own checks", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(renderConfigJsonSchema()));

    it.each([
      ["the defaults", JSON.stringify(DEFAULT_CONFIG)],
      ["full.yml", fixture("full.yml")],
      ["config-unknown-key.yml", fixture("config-unknown-key.yml")],
      ["config-bad-values.yml", fixture("config-bad-values.yml")],
      ["an extending file", "_extends: acme/shared\nmax_polecats: 1\n"],
      ["a bad branch", "refinery:\n  base_branch: 'a b'\n"],
      ["a bad enum", "refinery:\n  mode: bors\n"],
    ])("on %s", (_what, text) => {
      const app = parseConfig(text, { path: "x.yml" }).ok;
      expect(validate(parse(text))).toBe(app);
    });
  });

  it("gives every setting a description and, but for _extends, a default", () => {
    const schema = JSON.parse(renderConfigJsonSchema()) as JsonSchemaNode;
    const all = leaves(schema);
    expect(all.map(([key]) => key)).toContain("witness.max_restarts");
    for (const [key, fallback, description] of all) {
      if (key !== "_extends") expect(fallback, key).not.toBeUndefined();
      expect(description, key).toMatch(/\S/);
    }
  });
});

describe("docs/config.md", () => {
  const docs = read("docs/config.md");
  const schema = JSON.parse(renderConfigJsonSchema()) as JsonSchemaNode;

  /** How the docs write a default: `value`, `[]`, or the start of a list. */
  function shown(value: unknown): string {
    if (value === undefined) return "none";
    if (Array.isArray(value)) return value.length === 0 ? "`[]`" : `\`[${String(value[0])}, `;
    return `\`${String(value)}\``;
  }

  it.each(leaves(schema))("documents %s with its default", (key, fallback) => {
    const row = docs.split("\n").find((line) => line.startsWith(`| \`${key}\` |`));
    expect(row, `no table row for ${key}`).toBeDefined();
    expect(row?.split("|")[2]?.trim().startsWith(shown(fallback)), `${key} default`).toBe(true);
  });

  it("names every polecat of the default pool", () => {
    for (const name of DEFAULT_CONFIG.polecat.names) expect(docs).toContain(name);
  });
});
