// The JSON Schema of `.github/gastown.yml`, made from the zod schema so the two cannot disagree.
// Editors use it to complete and check the file (`# yaml-language-server: $schema=...`); a test
// fails when the committed docs/gastown.schema.json is older than the schema.
import { z } from "zod";
import { ConfigFileSchema } from "./schema.ts";

/** Where the generated schema is committed, relative to the project root. */
export const CONFIG_JSON_SCHEMA_PATH = "docs/gastown.schema.json";

/** The JSON Schema (draft 2020-12) of the config file as text, ending with a newline. */
export function renderConfigJsonSchema(): string {
  // "input": what may be written in the file (every key optional, defaults shown), not the
  // filled-in result the app works with.
  const schema = z.toJSONSchema(ConfigFileSchema, { io: "input", target: "draft-2020-12" });
  const document = { ...schema, title: "Gas Town config (.github/gastown.yml)" };
  return `${JSON.stringify(document, null, 2)}\n`;
}
