// The one progress comment a polecat keeps on its bead (claude-code-action's lesson: one status
// comment, edited in place, with a fixed header and a link to the run). A hidden marker finds it
// again; the body shows the molecule's checklist, what the agent is doing now, and turns, cost
// and time so far. Edits are throttled (at most one per 10 s, the final one always), and every
// body passes `redactSecrets`: the agent's commands and output end up in it.
import { encodeCommentJson, METADATA_VERSION } from "../model/metadata.ts";
import { redactSecrets } from "../model/redact.ts";
import { formatCost, formatDuration, inlineCode, oneLine, sanitizeForGitHub } from "./format.ts";
import type { FinalStatus } from "./status.ts";
import type { StreamEvent } from "./stream.ts";
import { STATUS_HEADLINES } from "./summary.ts";

const PROGRESS_TAG = "gastown-progress";
const STEPS_SHOWN = 100;

/** What identifies a progress comment: the bead, the polecat, the attempt and the run. */
export interface ProgressMarker {
  bead: number;
  polecat: string;
  attempt: number;
  run: number | null;
}

export interface ProgressStep {
  id: string;
  title: string;
  done: boolean;
}

export interface ProgressInput extends ProgressMarker {
  phase: "starting" | "working" | "finished";
  /** The final status, when `phase` is `finished`. */
  status?: FinalStatus | null;
  /** Why it ended (or a problem while starting), shown under the header. */
  reasons?: readonly string[];
  /** The molecule's steps; empty for a single bead. */
  steps: readonly ProgressStep[];
  currentStep?: string | null;
  /** What the agent is doing now (`describeActivity`). */
  activity?: string | null;
  branch: string;
  runUrl?: string | null;
  turns?: number | null;
  costUsd?: number | null;
  elapsedMs?: number | null;
  pr?: { number: number; url: string } | null;
  secrets?: readonly string[];
}

function header(input: ProgressInput): string {
  const who = inlineCode(input.polecat);
  if (input.phase === "starting") return `### ⏳ ${who} is starting on this bead`;
  if (input.phase === "working") return `### 🛠️ ${who} is working on this bead`;
  const status = input.status ?? "failed";
  return `### ${STATUS_HEADLINES[status]}: ${who} ${
    {
      done: "finished this bead",
      handoff: "handed off; a fresh job continues",
      escalated: "needs help",
      failed: "could not finish this bead",
    }[status]
  }`;
}

/** The comment body. */
export function renderProgressComment(input: ProgressInput): string {
  const marker = {
    v: METADATA_VERSION,
    bead: input.bead,
    polecat: input.polecat,
    attempt: input.attempt,
    run: input.run,
  };
  const lines = [`<!-- ${PROGRESS_TAG} ${encodeCommentJson(marker)} -->`, header(input), ""];
  for (const reason of input.reasons ?? []) lines.push(`> ${sanitizeForGitHub(reason).replace(/\n+/g, " ")}`);
  if ((input.reasons ?? []).length > 0) lines.push("");
  if (input.pr) lines.push(`**Pull request:** [#${input.pr.number}](${input.pr.url})`, "");
  if (input.phase !== "finished" && input.activity) lines.push(`**Now:** ${input.activity}`, "");
  if (input.steps.length > 0) {
    const current =
      input.phase === "finished" ? null : (input.currentStep ?? input.steps.find((s) => !s.done)?.id);
    for (const step of input.steps.slice(0, STEPS_SHOWN)) {
      const title = sanitizeForGitHub(oneLine(step.title, 100));
      const label = `${inlineCode(step.id)}: ${title}`;
      lines.push(
        step.id === current && !step.done
          ? `- [ ] **${label}** ← now`
          : `- [${step.done ? "x" : " "}] ${label}`,
      );
    }
    if (input.steps.length > STEPS_SHOWN) lines.push(`- … and ${input.steps.length - STEPS_SHOWN} more`);
    lines.push("");
  }
  const facts = [
    ...(input.turns != null ? [`${input.turns} turn${input.turns === 1 ? "" : "s"}`] : []),
    ...(input.costUsd != null ? [formatCost(input.costUsd)] : []),
    ...(input.elapsedMs != null ? [formatDuration(input.elapsedMs)] : []),
    `branch ${inlineCode(input.branch)}`,
    `attempt ${input.attempt}`,
    ...(input.runUrl ? [`[run](${input.runUrl})`] : []),
  ];
  lines.push(`<sub>${facts.join(" · ")}</sub>`);
  return redactSecrets(lines.join("\n"), input.secrets ?? []);
}

const MARKER = new RegExp(`^\\s*<!--\\s*${PROGRESS_TAG}\\s+(\\{[\\s\\S]*?\\})\\s*-->`);

