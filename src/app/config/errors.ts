// A config file the app cannot use: every problem with its file, line and column, what is wrong
// and what to write instead (DESIGN §5). It is a GastownError, so callers that print message and
// hint already show it; `problems` carries them all for a check run or comment.
import { GastownError } from "../../model/errors.ts";

/** One thing wrong with a config file. Lines and columns count from 1; line 0 means the file. */
export interface ConfigProblem {
  /** The file as the maintainers know it: `.github/gastown.yml`, or `acme/.github:.github/gastown.yml`. */
  file: string;
  line: number;
  column: number;
  /** The setting it is about (`refinery.mode`), or "" for the file as a whole. */
  key: string;
  message: string;
  hint: string;
  /** The offending line of the file, for a code frame (absent for the file as a whole). */
  excerpt?: string;
}

/** `file:line:column` (just `file` for the file as a whole). */
export function formatProblemLocation(problem: Pick<ConfigProblem, "file" | "line" | "column">): string {
  return problem.line === 0 ? problem.file : `${problem.file}:${problem.line}:${problem.column}`;
}

/** An invalid config: one line per problem in `message`, the first problem's hint in `hint`. */
export class ConfigError extends GastownError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const first = problems[0];
    if (first === undefined) throw new TypeError("ConfigError needs at least one problem");
    super(problems.map((p) => `Invalid config in ${formatProblemLocation(p)}: ${p.message}`).join("\n"), {
      code: "validation",
      hint: first.hint,
    });
    this.name = "ConfigError";
    this.problems = problems;
  }

  /** Every problem followed by its hint, the way a terminal shows them. */
  override describe(): string {
    return this.problems
      .map((p) => `Invalid config in ${formatProblemLocation(p)}: ${p.message}\n  hint: ${p.hint}`)
      .join("\n");
  }
}
