// The maintainer-facing report of an invalid config, for a check run or an issue comment: every
// problem at file:line:column with the offending line, a caret, and what to write instead, and
// which config the town runs on meanwhile. Excerpts pass through redaction: a token pasted into
// YAML must not be echoed into a comment.
import { redactSecrets } from "../../model/redact.ts";
import type { ConfigResolution } from "./cache.ts";
import { type ConfigError, formatProblemLocation } from "./errors.ts";

/** Title (one line: check run title, comment heading) and Markdown body. */
export interface ConfigReport {
  title: string;
  body: string;
}

export interface RenderConfigProblemOptions {
  error: ConfigError;
  /** What the town runs on until the file is fixed. */
  fallback: Extract<ConfigResolution["from"], "last-good" | "defaults">;
}

function frame(excerpt: string, column: number): string[] {
  // Fences longer than any backtick run in the excerpt keep it from closing the block.
  const longest = Math.max(2, ...[...excerpt.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const indent = excerpt.slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, " ");
  return [`${fence}yaml`, excerpt, `${indent}^`, fence];
}

/** The report of an invalid config file. */
export function renderConfigProblem(options: RenderConfigProblemOptions): ConfigReport {
  const { error, fallback } = options;
  const problems = error.problems;
  const files = [...new Set(problems.map((p) => p.file).filter((f) => f !== ""))];
  const named = files.length > 0 ? files.map((f) => `\`${f}\``).join(" and ") : "The Gas Town config";
  const count = problems.length === 1 ? "a problem" : `${problems.length} problems`;
  const meanwhile =
    fallback === "last-good"
      ? "Until it is fixed, the town keeps running on the last valid configuration it read."
      : "Until it is fixed, the town runs on the default settings.";
  const lines = [`${named} has ${count}. ${meanwhile}`, ""];
  for (const problem of problems) {
    const where = problem.file === "" ? "" : `**\`${formatProblemLocation(problem)}\`**: `;
    lines.push(`${where}${problem.message}`, "");
    if (problem.excerpt !== undefined && problem.line > 0) {
      lines.push(...frame(redactSecrets(problem.excerpt), problem.column), "");
    }
    lines.push(problem.hint, "");
  }
  lines.push(
    "The app reads the file from the default branch again on the next event. Every setting and its default is described in `docs/config.md`; editors can check the file with `docs/gastown.schema.json`.",
  );
  const title = `Invalid Gas Town config: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}${files[0] ? ` in ${files[0]}` : ""}`;
  return { title, body: redactSecrets(lines.join("\n")) };
}
