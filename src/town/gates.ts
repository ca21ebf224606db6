// Gates (formula `[steps.gate]`): a gate is an open `type/gate` issue that blocks one step of a
// molecule; closing it makes the step ready (GitHub's blocked-by edge does the rest). Pour writes
// what it waits for in the gate's metadata (`gate: {type, id, timeout}`, readMoleculeFields).
// Events open gates here, in three steps: gather the open gates (one paginated list), decide
// which the event opens (planGates, pure), apply (a comment saying why, then close).
//
// What each type waits for, and how `id` names it:
// - `gh:run`: a workflow run completing successfully (conclusion success or neutral). `id` is a
//   run id (`123456`), a workflow file (`release.yml`) or a workflow's name (`Release`); a file or
//   name only counts runs created after the gate was poured. A failed run leaves the gate shut
//   and says so on it.
// - `gh:pr`: a pull request merged. `id` is its number (`42`, `#42`) or its head branch
//   (`release/1.2`). Closed without merging: the gate stays shut, with a note.
// - `bead`: another issue closed as completed; `id` is its number.
// - `timer`: `timeout` after the gate was poured (`30s`, `15m`, `2h`, `1d`, `1h30m`); the patrol
//   opens it.
// - `human`, `mail` and gates without an `id`: opened by a person closing the issue.
// A gate other than a timer whose `timeout` passes shut is escalated to the overseers once.
// The patrol also looks for what a missed event would have said (repairGates): a run that
// succeeded, a pull request merged, a bead closed; only openings are repaired this way.
import { findRun, listFinishedRuns } from "../github/actions.ts";
import { createComment } from "../github/comments.ts";
import { closeBead, findBead, listBeads, updateBead } from "../github/issues.ts";
import { getPullDetails, listPullsFromBranch } from "../github/merge-requests.ts";
import type { Bead } from "../model/bead.ts";
import { logOf, nowOf, type TownContext } from "./context.ts";
import { escalate } from "./escalate.ts";
import { taxonomyOf } from "./labels.ts";
import { type GateSpec, readMoleculeFields } from "./molecule/metadata.ts";

/** An open gate issue and what it waits for. */
export interface Gate {
  bead: Bead;
  spec: GateSpec;
  /** The step it holds. */
  gateFor: string | null;
  /** When it was escalated for running past its timeout. */
  expiredAt: string | null;
}

/** Something that happened, as gates see it. */
export type GateEvent =
  | {
      kind: "run";
      runId: number;
      /** `.github/workflows/release.yml` (a `@ref` suffix is ignored). */
      workflowPath: string;
      workflowName: string;
      conclusion: string | null;
      createdAt: string;
      url: string;
    }
  | { kind: "pull"; number: number; headRef: string; merged: boolean; url: string }
  | { kind: "bead"; number: number; reason: string | null }
  /** The patrol's clock tick: timers and timeouts. */
  | { kind: "tick" };

/** What to do with one gate. */
export type GateDecision =
  | { gate: Gate; action: "open"; reason: string }
  | { gate: Gate; action: "note"; reason: string }
  | { gate: Gate; action: "expire"; reason: string };

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `30s`, `15m`, `2h`, `1d`, `1w`, `1h30m` in milliseconds; null when it is none of those. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+\s*[smhdw]\s*)+$/.test(trimmed)) return null;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)\s*([smhdw])/g)) {
    total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
  }
  return total > 0 ? total : null;
}

/** The open gates among `beads` (issues with a readable gate spec). */
export function gatesOf(beads: readonly Bead[]): Gate[] {
  return beads.flatMap((bead) => {
    if (bead.status === "closed") return [];
    const fields = readMoleculeFields(bead.metadata);
    if (!fields.gate) return [];
    const expired = bead.metadata.others?.gateExpiredAt;
    return [
      {
        bead,
        spec: fields.gate,
        gateFor: fields.gateFor ?? null,
        expiredAt: typeof expired === "string" ? expired : null,
      },
    ];
  });
}

const fileOf = (path: string): string => (path.replace(/@.*$/, "").split("/").pop() ?? "").toLowerCase();
const numberOf = (id: string): number | null => {
  const match = /^#?(\d+)$/.exec(id.trim());
  return match ? Number(match[1]) : null;
};
const PASSED = new Set(["success", "neutral"]);

