// Applies the outbox as it grows: read the new lines, plan them (planOutbox validates, redacts
// and caps), then make the town calls. A failed operation is counted and reported, never
// swallowed; the next entries still go through.
import type { Logger } from "../../src/log.ts";
import { createOutboxReader, type OutboxEntry } from "../../src/runner/outbox.ts";
import {
  EMPTY_TALLY,
  type OutboxContext,
  type OutboxOperation,
  type OutboxSignals,
  type OutboxTally,
  planOutbox,
} from "../../src/runner/outbox-plan.ts";
import { commentOnBead, createBead } from "../../src/town/beads.ts";
import type { TownContext } from "../../src/town/context.ts";
import { sendMail } from "../../src/town/mail.ts";
import { completeStep } from "../../src/town/molecule/index.ts";

/** Everything the outbox did over the job, for the status and the summary. */
export interface OutboxState {
  entries: OutboxEntry[];
  signals: OutboxSignals;
  problems: string[];
  applied: number;
  failed: number;
}

export interface OutboxApplier {
  /** Reads, plans and applies what was appended since the last call. Calls never overlap. */
  drain(): Promise<void>;
  readonly state: OutboxState;
}

async function applyOperation(town: TownContext, op: OutboxOperation, root: number | null): Promise<void> {
  switch (op.op) {
    case "send-mail":
      await sendMail(town, {
        from: op.from,
        to: op.to,
        subject: op.subject,
        body: op.body,
        type: op.type,
        priority: op.priority,
        ...(op.bead === null ? {} : { bead: op.bead }),
      });
      return;
    case "create-bead":
      await createBead(town, {
        title: op.title,
        body: op.body,
        type: op.type,
        priority: op.priority,
        labels: op.labels,
      });
      return;
    case "close-step":
      if (root === null) throw new Error(`step ${op.step}: the bead is not part of a molecule`);
      await completeStep(town, { root, step: op.step });
      return;
    case "escalate":
      await createBead(town, { title: op.title, body: op.body, type: "escalation", priority: op.priority });
      return;
    case "comment":
      await commentOnBead(town, { number: op.issue, body: op.body });
      return;
  }
}

/** An applier for the outbox file at `path`. */
export function createOutboxApplier(params: {
  town: TownContext;
  path: string;
  context: Omit<OutboxContext, "tally">;
  log: Logger;
}): OutboxApplier {
  const reader = createOutboxReader(params.path);
  let tally: OutboxTally = EMPTY_TALLY;
  const state: OutboxState = {
    entries: [],
    signals: { done: null, handoff: null, escalations: [], stepsClosed: [] },
    problems: [],
    applied: 0,
    failed: 0,
  };
  let chain: Promise<void> = Promise.resolve();
  const root = params.context.molecule?.root ?? null;
  const once = async () => {
    const read = await reader.read();
    for (const problem of read.problems)
      state.problems.push(`outbox line ${problem.line}: ${problem.message}`);
    if (read.entries.length === 0) return;
    const plan = planOutbox(read.entries, { ...params.context, tally });
    tally = plan.tally;
    state.entries.push(...read.entries.filter((e) => !plan.rejected.some((r) => r.entry.id === e.id)));
    for (const { entry, reason } of plan.rejected)
      state.problems.push(`outbox ${entry.kind} ${entry.id} refused: ${reason}`);
    state.signals = {
      done: plan.signals.done ?? state.signals.done,
      handoff: plan.signals.handoff ?? state.signals.handoff,
      escalations: [...state.signals.escalations, ...plan.signals.escalations],
      stepsClosed: [...state.signals.stepsClosed, ...plan.signals.stepsClosed],
    };
    for (const op of plan.operations) {
      try {
        await applyOperation(params.town, op, root);
        state.applied += 1;
        params.log.info({ entry: op.entry, op: op.op }, "outbox entry applied");
      } catch (error: unknown) {
        state.failed += 1;
        const message = error instanceof Error ? error.message : String(error);
        state.problems.push(`outbox ${op.op} ${op.entry} failed: ${message}`);
        params.log.warn({ entry: op.entry, op: op.op }, `outbox entry failed: ${message}`);
      }
    }
  };
  return {
    state,
    drain() {
      chain = chain.then(once, once);
      return chain;
    },
  };
}
