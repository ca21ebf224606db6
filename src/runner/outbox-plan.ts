// Outbox entries → GitHub operations, as data (gather → decide → apply). The agent proposes;
// this decides what the runner does about it, with everything the agent wrote redacted and
// defused (no pings, no closing keywords), the sender fixed to the polecat's own address, caps
// on how much one job may write, and a reason for every entry it refuses or skips.
import { formatAddress, parseAddress } from "../model/address.ts";
import { classifyLabel, defaultTaxonomy, type LabelTaxonomy, validateLabelName } from "../model/labels.ts";
import type { MailType } from "../model/mail.ts";
import { redactSecrets } from "../model/redact.ts";
import type { BeadType, Priority } from "../model/vocabulary.ts";
import { inlineCode, sanitizeForGitHub } from "./format.ts";
import type { EscalationSeverity, OutboxEntry } from "./outbox.ts";
import { renderHandoffComment } from "./summary.ts";

/** A step of the molecule the polecat works through, as the runner knows it now. */
export interface MoleculeStepState {
  id: string;
  title: string;
  /** The step's issue, once poured. */
  issue: number | null;
  done: boolean;
}

/** The most of each write one job may cause (GitHub's secondary limits; no comment floods). */
export interface OutboxLimits {
  mail: number;
  discovered: number;
  escalate: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { mail: 10, discovered: 10, escalate: 3 };

/** What earlier plans of this job already did (the outbox is planned as it grows). */
export interface OutboxTally {
  mail: number;
  discovered: number;
  escalate: number;
  handoff: number;
  done: number;
  stepsClosed: readonly string[];
}

export const EMPTY_TALLY: OutboxTally = {
  mail: 0,
  discovered: 0,
  escalate: 0,
  handoff: 0,
  done: 0,
  stepsClosed: [],
};

export interface OutboxContext {
  /** The hooked bead. */
  bead: number;
  polecat: string;
  rig: string;
  attempt: number;
  /** The molecule the bead belongs to; absent for a single bead. */
  molecule?: { root: number; steps: readonly MoleculeStepState[] } | null;
  runUrl?: string | null;
  tally?: OutboxTally;
  limits?: Partial<OutboxLimits>;
  /** Values to redact besides the known token shapes. */
  secrets?: readonly string[];
  taxonomy?: LabelTaxonomy;
}

/** One GitHub write the runner makes for an entry. `entry` is the entry's id. */
export type OutboxOperation =
  | {
      op: "send-mail";
      entry: string;
      from: string;
      to: string;
      subject: string;
      body: string;
      type: MailType;
      priority: Priority;
      /** Post on this bead instead of the recipient's mailbox. */
      bead: number | null;
    }
  | {
      op: "create-bead";
      entry: string;
      title: string;
      body: string;
      type: BeadType;
      priority: Priority;
      labels: string[];
      discoveredFrom: number;
    }
  | { op: "close-step"; entry: string; step: string; issue: number | null; note: string | null }
  | {
      op: "escalate";
      entry: string;
      title: string;
      body: string;
      severity: EscalationSeverity;
      priority: Priority;
      bead: number;
      /** High and critical escalations @mention the overseers so GitHub notifies them. */
      notifyOverseer: boolean;
    }
  | { op: "comment"; entry: string; issue: number; body: string; purpose: "handoff" };

/** What the entries mean for the end of the job (status, PR body, handoff). */
export interface OutboxSignals {
  done: { summary: string | null } | null;
  handoff: { message: string } | null;
  escalations: Array<{ severity: EscalationSeverity; description: string }>;
  stepsClosed: string[];
}

export interface OutboxPlan {
  operations: OutboxOperation[];
  /** Entries that are wrong for this job: reported, never applied. */
  rejected: Array<{ entry: OutboxEntry; reason: string }>;
  /** Entries with nothing (more) to do: an already closed step, a second `gt done`. */
  skipped: Array<{ entry: OutboxEntry; reason: string }>;
  signals: OutboxSignals;
  /** The tally to pass to the next plan. */
  tally: OutboxTally;
}

const SEVERITY_PRIORITY: Readonly<Record<EscalationSeverity, Priority>> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
};