function runDecision(gate: Gate, event: Extract<GateEvent, { kind: "run" }>): GateDecision | null {
  const id = gate.spec.id?.trim();
  if (!id) return null;
  const byNumber = numberOf(id);
  const matches =
    byNumber !== null
      ? byNumber === event.runId
      : (/\.ya?ml$/i.test(id)
          ? fileOf(event.workflowPath) === fileOf(id)
          : event.workflowName.toLowerCase() === id.toLowerCase()) &&
        Date.parse(event.createdAt) >= Date.parse(gate.bead.createdAt);
  if (!matches) return null;
  const run = `[run ${event.runId}](${event.url}) of ${event.workflowName}`;
  if (event.conclusion !== null && PASSED.has(event.conclusion))
    return { gate, action: "open", reason: `${run} succeeded.` };
  return {
    gate,
    action: "note",
    reason: `${run} ended ${event.conclusion ?? "without a conclusion"}, so the gate stays shut. Re-run it, or close this issue to open the gate by hand.`,
  };
}

function pullDecision(gate: Gate, event: Extract<GateEvent, { kind: "pull" }>): GateDecision | null {
  const id = gate.spec.id?.trim();
  if (!id) return null;
  const byNumber = numberOf(id);
  const matches = byNumber !== null ? byNumber === event.number : id === event.headRef;
  if (!matches) return null;
  const pull = `[pull request #${event.number}](${event.url})`;
  return event.merged
    ? { gate, action: "open", reason: `${pull} was merged.` }
    : {
        gate,
        action: "note",
        reason: `${pull} was closed without merging, so the gate stays shut. Reopen and merge it, or close this issue to open the gate by hand.`,
      };
}

function tickDecision(gate: Gate, now: Date): GateDecision | null {
  const timeout = gate.spec.timeout === undefined ? null : parseDuration(gate.spec.timeout);
  if (timeout === null) return null;
  const due = Date.parse(gate.bead.createdAt) + timeout;
  if (now.getTime() < due) return null;
  if (gate.spec.type === "timer")
    return { gate, action: "open", reason: `its timer (${gate.spec.timeout}) ran out.` };
  if (gate.expiredAt !== null) return null;
  return {
    gate,
    action: "expire",
    reason: `it has waited past its timeout (${gate.spec.timeout}) for ${gate.spec.type}${gate.spec.id ? ` ${gate.spec.id}` : ""}.`,
  };
}

/** Which gates an event opens (or leaves shut with a note, or escalates). Pure. */
export function planGates(gates: readonly Gate[], event: GateEvent, now: Date): GateDecision[] {
  const decisions: GateDecision[] = [];
  for (const gate of gates) {
    let decision: GateDecision | null = null;
    switch (event.kind) {
      case "run":
        if (gate.spec.type === "gh:run") decision = runDecision(gate, event);
        break;
      case "pull":
        if (gate.spec.type === "gh:pr") decision = pullDecision(gate, event);
        break;
      case "bead": {
        const id = gate.spec.id === undefined ? null : numberOf(gate.spec.id);
        if (gate.spec.type !== "bead" || id !== event.number) break;
        decision =
          event.reason === null || event.reason === "completed"
            ? { gate, action: "open", reason: `#${event.number} was closed.` }
            : {
                gate,
                action: "note",
                reason: `#${event.number} was closed as ${event.reason.replace("_", " ")}, so the gate stays shut. Close this issue to open it by hand.`,
              };
        break;
      }
      case "tick":
        decision = tickDecision(gate, now);
        break;
    }
    if (decision) decisions.push(decision);
  }
  return decisions;
}

/** The open gates of the repository: one paginated list of `type/gate` issues. */
export async function listGates(town: TownContext): Promise<Gate[]> {
  return gatesOf(await listBeads(town, { state: "open", labels: [taxonomyOf(town).type.gate] }));
}

export interface CheckGatesParams {
  event: GateEvent;
  /** Who an expired gate's escalation @mentions. */
  overseers?: readonly string[];
}

