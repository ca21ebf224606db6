// The polecat's branch and its pull request. The branch `polecat/<name>/<issue>` is the
// polecat's sandbox: it outlives the job, so a fresh job (crash, handoff) resumes it. The PR
// closes the bead, carries a hidden marker the refinery finds it by, and links its convoy.
import { fail, GastownError, ok, type Result } from "../model/errors.ts";
import { encodeCommentJson, METADATA_VERSION } from "../model/metadata.ts";
import { redactSecrets } from "../model/redact.ts";
import { inlineCode, oneLine, sanitizeForGitHub } from "./format.ts";

export const BRANCH_PREFIX = "polecat/";

/** Polecat names: lowercase letters, digits, `-` and `_`, starting with a letter or digit. */
const POLECAT_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/**
 * Null when git accepts `ref` as a branch name (git check-ref-format's rules, tightened to
 * printable ASCII); otherwise what is wrong with it.
 */
export function checkRefName(ref: string): string | null {
  if (ref === "") return "it is empty";
  if (ref.length > 200) return "it is longer than 200 characters";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u0020\u007f-\uffff]/.test(ref)) return "it contains spaces, control or non-ASCII characters";
  if (/[~^:?*[\\]/.test(ref)) return "it contains one of ~ ^ : ? * [ \\";
  if (ref.includes("..")) return 'it contains ".."';
  if (ref.includes("@{")) return 'it contains "@{"';
  if (ref === "@") return 'it is "@"';
  if (ref.startsWith("/") || ref.endsWith("/") || ref.includes("//")) return "it has an empty path component";
  if (ref.startsWith("-")) return 'it starts with "-"';
  if (ref.endsWith(".")) return 'it ends with "."';
  for (const part of ref.split("/")) {
    if (part.startsWith(".")) return `the component "${part}" starts with "."`;
    if (part.endsWith(".lock")) return `the component "${part}" ends with ".lock"`;
  }
  return null;
}

/** `polecat/<name>/<issue>`, checked. */
export function polecatBranch(polecat: string, issue: number): Result<string> {
  if (!POLECAT_NAME.test(polecat)) {
    return fail(
      new GastownError(`"${polecat}" is not a polecat name.`, {
        code: "bad-input",
        hint: "Polecat names are 1–40 lowercase letters, digits, - or _, starting with a letter or digit.",
      }),
    );
  }
  if (!Number.isInteger(issue) || issue < 1) {
    return fail(
      new GastownError(`"${issue}" is not an issue number.`, {
        code: "bad-input",
        hint: "Name the bead by its issue number, like 123.",
      }),
    );
  }
  const branch = `${BRANCH_PREFIX}${polecat}/${issue}`;
  const problem = checkRefName(branch);
  if (problem) {
    return fail(
      new GastownError(`"${branch}" is not a valid branch name: ${problem}.`, {
        code: "bad-input",
        hint: "Pick another polecat name.",
      }),
    );
  }
  return ok(branch);
}

/** The polecat and issue a branch belongs to; null for any other branch. */
export function parsePolecatBranch(ref: string): { polecat: string; issue: number } | null {
  const name = ref.replace(/^refs\/heads\//, "");
  const match = /^polecat\/([^/]+)\/([1-9][0-9]*)$/.exec(name);
  if (!match || !POLECAT_NAME.test(match[1] ?? "")) return null;
  return { polecat: match[1] as string, issue: Number(match[2]) };
}

/** GitHub refuses pull request titles longer than this. */
export const PR_TITLE_MAX = 256;

/** The PR title: the bead's title on one line, without control characters. */
export function renderPrTitle(beadTitle: string): string {
  const title = oneLine(beadTitle, PR_TITLE_MAX);
  return title === "" ? "Polecat work" : title;
}

const MR_TAG = "gastown-mr";

/** The hidden record that marks a PR for the refinery. */
export interface MergeRequestMarker {
  bead: number;
  polecat: string;
  branch: string;
  attempt: number;
  convoy: number | null;
}

export interface PrBodyInput extends MergeRequestMarker {
  /** `owner/name` of the bead when it lives in another repository than the PR. */
  beadRepo?: string | null;
  /** What changed: the agent's `gt done` summary or the final text of its run. */
  summary?: string | null;
  steps?: ReadonlyArray<{ id: string; title: string; done: boolean }>;
  convoyTitle?: string | null;
  convoyUrl?: string | null;
  runUrl?: string | null;
  secrets?: readonly string[];
}

const SUMMARY_MAX = 20_000;
/** Steps listed in full; a body stays far below GitHub's limit whatever the molecule. */
const STEPS_SHOWN = 100;

/**
 * The PR body: the summary, `Closes #N`, the molecule's steps, the convoy, the run, and the
 * refinery's marker. The agent's words cannot close other issues or ping anyone.
 */
export function renderPrBody(input: PrBodyInput): string {
  const marker = {
    v: METADATA_VERSION,
    bead: input.bead,
    polecat: input.polecat,
    branch: input.branch,
    attempt: input.attempt,
    convoy: input.convoy,
  };
  const raw = sanitizeForGitHub(input.summary?.trim() ?? "");
  const summary = raw.length > SUMMARY_MAX ? `${raw.slice(0, SUMMARY_MAX)}\n\n… (cut)` : raw;
  const target = input.beadRepo ? `${input.beadRepo}#${input.bead}` : `#${input.bead}`;
  const lines = [summary === "" ? "_The agent left no summary._" : summary, "", `Closes ${target}`, ""];
  if (input.steps && input.steps.length > 0) {
    lines.push(
      "<details><summary>Molecule steps</summary>",
      "",
      ...input.steps
        .slice(0, STEPS_SHOWN)
        .map(
          (step) =>
            `- [${step.done ? "x" : " "}] ${inlineCode(step.id)}: ${sanitizeForGitHub(oneLine(step.title, 100))}`,
        ),
      ...(input.steps.length > STEPS_SHOWN ? [`- … and ${input.steps.length - STEPS_SHOWN} more`] : []),
      "",
      "</details>",
      "",
    );
  }
  const facts = [
    `Polecat ${inlineCode(input.polecat)}`,
    `attempt ${input.attempt}`,
    ...(input.convoy !== null
      ? [
          input.convoyUrl
            ? `convoy [${sanitizeForGitHub(oneLine(input.convoyTitle ?? `#${input.convoy}`, 100))}](${input.convoyUrl})`
            : `convoy ${input.convoy}`,
        ]
      : []),
    ...(input.runUrl ? [`[run](${input.runUrl})`] : []),
  ];
  lines.push(`<sub>${facts.join(" · ")}</sub>`, "", `<!-- ${MR_TAG} ${encodeCommentJson(marker)} -->`);
  return redactSecrets(lines.join("\n"), input.secrets ?? []);
}

const MR_MARKER = new RegExp(`<!--\\s*${MR_TAG}\\s+(\\{[\\s\\S]*?\\})\\s*-->`);

/** The refinery's marker in a PR body; null when the PR is not a polecat's. */
export function parseMergeRequestMarker(body: string | null | undefined): MergeRequestMarker | null {
  const match = MR_MARKER.exec(body ?? "");
  if (!match) return null;
  let value: unknown;
  try {
    value = JSON.parse(match[1] ?? "");
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { bead, polecat, branch, attempt, convoy } = value as Record<string, unknown>;
  if (typeof bead !== "number" || typeof polecat !== "string" || typeof branch !== "string") return null;
  return {
    bead,
    polecat,
    branch,
    attempt: typeof attempt === "number" ? attempt : 1,
    convoy: typeof convoy === "number" ? convoy : null,
  };
}
