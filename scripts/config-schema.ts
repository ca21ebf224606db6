// Writes docs/gastown.schema.json from the config's zod schema (`npm run config:schema`).
// `--check` writes nothing and exits 1 when the committed file is out of date (for CI).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CONFIG_JSON_SCHEMA_PATH, renderConfigJsonSchema } from "../src/app/config/json-schema.ts";

const target = join(import.meta.dirname, "..", CONFIG_JSON_SCHEMA_PATH);
const generated = renderConfigJsonSchema();
const current = await readFile(target, "utf8").catch(() => null);

if (process.argv.includes("--check")) {
  if (current !== generated) {
    console.error(`${CONFIG_JSON_SCHEMA_PATH} is out of date; run: npm run config:schema`);
    process.exit(1);
  }
  console.log(`${CONFIG_JSON_SCHEMA_PATH} is up to date`);
} else if (current === generated) {
  console.log(`${CONFIG_JSON_SCHEMA_PATH} is up to date`);
} else {
  await writeFile(target, generated);
  console.log(`wrote ${CONFIG_JSON_SCHEMA_PATH}`);
}