/** Gathers the open gates, decides what `event` does to them and applies it. */
export async function checkGates(town: TownContext, params: CheckGatesParams): Promise<GateDecision[]> {
  const gates = await listGates(town);
  if (gates.length === 0) return [];
  const decisions = planGates(gates, params.event, nowOf(town));
  for (const decision of decisions) await applyGateDecision(town, decision, params.overseers ?? []);
  return decisions;
}

async function applyGateDecision(
  town: TownContext,
  decision: GateDecision,
  overseers: readonly string[],
): Promise<void> {
  const { gate } = decision;
  const number = gate.bead.number;
  const step = gate.gateFor === null ? "its step" : `step \`${gate.gateFor}\``;
  switch (decision.action) {
    case "open":
      await createComment(town, {
        issue: number,
        body: `Gate open: ${decision.reason} ${step} can go ahead.`,
      });
      await closeBead(town, { number, reason: "completed" });
      logOf(town).info({ gate: number, step: gate.gateFor }, "gate opened");
      return;
    case "note":
      await createComment(town, { issue: number, body: decision.reason });
      return;
    case "expire": {
      const now = nowOf(town).toISOString();
      await escalate(town, {
        severity: "medium",
        description: `Gate #${number} is still shut past its timeout`,
        details: `#${number} holds ${step}: ${decision.reason} Close it to let the step go ahead, or find out why it has not opened.`,
        related: number,
        from: { kind: "deacon" },
        overseers,
      });
      if (gate.bead.writable) {
        await updateBead(town, {
          number,
          body: {
            text: gate.bead.body,
            metadata: { ...gate.bead.metadata, others: { ...gate.bead.metadata.others, gateExpiredAt: now } },
          },
        });
      }
      logOf(town).info({ gate: number }, "gate past its timeout escalated");
      return;
    }
  }
}

/** What a gate's missed event would have been, read back from GitHub (one or two requests). */
async function missedEvents(town: TownContext, gate: Gate): Promise<GateEvent[]> {
  const id = gate.spec.id?.trim();
  if (!id) return [];
  const number = numberOf(id);
  switch (gate.spec.type) {
    case "gh:run": {
      if (number !== null) {
        const run = await findRun(town, number);
        if (run?.status !== "completed") return [];
        return [
          {
            kind: "run",
            runId: run.id,
            workflowPath: "",
            workflowName: `run ${run.id}`,
            conclusion: run.conclusion,
            createdAt: gate.bead.createdAt,
            url: run.htmlUrl,
          },
        ];
      }
      const byFile = /\.ya?ml$/i.test(id);
      const runs = await listFinishedRuns(town, {
        ...(byFile ? { workflow: fileOf(id) } : {}),
        since: gate.bead.createdAt,
      });
      return runs.map((run) => ({
        kind: "run" as const,
        runId: run.id,
        workflowPath: run.path,
        workflowName: run.name,
        conclusion: run.conclusion,
        createdAt: run.createdAt,
        url: run.htmlUrl,
      }));
    }
    case "gh:pr": {
      const pulls =
        number !== null
          ? [await getPullDetails(town, number)].filter((p) => p !== null)
          : await listPullsFromBranch(town, id);
      return pulls
        .filter((p) => p.merged)
        .map((p) => ({
          kind: "pull" as const,
          number: p.number,
          headRef: p.headRef,
          merged: true,
          url: p.url,
        }));
    }
    case "bead": {
      if (number === null) return [];
      const bead = await findBead(town, number);
      return bead?.status === "closed" ? [{ kind: "bead" as const, number, reason: bead.stateReason }] : [];
    }
    default:
      return [];
  }
}

/**
 * The patrol's repair of gates whose event never arrived (a webhook lost, the app down): each
 * open `gh:run`, `gh:pr` and `bead` gate is checked against GitHub, and opened when what it waits
 * for has happened. Only openings: a failure's note was the event's to give.
 */
export async function repairGates(town: TownContext): Promise<GateDecision[]> {
  const opened: GateDecision[] = [];
  for (const gate of await listGates(town)) {
    for (const event of await missedEvents(town, gate)) {
      const decision = planGates([gate], event, nowOf(town)).find((d) => d.action === "open");
      if (!decision) continue;
      await applyGateDecision(town, decision, []);
      opened.push(decision);
      break;
    }
  }
  return opened;
}
