// From file text to a checked config: YAML (with positions) → zod → located problems that say
// what is wrong and what to write instead. One file is checked on its own shape; the rules that
// span keys (distinct label names, witness thresholds) are checked once files are merged, and
// their problems point at the file that set the offending key.
import { fail, ok, type Result } from "../../model/errors.ts";
import { ConfigError, type ConfigProblem } from "./errors.ts";
import { describeIssue, describeValue } from "./issues.ts";
import { mergeConfigValues } from "./merge.ts";
import {
  ConfigFileSchema,
  ConfigSchema,
  DEFAULT_CONFIG,
  type GastownConfig,
  withoutExtends,
} from "./schema.ts";
import { type ConfigPath, readYaml, type YamlFile } from "./yaml.ts";

/** One checked config file, not yet merged with what it extends. */
export interface ConfigFile {
  /** The file as maintainers know it (`.github/gastown.yml`, `acme/.github:.github/gastown.yml`). */
  file: string;
  /** The settings written in the file (`_extends` removed; empty sections dropped). */
  data: Record<string, unknown>;
  /** The `_extends` value, when the file has one. */
  extends: string | null;
  /** Positions in the file, for problems found after merging. */
  yaml: YamlFile;
}

export interface ParseConfigOptions {
  /** How the file is named in problems. */
  path: string;
}

/** Reads and checks one file's shape. Problems carry `file:line:column`. */
export function readConfigFile(text: string, options: ParseConfigOptions): Result<ConfigFile> {
  const read = readYaml(text, options.path);
  if (!read.ok) return fail(new ConfigError(read.problems));
  const { yaml } = read;
  if (typeof yaml.value !== "object" || yaml.value === null || Array.isArray(yaml.value)) {
    return fail(
      new ConfigError([
        {
          file: options.path,
          ...yaml.locate([]),
          key: "",
          message: `the file must be a mapping of settings, not ${describeValue(yaml.value)}`,
          hint: "Write settings as `key: value` lines, such as `max_polecats: 3`; see docs/config.md.",
        },
      ]),
    );
  }
  const data = dropEmptySections(yaml.value as Record<string, unknown>, DEFAULT_CONFIG);
  const checked = ConfigFileSchema.safeParse(data);
  if (!checked.success) {
    const problems = checked.error.issues.flatMap((issue) => describeIssue(issue, data, () => yaml));
    return fail(new ConfigError(sortProblems(problems)));
  }
  const { _extends, ...settings } = data;
  return ok({
    file: options.path,
    data: settings,
    extends: typeof _extends === "string" ? _extends : null,
    yaml,
  });
}

/**
 * Files merged into one config, base first: mappings merge key by key, and anything else (lists
 * included) is replaced by the later file. Defaults fill whatever no file sets.
 */
export function mergeConfigFiles(files: readonly ConfigFile[]): Result<GastownConfig> {
  let merged: Record<string, unknown> = {};
  for (const file of files) merged = mergeConfigValues(merged, file.data);
  const checked = ConfigSchema.safeParse(merged);
  if (checked.success) return ok(withoutExtends(checked.data));
  const problems = checked.error.issues.flatMap((issue) =>
    describeIssue(issue, merged, (path) => fileSetting(files, path)),
  );
  return fail(new ConfigError(sortProblems(problems)));
}

/** One file on its own (its `_extends` is not followed): checked, with every default filled in. */
export function parseConfig(text: string, options: ParseConfigOptions): Result<GastownConfig> {
  const file = readConfigFile(text, options);
  return file.ok ? mergeConfigFiles([file.value]) : file;
}

/** In file order, then top to bottom: the order a person fixes them in. */
function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const files = [...new Set(problems.map((p) => p.file))];
  return [...problems].sort(
    (a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line || a.column - b.column,
  );
}

/** The last file (the one that wins) that sets the deepest part of `path`. */
function fileSetting(files: readonly ConfigFile[], path: ConfigPath): YamlFile {
  let best: { depth: number; yaml: YamlFile } | null = null;
  for (const file of files) {
    let depth = 0;
    let value: unknown = file.data;
    for (const segment of path) {
      if (typeof value !== "object" || value === null || !(String(segment) in value)) break;
      value = (value as Record<string, unknown>)[String(segment)];
      depth++;
    }
    if (!best || depth >= best.depth) best = { depth, yaml: file.yaml };
  }
  if (!best) throw new Error("fileSetting needs at least one file");
  return best.yaml;
}

/** `refinery:` with every child commented out is YAML null; for a section that means "defaults". */
function dropEmptySections(value: Record<string, unknown>, defaults: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const fallback = (defaults as Record<string, unknown> | undefined)?.[key];
    const isSection = typeof fallback === "object" && fallback !== null;
    if (child === null && isSection) continue;
    out[key] =
      isSection &&
      !Array.isArray(fallback) &&
      typeof child === "object" &&
      child !== null &&
      !Array.isArray(child)
        ? dropEmptySections(child as Record<string, unknown>, fallback)
        : child;
  }
  return out;
}