/** Decides the operations for `entries` (in file order). Pure; never throws. */
export function planOutbox(entries: readonly OutboxEntry[], context: OutboxContext): OutboxPlan {
  const limits = { ...DEFAULT_OUTBOX_LIMITS, ...context.limits };
  const taxonomy = context.taxonomy ?? defaultTaxonomy;
  const tally = { ...(context.tally ?? EMPTY_TALLY), stepsClosed: [...(context.tally?.stepsClosed ?? [])] };
  const plan: OutboxPlan = {
    operations: [],
    rejected: [],
    skipped: [],
    signals: { done: null, handoff: null, escalations: [], stepsClosed: [] },
    tally,
  };
  const from = formatAddress({ kind: "polecat", rig: context.rig, name: context.polecat });
  const clean = (text: string) => redactSecrets(sanitizeForGitHub(text), context.secrets ?? []).trim();
  const origin = `${inlineCode(from)} while working on #${context.bead}`;
  const reject = (entry: OutboxEntry, reason: string) => plan.rejected.push({ entry, reason });
  const overLimit = (entry: OutboxEntry, kind: keyof OutboxLimits, what: string) => {
    if (tally[kind] < limits[kind]) return false;
    reject(
      entry,
      `this job already ${what} ${limits[kind]} times, the most one job may; the rest are not applied`,
    );
    return true;
  };

  for (const entry of entries) {
    switch (entry.kind) {
      case "mail": {
        const to = parseAddress(entry.to);
        if (!to.ok) {
          reject(entry, `${to.error.message} ${to.error.hint}`);
          break;
        }
        if (overLimit(entry, "mail", "sent mail")) break;
        tally.mail += 1;
        plan.operations.push({
          op: "send-mail",
          entry: entry.id,
          from,
          to: formatAddress(to.value),
          subject: clean(entry.subject).replace(/\s+/g, " "),
          body: clean(entry.body),
          type: entry.type ?? "notification",
          priority: (entry.priority ?? 2) as Priority,
          bead: entry.bead ?? null,
        });
        break;
      }
      case "discovered": {
        const labels = entry.labels ?? [];
        const badLabel = labels.find((label) => validateLabelName(label) !== null);
        if (badLabel !== undefined) {
          reject(entry, validateLabelName(badLabel)?.message ?? `label "${badLabel}" is invalid`);
          break;
        }
        const townLabel = labels.find((label) => classifyLabel(label, taxonomy).kind !== "other");
        if (townLabel !== undefined) {
          reject(
            entry,
            `label "${townLabel}" belongs to the town (status, priority, type or sling); give the type with -t and the priority with -p instead`,
          );
          break;
        }
        if (overLimit(entry, "discovered", "filed discovered work")) break;
        tally.discovered += 1;
        const discoveredFrom = entry.from ?? context.bead;
        const body = clean(entry.body ?? "");
        const note = `<sub>Discovered by ${inlineCode(from)} while working on #${discoveredFrom}.</sub>`;
        plan.operations.push({
          op: "create-bead",
          entry: entry.id,
          title: clean(entry.title).replace(/\s+/g, " "),
          body: body === "" ? note : `${body}\n\n${note}`,
          type: entry.type ?? "task",
          priority: (entry.priority ?? 2) as Priority,
          labels: [...labels],
          discoveredFrom,
        });
        break;
      }
      case "step-done": {
        const molecule = context.molecule;
        if (!molecule || molecule.steps.length === 0) {
          reject(
            entry,
            `bead #${context.bead} is not part of a molecule, so there is no step "${entry.step}" to close; use gt done when the work is finished`,
          );
          break;
        }
        const step = molecule.steps.find((s) => s.id === entry.step);
        if (!step) {
          reject(
            entry,
            `molecule #${molecule.root} has no step "${entry.step}"; its steps are ${molecule.steps.map((s) => s.id).join(", ")}`,
          );
          break;
        }
        if (step.done || tally.stepsClosed.includes(step.id)) {
          plan.skipped.push({ entry, reason: `step "${step.id}" is already closed` });
          break;
        }
        tally.stepsClosed = [...tally.stepsClosed, step.id];
        plan.signals.stepsClosed.push(step.id);
        const note = entry.note === undefined ? "" : clean(entry.note);
        plan.operations.push({
          op: "close-step",
          entry: entry.id,
          step: step.id,
          issue: step.issue,
          note: note === "" ? null : note,
        });
        break;
      }
      case "escalate": {
        if (overLimit(entry, "escalate", "escalated")) break;
        tally.escalate += 1;
        const severity = entry.severity ?? "medium";
        const reason = entry.reason === undefined ? "" : clean(entry.reason);
        const description = clean(entry.description).replace(/\s+/g, " ");
        plan.signals.escalations.push({ severity, description });
        plan.operations.push({
          op: "escalate",
          entry: entry.id,
          title: description,
          body: [
            `**Severity:** ${severity}`,
            "",
            `Raised by ${origin} (attempt ${context.attempt}).${context.runUrl ? ` [Run](${context.runUrl})` : ""}`,
            ...(reason === "" ? [] : ["", reason]),
          ].join("\n"),
          severity,
          priority: SEVERITY_PRIORITY[severity],
          bead: context.bead,
          notifyOverseer: severity === "high" || severity === "critical",
        });
        break;
      }
      case "handoff": {
        if (tally.handoff > 0) {
          plan.skipped.push({ entry, reason: "this job already handed off; one handoff comment is enough" });
          break;
        }
        tally.handoff += 1;
        const message = clean(entry.message);
        plan.signals.handoff = { message };
        const closed = tally.stepsClosed.map((id) => `step ${inlineCode(id)} closed`);
        plan.operations.push({
          op: "comment",
          entry: entry.id,
          issue: context.bead,
          purpose: "handoff",
          body: renderHandoffComment({
            bead: context.bead,
            polecat: context.polecat,
            attempt: context.attempt,
            reason: "The agent handed off (`gt handoff`); a fresh job continues from the hook.",
            done: closed,
            next: message,
            runUrl: context.runUrl ?? null,
            secrets: context.secrets ?? [],
          }),
        });
        break;
      }
      case "done": {
        if (tally.done > 0) {
          plan.skipped.push({ entry, reason: "the work was already marked done" });
          break;
        }
        tally.done += 1;
        const summary = entry.summary === undefined ? "" : clean(entry.summary);
        plan.signals.done = { summary: summary === "" ? null : summary };
        break;
      }
    }
  }
  return plan;
}
