// What a job leaves behind for people: the step summary (the run's page on GitHub) and, when the
// work is not finished, the handoff comment on the bead that the next job's prompt starts from.
// Every text passes `redactSecrets`, and the agent's words are shown, never obeyed (no pings,
// no closing keywords).
import { encodeCommentJson, METADATA_VERSION } from "../model/metadata.ts";
import { redactSecrets } from "../model/redact.ts";
import { formatCost, formatDuration, inlineCode, sanitizeForGitHub, stripControl } from "./format.ts";
import type { FinalStatus } from "./status.ts";

/** Turns, cost and time of one agent run (from its `result`). */
export interface RunFigures {
  turns: number;
  costUsd: number;
  durationMs: number;
}

export const STATUS_HEADLINES: Readonly<Record<FinalStatus, string>> = {
  done: "✅ Done",
  handoff: "🤝 Handed off",
  escalated: "🚨 Escalated",
  failed: "❌ Failed",
};

const FILES_SHOWN = 50;

export interface StepSummaryInput {
  status: FinalStatus;
  reasons: readonly string[];
  bead: { number: number; title: string; url?: string | null };
  polecat: string;
  attempt: number;
  branch: string;
  runUrl?: string | null;
  /** Null when the agent produced no result. */
  figures: RunFigures | null;
  /** Paths changed on the branch against its base. */
  filesChanged: readonly string[];
  stepsClosed: readonly string[];
  pr?: { number: number; url: string } | null;
  /** Outbox lines that were rejected, stream noise and other things worth a look. */
  problems?: readonly string[];
  secrets?: readonly string[];
}

function link(text: string, url: string | null | undefined): string {
  return url ? `[${text}](${url})` : text;
}

/** The step summary: status, figures, the PR, steps closed, files changed, problems. */
export function renderStepSummary(input: StepSummaryInput): string {
  const title = sanitizeForGitHub(input.bead.title).replace(/\s+/g, " ").trim();
  const figures = input.figures;
  const lines = [
    `## ${STATUS_HEADLINES[input.status]}: ${link(`#${input.bead.number}`, input.bead.url)} ${title}`,
    "",
    ...input.reasons.map((reason) => `> ${sanitizeForGitHub(reason).replace(/\n+/g, " ")}`),
    "",
    "| | |",
    "| --- | --- |",
    `| Polecat | ${inlineCode(input.polecat)} (attempt ${input.attempt}) |`,
    `| Branch | ${inlineCode(input.branch)} |`,
    `| Pull request | ${input.pr ? link(`#${input.pr.number}`, input.pr.url) : "none"} |`,
    `| Turns | ${figures ? figures.turns : "—"} |`,
    `| Cost | ${figures ? formatCost(figures.costUsd) : "—"} |`,
    `| Duration | ${figures ? formatDuration(figures.durationMs) : "—"} |`,
    `| Files changed | ${input.filesChanged.length} |`,
    `| Steps closed | ${input.stepsClosed.length > 0 ? input.stepsClosed.map(inlineCode).join(", ") : "none"} |`,
  ];
  if (input.runUrl) lines.push(`| Run | ${link("this run", input.runUrl)} |`);
  if (input.filesChanged.length > 0) {
    const shown = input.filesChanged.slice(0, FILES_SHOWN);
    const more = input.filesChanged.length - shown.length;
    lines.push(
      "",
      "<details><summary>Files changed</summary>",
      "",
      ...shown.map((file) => `- ${inlineCode(file)}`),
      ...(more > 0 ? [`- … and ${more} more`] : []),
      "",
      "</details>",
    );
  }
  if (input.problems && input.problems.length > 0) {
    lines.push(
      "",
      "### Problems",
      "",
      ...input.problems.map((p) => `- ${sanitizeForGitHub(p).replace(/\n+/g, " ")}`),
    );
  }
  return redactSecrets(`${lines.join("\n")}\n`, input.secrets ?? []);
}

const HANDOFF_TAG = "gastown-handoff";

/** Who wrote a handoff and for which bead (the hidden marker of a handoff comment). */
export interface HandoffMarker {
  bead: number;
  polecat: string;
  attempt: number;
}

export interface HandoffInput extends HandoffMarker {
  /** Why the job stopped (turn limit, time limit, the agent's own handoff). */
  reason: string;
  /** What was done so far: steps closed, commits. */
  done: readonly string[];
  /** What the next job should do first. */
  next: string;
  runUrl?: string | null;
  secrets?: readonly string[];
}

/** The handoff comment: a marker, then done so far and next, readable by people and the next job. */
export function renderHandoffComment(input: HandoffInput): string {
  const marker: HandoffMarker & { v: number } = {
    v: METADATA_VERSION,
    bead: input.bead,
    polecat: input.polecat,
    attempt: input.attempt,
  };
  const done =
    input.done.length > 0 ? input.done.map((item) => `- ${sanitizeForGitHub(item)}`) : ["- nothing recorded"];
  const body = [
    `<!-- ${HANDOFF_TAG} ${encodeCommentJson(marker)} -->`,
    `### 🤝 Handoff from ${inlineCode(input.polecat)} (attempt ${input.attempt})`,
    "",
    sanitizeForGitHub(input.reason),
    "",
    "**Done so far**",
    "",
    ...done,
    "",
    "**Next**",
    "",
    sanitizeForGitHub(input.next.trim() || "Continue from the first open step."),
    ...(input.runUrl ? ["", `<sub>[Run](${input.runUrl})</sub>`] : []),
  ].join("\n");
  return redactSecrets(body, input.secrets ?? []);
}

const HANDOFF_MARKER = new RegExp(`^\\s*<!--\\s*${HANDOFF_TAG}\\s+(\\{[\\s\\S]*?\\})\\s*-->\\n?`);

/** A handoff comment read back: its marker and the visible text; null for any other comment. */
export function parseHandoffComment(body: string): (HandoffMarker & { text: string }) | null {
  const match = HANDOFF_MARKER.exec(body);
  if (!match) return null;
  let value: unknown;
  try {
    value = JSON.parse(match[1] ?? "");
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { bead, polecat, attempt } = value as Record<string, unknown>;
  if (typeof bead !== "number" || typeof polecat !== "string" || typeof attempt !== "number") return null;
  return { bead, polecat, attempt, text: stripControl(body.slice(match[0].length)).trim() };
}
