// Generates the inputs and outputs tables of action/README.md from action/action.yml, between
// the markers `<!-- action-docs:inputs -->` … `<!-- /action-docs:inputs -->` (and the same for
// outputs), so the README never drifts from the metadata. `--check` changes nothing and exits 1
// when the README is out of date (CI runs it).
//
//   node scripts/action-docs.ts          # rewrite action/README.md
//   node scripts/action-docs.ts --check  # fail when it is stale
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export interface ActionInput {
  description: string;
  required: boolean;
  default?: string;
}

export interface ActionMetadata {
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description: string }>;
}

/** Reads action.yml's inputs and outputs; throws with the field at fault when one is malformed. */
export function readActionMetadata(yamlText: string): ActionMetadata {
  const doc: unknown = parse(yamlText);
  if (typeof doc !== "object" || doc === null) throw new Error("action.yml is not a YAML mapping.");
  const { inputs = {}, outputs = {} } = doc as { inputs?: unknown; outputs?: unknown };
  const metadata: ActionMetadata = { inputs: {}, outputs: {} };
  for (const [name, value] of Object.entries(inputs as Record<string, unknown>)) {
    const input = value as { description?: unknown; required?: unknown; default?: unknown };
    if (typeof input?.description !== "string")
      throw new Error(`action.yml: input "${name}" has no description.`);
    metadata.inputs[name] = {
      description: input.description,
      required: input.required === true,
      ...(input.default === undefined ? {} : { default: String(input.default) }),
    };
  }
  for (const [name, value] of Object.entries(outputs as Record<string, unknown>)) {
    const output = value as { description?: unknown };
    if (typeof output?.description !== "string")
      throw new Error(`action.yml: output "${name}" has no description.`);
    metadata.outputs[name] = { description: output.description };
  }
  return metadata;
}

/** Text for one table cell: one line, pipes escaped, `<` and `>` escaped outside code spans. */
function cell(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim().replace(/\|/g, "\\|");
  return flat
    .split(/(`+[^`]*?`+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("");
}

/** Inline code for a cell, longer than any backtick run inside. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${cell(text)}${pad}${ticks}`;
}

export function renderInputsTable(metadata: ActionMetadata): string {
  const rows = Object.entries(metadata.inputs).map(([name, input]) => {
    const fallback = input.default === undefined || input.default === "" ? "" : code(input.default);
    return `| ${code(name)} | ${input.required ? "yes" : "no"} | ${fallback} | ${cell(input.description)} |`;
  });
  return ["| Input | Required | Default | Description |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

export function renderOutputsTable(metadata: ActionMetadata): string {
  const rows = Object.entries(metadata.outputs).map(
    ([name, output]) => `| ${code(name)} | ${cell(output.description)} |`,
  );
  return ["| Output | Description |", "| --- | --- |", ...rows].join("\n");
}

function replaceSection(readme: string, section: string, table: string): string {
  const open = `<!-- action-docs:${section} -->`;
  const close = `<!-- /action-docs:${section} -->`;
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`action/README.md needs the markers ${open} and ${close}, in that order.`);
  }
  return `${readme.slice(0, start + open.length)}\n${table}\n${readme.slice(end)}`;
}

/** The README with both tables regenerated from `metadata`. */
export function updateReadme(readme: string, metadata: ActionMetadata): string {
  const withInputs = replaceSection(readme, "inputs", renderInputsTable(metadata));
  return replaceSection(withInputs, "outputs", renderOutputsTable(metadata));
}

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const ACTION_YML = resolve(ROOT, "action/action.yml");
export const ACTION_README = resolve(ROOT, "action/README.md");

async function main(check: boolean): Promise<number> {
  const metadata = readActionMetadata(await readFile(ACTION_YML, "utf8"));
  const readme = await readFile(ACTION_README, "utf8");
  const updated = updateReadme(readme, metadata);
  if (updated === readme) return 0;
  if (check) {
    console.error("action/README.md is out of date with action/action.yml. Run: npm run action:docs");
    return 1;
  }
  await writeFile(ACTION_README, updated);
  console.log("action/README.md: inputs and outputs tables updated.");
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.includes("--check"));
}
