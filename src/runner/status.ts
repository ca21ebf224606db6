// How a polecat's job ended, decided once from everything the runner saw: the stream's result
// (or the watchdog's verdict), the agent's exit code, the outbox, and whether the branch holds
// work. A pure function with reasons, so every end is explainable in the progress comment and
// the step summary, and testable without a process.
import type { OutboxEntry } from "./outbox.ts";
import type { AgentResult } from "./stream.ts";
import type { WatchdogExpiry } from "./stream-watchdog.ts";

/** The action's `status` output. */
export const FINAL_STATUSES = ["done", "handoff", "escalated", "failed"] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export interface StatusInput {
  /** Set when the agent could not be started at all (no API key, command not found). */
  startError?: string | null;
  /** The stream's `result`; null when none came. */
  result: AgentResult | null;
  /** The watchdog's verdict when it ended the stream. */
  timeout?: WatchdogExpiry | null;
  /** The agent's exit code; null when it was killed by a signal or never ran. */
  exitCode: number | null;
  signal?: string | null;
  /** The outbox entries that were valid (applied or about to be). */
  entries: readonly OutboxEntry[];
  /** True when the branch has commits over its base or uncommitted changes. */
  hasChanges: boolean;
  /** The `max-turns` the agent was given. */
  maxTurns?: number | null;
  /**
   * Set when, at the end of the run, the hook no longer names this polecat and attempt (someone
   * unslung or reslung the bead meanwhile): who holds it now.
   */
  hookLostTo?: string | null;
}

export interface StatusDecision {
  status: FinalStatus;
  /** Why, for people: the first is the headline. */
  reasons: string[];
  /** Push the branch (whenever it holds work, so nothing is lost). */
  push: boolean;
  /** Open or update the pull request. */
  openPr: boolean;
  /**
   * The hook's final state: `review` releases it and marks the bead in progress while its pull
   * request is reviewed (so nobody slings it again), `release` puts the bead back to ready,
   * `keep` leaves it hooked for the next job.
   */
  hook: "review" | "release" | "keep";
  /** Put the bead back to ready with a note (the agent finished but changed nothing). */
  beadBackToReady: boolean;
  /** The runner writes the handoff comment (the agent did not hand off itself). */
  writeHandoff: boolean;
}

function decision(
  status: FinalStatus,
  reasons: string[],
  input: StatusInput,
  extra: Partial<Omit<StatusDecision, "status" | "reasons">> = {},
): StatusDecision {
  return {
    status,
    reasons,
    push: input.hasChanges,
    openPr: false,
    hook: "keep",
    beadBackToReady: false,
    writeHandoff: false,
    ...extra,
  };
}

function describeExit(input: StatusInput): string {
  if (input.signal) return `was killed by ${input.signal}`;
  if (input.exitCode === null) return "stopped";
  return `exited with code ${input.exitCode}`;
}

function resultProblem(result: AgentResult): string {
  const detail = [...result.errors, ...(result.text ? [result.text] : [])]
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .join("; ");
  const what =
    result.subtype === "success" ? "reported an error" : `ended with ${result.subtype.replace(/_/g, " ")}`;
  return detail === "" ? `The agent ${what}.` : `The agent ${what}: ${detail}`;
}

const NO_CHANGES =
  "The agent finished without changing anything, so there is no pull request; the bead goes back to ready.";

/** Decides the final status. Precedence: escalation, `gt done`, `gt handoff`, then the stream. */
export function decideStatus(input: StatusInput): StatusDecision {
  if (input.startError) return decision("failed", [input.startError], input);
  if (input.hookLostTo) {
    return decision(
      "failed",
      [
        `The bead's hook moved on while the agent ran (it is now held by ${input.hookLostTo}): the work stays on the branch, and the pull request, the hook and the bead were left alone.`,
      ],
      input,
    );
  }

  const escalations = input.entries.filter((e) => e.kind === "escalate");
  if (escalations.length > 0) {
    return decision(
      "escalated",
      escalations.map((e) => `The agent escalated (${e.severity ?? "medium"}): ${e.description}`),
      input,
    );
  }

  const done = input.entries.find((e) => e.kind === "done");
  if (done) {
    if (!input.hasChanges) {
      return decision(
        "failed",
        ["The agent ran `gt done`, but the branch has no changes.", NO_CHANGES],
        input,
        {
          hook: "release",
          beadBackToReady: true,
        },
      );
    }
    return decision("done", ["The agent finished the work (`gt done`)."], input, {
      openPr: true,
      hook: "review",
    });
  }

  if (input.entries.some((e) => e.kind === "handoff")) {
    return decision(
      "handoff",
      ["The agent handed off (`gt handoff`); a fresh job continues from the hook."],
      input,
    );
  }

  const result = input.result;
  if (result) {
    const overTurns = input.maxTurns != null && result.turns > input.maxTurns;
    if (result.subtype === "error_max_turns" || (result.success && overTurns)) {
      return decision(
        "handoff",
        [
          `The agent reached its turn limit after ${result.turns} turns; a fresh job continues from the hook.`,
        ],
        input,
        { writeHandoff: true },
      );
    }
    if (!result.success) return decision("failed", [resultProblem(result)], input);
    if (input.exitCode !== 0 || input.signal) {
      return decision("failed", [`The agent reported success but ${describeExit(input)}.`], input);
    }
    if (!input.hasChanges)
      return decision("failed", [NO_CHANGES], input, { hook: "release", beadBackToReady: true });
    return decision(
      "done",
      ["The agent finished without running `gt done`; its changes are submitted for review."],
      input,
      { openPr: true, hook: "review" },
    );
  }

  if (input.timeout) {
    return decision("handoff", [`${input.timeout.message} A fresh job continues from the hook.`], input, {
      writeHandoff: true,
    });
  }
  return decision("failed", [`The agent ${describeExit(input)} before it reported a result.`], input);
}