/** The marker of a progress comment; null for any other comment. */
export function parseProgressMarker(body: string): ProgressMarker | null {
  const match = MARKER.exec(body);
  if (!match) return null;
  let value: unknown;
  try {
    value = JSON.parse(match[1] ?? "");
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { bead, polecat, attempt, run } = value as Record<string, unknown>;
  if (typeof bead !== "number" || typeof polecat !== "string" || typeof attempt !== "number") return null;
  return { bead, polecat, attempt, run: typeof run === "number" ? run : null };
}

/**
 * The progress comment matching every field of `match` (the newest when several do), so a
 * re-run of the same job edits its comment instead of posting another.
 */
export function findProgressComment<C extends { body: string }>(
  comments: readonly C[],
  match: Partial<ProgressMarker>,
): C | null {
  for (let i = comments.length - 1; i >= 0; i -= 1) {
    const comment = comments[i] as C;
    const marker = parseProgressMarker(comment.body);
    if (!marker) continue;
    const fits = (Object.keys(match) as Array<keyof ProgressMarker>).every(
      (key) => match[key] === undefined || marker[key] === match[key],
    );
    if (fits) return comment;
  }
  return null;
}

/** The least time between two edits of the progress comment. */
export const PROGRESS_EDIT_INTERVAL_MS = 10_000;

export interface ProgressEditClock {
  /** Milliseconds since the epoch. */
  now: number;
  /** When the comment was last written; null before the first write. */
  lastEditAt: number | null;
  /** The body differs from the one last written. */
  changed: boolean;
  /** This is the last edit of the job. */
  final: boolean;
  minIntervalMs?: number;
}

/** Whether to edit now; if not, how long until an edit would be allowed (null: nothing to write). */
export type ProgressEditDecision = { edit: true } | { edit: false; retryInMs: number | null };

/** At most one edit per interval; the final one whenever it changes something; never a no-op edit. */
export function decideProgressEdit(clock: ProgressEditClock): ProgressEditDecision {
  if (!clock.changed) return { edit: false, retryInMs: null };
  if (clock.final || clock.lastEditAt === null) return { edit: true };
  const wait = clock.lastEditAt + (clock.minIntervalMs ?? PROGRESS_EDIT_INTERVAL_MS) - clock.now;
  return wait <= 0 ? { edit: true } : { edit: false, retryInMs: wait };
}

const VERBS: Readonly<Record<string, string>> = {
  Bash: "Running",
  Read: "Reading",
  Write: "Writing",
  Edit: "Editing",
  MultiEdit: "Editing",
  NotebookEdit: "Editing",
  Glob: "Looking for",
  Grep: "Searching for",
  WebFetch: "Fetching",
  WebSearch: "Searching the web for",
  Task: "Delegating",
  TodoWrite: "Planning",
};

/** One line for "Now:" from a stream event; null for events that say nothing new. */
export function describeActivity(event: StreamEvent): string | null {
  if (event.kind === "tool-use") {
    const verb = VERBS[event.name] ?? `Using ${inlineCode(event.name)}`;
    if (event.name === "TodoWrite") return `${verb} (${event.summary})`;
    return event.summary === "" ? verb : `${verb} ${inlineCode(event.summary)}`;
  }
  if (event.kind === "text" && !event.subagent) {
    const text = oneLine(event.text, 140);
    return text === "" ? null : `💬 ${sanitizeForGitHub(text)}`;
  }
  return null;
}

/** Turns and activity counted from the stream while it runs (the cost comes with the result). */
export interface ProgressTally {
  turns: number;
  toolUses: number;
  activity: string | null;
  /** Assistant message ids seen: one API turn can span several stream lines. */
  messages: ReadonlySet<string>;
}

export const EMPTY_PROGRESS_TALLY: ProgressTally = {
  turns: 0,
  toolUses: 0,
  activity: null,
  messages: new Set(),
};

/** The tally after `event`. Sub-agent messages do not count as turns of the main loop. */
export function tallyEvent(tally: ProgressTally, event: StreamEvent): ProgressTally {
  let { turns, toolUses, activity, messages } = tally;
  if ((event.kind === "text" || event.kind === "tool-use") && !event.subagent) {
    const id = event.messageId;
    if (id === null || !messages.has(id)) {
      turns += 1;
      if (id !== null) messages = new Set([...messages, id]);
    }
  }
  if (event.kind === "tool-use") toolUses += 1;
  if (event.kind === "result") turns = event.result.turns;
  activity = describeActivity(event) ?? activity;
  return { turns, toolUses, activity, messages };
}
