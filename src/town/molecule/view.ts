// Where a molecule stands, decided from what GitHub already says: each step's issue state, its
// open-blocker count (`issue_dependencies_summary`) and its needs (in its metadata), so a whole
// walk costs two reads, the root and its sub-issues. A wisp's standing is its checklist.
import { topologicalOrder } from "../../formula/index.ts";
import type { Bead, CloseState } from "../../model/bead.ts";
import { parseChecklist } from "./checklist.ts";
import { readMoleculeFields } from "./metadata.ts";

/**
 * A step's standing: `done` (closed), `current` (being worked: hooked or in progress; when
 * nothing is, the first ready step, where a worker resumes), `ready` (nothing holds it) or
 * `blocked` (a step it needs is open, its gate is shut, or another issue blocks it).
 */
export type StepState = "done" | "current" | "ready" | "blocked";

/** A step's gate issue. */
export interface GateView {
  number: number;
  type: string;
  open: boolean;
}

export interface StepView {
  id: string;
  title: string;
  /** The step's issue (molecules); undefined for a wisp's checklist line. */
  number?: number;
  url?: string;
  state: StepState;
  /** Hooked or in progress on GitHub. */
  started: boolean;
  needs: string[];
  /** What holds it: ids of needed steps still open, `gate #n`, `n other issues`. */
  waitingOn: string[];
  gate?: GateView;
  assignees: string[];
  closedBy?: string;
  stateReason?: CloseState | null;
}

export interface Progress {
  done: number;
  total: number;
  /** Whole percent, rounded down (100 only when all are done). */
  percent: number;
}

export interface MoleculeView {
  kind: "molecule" | "wisp";
  root: { number: number; title: string; url: string; open: boolean; formula?: string };
  /** In dependency order. */
  steps: StepView[];
  /** The step to work on now, if any. */
  current?: StepView;
  /** Steps nothing holds back, not yet started, in order. */
  ready: StepView[];
  progress: Progress;
  /** Sub-issues that are neither steps nor gates (added by hand); not counted. */
  others: number[];
}

export function progressOf(steps: readonly Pick<StepView, "state">[]): Progress {
  const done = steps.filter((step) => step.state === "done").length;
  const total = steps.length;
  return { done, total, percent: total === 0 ? 0 : Math.floor((done * 100) / total) };
}

/** Orders steps after the steps they need; a hand-edited cycle keeps the given order. */
function inDependencyOrder<T extends { id: string; needs: readonly string[] }>(steps: readonly T[]): T[] {
  try {
    return topologicalOrder(steps);
  } catch {
    return [...steps];
  }
}

/** Promotes the first ready step to current when nothing is being worked, and sums up. */
function finish(
  kind: MoleculeView["kind"],
  root: MoleculeView["root"],
  steps: StepView[],
  others: number[],
): MoleculeView {
  if (!steps.some((step) => step.state === "current")) {
    const first = steps.find((step) => step.state === "ready");
    if (first) first.state = "current";
  }
  const current = steps.find((step) => step.state === "current");
  const ready = steps.filter((step) => (step.state === "ready" || step.state === "current") && !step.started);
  return {
    kind,
    root,
    steps,
    ...(current === undefined ? {} : { current }),
    ready,
    progress: progressOf(steps),
    others,
  };
}

function rootOf(root: Bead): MoleculeView["root"] {
  return {
    number: root.number,
    title: root.title,
    url: root.url,
    open: root.status !== "closed",
    ...(root.metadata.formula === undefined ? {} : { formula: root.metadata.formula }),
  };
}

/** A molecule's standing from its root and sub-issues (steps and gates). */
export function viewMolecule(root: Bead, children: readonly Bead[]): MoleculeView {
  const gates = new Map<string, Bead>();
  const stepBeads: Bead[] = [];
  const others: number[] = [];
  for (const child of children) {
    const fields = readMoleculeFields(child.metadata);
    if (fields.gateFor !== undefined) {
      if (!gates.has(fields.gateFor)) gates.set(fields.gateFor, child);
    } else if (child.metadata.step !== undefined) stepBeads.push(child);
    else others.push(child.number);
  }
  const seen = new Set<string>();
  const steps = stepBeads
    .filter((bead) => {
      const id = bead.metadata.step as string;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .map((bead) => ({
      bead,
      id: bead.metadata.step as string,
      needs: readMoleculeFields(bead.metadata).needs ?? [],
    }));
  const closed = new Set(steps.filter(({ bead }) => bead.status === "closed").map(({ id }) => id));

  const views = inDependencyOrder(steps).map(({ bead, id, needs }): StepView => {
    const gateBead = gates.get(id);
    const gate: GateView | undefined =
      gateBead === undefined
        ? undefined
        : {
            number: gateBead.number,
            type: readMoleculeFields(gateBead.metadata).gate?.type ?? "gate",
            open: gateBead.status !== "closed",
          };
    const waitingOn = needs.filter((need) => !closed.has(need));
    if (gate?.open) waitingOn.push(`gate #${gate.number}`);
    const known = waitingOn.length;
    const otherBlockers = Math.max(0, bead.dependencies.blockedBy - known);
    if (otherBlockers > 0) waitingOn.push(`${otherBlockers} other issue${otherBlockers === 1 ? "" : "s"}`);
    const started = bead.status === "hooked" || bead.status === "in_progress";
    const state: StepState =
      bead.status === "closed" ? "done" : started ? "current" : waitingOn.length > 0 ? "blocked" : "ready";
    return {
      id,
      title: bead.title,
      number: bead.number,
      url: bead.url,
      state,
      started: state !== "done" && started,
      needs,
      waitingOn: state === "done" ? [] : waitingOn,
      ...(gate === undefined ? {} : { gate }),
      assignees: bead.assignees,
      ...(bead.closedBy === undefined ? {} : { closedBy: bead.closedBy }),
      ...(bead.status === "closed" ? { stateReason: bead.stateReason } : {}),
    };
  });
  return finish("molecule", rootOf(root), views, others);
}

/** A wisp's standing from its checklist (ticked = done) and the needs in its metadata. */
export function viewWisp(root: Bead): MoleculeView {
  const dag = readMoleculeFields(root.metadata).dag ?? {};
  const items = parseChecklist(root.body);
  const seen = new Set<string>();
  const steps = items
    .filter((item) => {
      if (seen.has(item.id)) return false;
      seen.add(item.id);
      return true;
    })
    .map((item) => ({ ...item, needs: dag[item.id] ?? [] }));
  const done = new Set(steps.filter((step) => step.done).map((step) => step.id));
  const views = inDependencyOrder(steps).map((step): StepView => {
    const waitingOn = step.done ? [] : step.needs.filter((need) => seen.has(need) && !done.has(need));
    return {
      id: step.id,
      title: step.title,
      state: step.done ? "done" : waitingOn.length > 0 ? "blocked" : "ready",
      started: false,
      needs: step.needs,
      waitingOn,
      assignees: [],
    };
  });
  return finish("wisp", rootOf(root), views, []);
}
