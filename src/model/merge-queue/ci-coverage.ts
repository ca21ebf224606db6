// Whether the repo's workflows test what the refinery asks them to (for `gt doctor`): in batch mode
// pushes to the staging branch, in direct mode pull requests, in native mode merge groups. A queue
// whose commits no workflow tests waits for checks that never come. Reads workflow `on:` blocks
// as GitHub does: a bare event runs everywhere; `branches` (with `!` negations, in order) and
// `branches-ignore` filter pushes by branch name with GitHub's glob patterns.

export type RefineryCiMode = "batch" | "direct" | "native";

/** A workflow file's path and its parsed `on:` value. */
export interface WorkflowTriggers {
  path: string;
  on: unknown;
}

export interface CiCoverage {
  covered: boolean;
  /** The workflows that do test it. */
  by: string[];
  /** One line for the doctor: what is wrong and what to add. */
  summary: string;
}

/** GitHub's branch filter glob: `*` within a segment, `**` across, `?` one character, `+` repeats. */
export function globMatches(pattern: string, name: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        source += ".*";
        i++;
      } else source += "[^/]*";
    } else if (c === "?") source += ".";
    else if (c === "+") source += "+";
    else source += c.replace(/[.^${}()|[\]\\]/g, "\\$&");
  }
  try {
    return new RegExp(`^${source}$`).test(name);
  } catch {
    return false;
  }
}

function asList(value: unknown): string[] | null {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return null;
}

/** Whether a push (or PR) filter lets `branch` through. */
function branchAllowed(filter: unknown, branch: string): boolean {
  if (filter === null || typeof filter !== "object") return true;
  const f = filter as Record<string, unknown>;
  const include = asList(f.branches);
  const ignore = asList(f["branches-ignore"]);
  if (ignore) return !ignore.some((p) => globMatches(p, branch));
  if (!include) return true;
  let allowed = false;
  for (const pattern of include) {
    if (pattern.startsWith("!")) {
      if (globMatches(pattern.slice(1), branch)) allowed = false;
    } else if (globMatches(pattern, branch)) allowed = true;
  }
  return allowed;
}

/** The event's filter object when the workflow listens to it (`{}` when unfiltered), else null. */
function eventFilter(on: unknown, event: string): unknown {
  if (typeof on === "string") return on === event ? {} : null;
  if (Array.isArray(on)) return on.includes(event) ? {} : null;
  if (on !== null && typeof on === "object" && event in (on as object)) {
    return (on as Record<string, unknown>)[event] ?? {};
  }
  return null;
}

/** Which workflows test what the refinery needs tested in `mode`. */
export function checkCiCoverage(input: {
  workflows: readonly WorkflowTriggers[];
  mode: RefineryCiMode;
  staging: string;
  base: string;
}): CiCoverage {
  const { mode, staging, base } = input;
  const by: string[] = [];
  for (const workflow of input.workflows) {
    if (mode === "batch") {
      const push = eventFilter(workflow.on, "push");
      if (push !== null && branchAllowed(push, staging)) by.push(workflow.path);
    } else if (mode === "direct") {
      for (const event of ["pull_request", "pull_request_target"]) {
        const filter = eventFilter(workflow.on, event);
        if (filter !== null && branchAllowed(filter, base)) {
          by.push(workflow.path);
          break;
        }
      }
    } else if (eventFilter(workflow.on, "merge_group") !== null) by.push(workflow.path);
  }
  if (by.length > 0) {
    return { covered: true, by, summary: `CI runs where the refinery tests (${by.join(", ")})` };
  }
  const what =
    mode === "batch"
      ? `pushes to ${staging}: add it under on.push.branches`
      : mode === "direct"
        ? `pull requests into ${base}: add on.pull_request`
        : "merge groups: add on.merge_group (GitHub's merge queue waits for it)";
  return {
    covered: false,
    by,
    summary: `No workflow in .github/workflows runs on ${what}, so the refinery's ${mode} mode would wait for checks forever`,
  };
}
