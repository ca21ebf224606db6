// Applies the outbox as it grows: read the new lines, plan them (planOutbox validates, redacts
// and caps), then make the town calls. Escalations become `type/escalation` beads with mail to
// the overseer; discovered work becomes beads that remember, and are named on, where they were
// found. A failed operation is counted and reported, never swallowed; the next entries still
// go through.
import { createBead as createIssue, getBead } from "../../src/github/issues.ts";
import type { Logger } from "../../src/log.ts";
import { formatAddress } from "../../src/model/address.ts";
import { inlineCode } from "../../src/runner/format.ts";
import { createOutboxReader, type OutboxEntry } from "../../src/runner/outbox.ts";
import {
  EMPTY_TALLY,
  type OutboxContext,
  type OutboxOperation,
  type OutboxSignals,
  type OutboxTally,
  planOutbox,
} from "../../src/runner/outbox-plan.ts";
import { commentOnBead } from "../../src/town/beads.ts";
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

// A GitHub login (not a town address like `mayor/`), as `dispatchedBy` may hold one.
const LOGIN = /^@?([A-Za-z\d](?:[A-Za-z\d-]{0,38}))$/;

/**
 * The humans to @mention on a high or critical escalation: the bead's assignees and the login
 * that slung it, bots left out. Read from the bead, so the job needs no wider permission.
 */
export async function findOverseerLogins(town: TownContext, bead: number): Promise<string[]> {
  const { assignees, metadata } = await getBead(town, bead);
  const slinger = LOGIN.exec(metadata.dispatchedBy ?? "")?.[1];
  const logins = [...assignees, ...(slinger === undefined ? [] : [slinger])];
  const humans = logins.filter((login) => !login.toLowerCase().endsWith("[bot]"));
  return [...new Map(humans.map((login) => [login.toLowerCase(), login])).values()];
}

interface ApplyParams {
  town: TownContext;
  /** The polecat's own address, the sender of what it files. */
  from: string;
  root: number | null;
  /** The humans to @mention, looked up once, on the first escalation that needs them. */
  overseers: () => Promise<string[]>;
}

const SUBJECT_ROOM = 150;

/**
 * An escalation: a `type/escalation` bead (severity, related bead and source in its metadata,
 * as `gt escalate` records them), then mail to the overseer pointing at it; high and critical
 * ones @mention the humans so GitHub notifies them for real.
 */
async function applyEscalation(
  params: ApplyParams,
  op: Extract<OutboxOperation, { op: "escalate" }>,
): Promise<void> {
  const escalation = await createIssue(params.town, {
    title: op.title,
    body: op.body,
    type: "escalation",
    priority: op.priority,
    metadata: { others: { severity: op.severity, related: op.bead, source: params.from } },
  });
  const mentions = op.notifyOverseer ? await params.overseers() : [];
  const subject = `Escalation (${op.severity}): ${op.title}`;
  await sendMail(params.town, {
    from: params.from,
    to: "overseer",
    subject: subject.length > SUBJECT_ROOM ? `${subject.slice(0, SUBJECT_ROOM - 1)}…` : subject,
    body: `Escalation #${escalation.number} needs you; it was raised on #${op.bead}.\n\n${op.body}`,
    type: "escalation",
    priority: op.priority,
    ...(mentions.length > 0 ? { mentions } : {}),
  });
}

/**
 * Discovered work: a new bead with `discoveredFrom` in its metadata, and a comment on the bead it
 * was found in naming it. Beads' `discovered-from` is a non-blocking edge, so it is neither a
 * sub-issue (that is parent-child: it would count in the parent's progress) nor a blocker.
 */
async function applyDiscovered(
  params: ApplyParams,
  op: Extract<OutboxOperation, { op: "create-bead" }>,
): Promise<void> {
  const created = await createIssue(params.town, {
    title: op.title,
    body: op.body,
    type: op.type,
    priority: op.priority,
    labels: op.labels,
    metadata: { others: { discoveredFrom: op.discoveredFrom } },
  });
  try {
    await commentOnBead(params.town, {
      number: op.discoveredFrom,
      body: `Discovered work filed as #${created.number} by ${inlineCode(params.from)} while working on this bead (discovered-from; it does not block this one).`,
    });
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `filed #${created.number}, but could not name it on #${op.discoveredFrom}: ${message} Link them by hand with a comment on #${op.discoveredFrom}.`,
    );
  }
}

async function applyOperation(params: ApplyParams, op: OutboxOperation): Promise<void> {
  const { town, root } = params;
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
      await applyDiscovered(params, op);
      return;
    case "close-step":
      if (root === null) throw new Error(`step ${op.step}: the bead is not part of a molecule`);
      await completeStep(town, { root, step: op.step });
      return;
    case "escalate":
      await applyEscalation(params, op);
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
  let overseers: Promise<string[]> | null = null;
  const apply: ApplyParams = {
    town: params.town,
    from: formatAddress({ kind: "polecat", rig: params.context.rig, name: params.context.polecat }),
    root: params.context.molecule?.root ?? null,
    overseers: () => {
      overseers ??= findOverseerLogins(params.town, params.context.bead).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        params.log.warn({ bead: params.context.bead }, `could not find the humans to notify: ${message}`);
        return [];
      });
      return overseers;
    },
  };
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
        await applyOperation(apply, op);
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
