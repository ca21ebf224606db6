// Walking a molecule: load it (root and sub-issues, or a wisp's checklist), say where it stands,
// and close steps one at a time (`gt mol step done`), naming what is ready next. Crash recovery
// falls out of this: closed steps stay closed and the next worker resumes at the current step.
import { getBead, listBeads, closeBead as closeIssue, updateBead } from "../../github/issues.ts";
import { listSubIssues } from "../../github/sub-issues.ts";
import type { Bead, CloseState } from "../../model/bead.ts";
import { GastownError } from "../../model/errors.ts";
import { closeBead } from "../beads.ts";
import { logOf, type TownContext } from "../context.ts";
import { taxonomyOf } from "../labels.ts";
import { tickChecklist } from "./checklist.ts";
import { readMoleculeFields } from "./metadata.ts";
import { type MoleculeView, type StepView, viewMolecule, viewWisp } from "./view.ts";

/** A molecule (or wisp) as read from GitHub. */
export interface LoadedMolecule {
  root: Bead;
  /** Sub-issues of a molecule's root (steps, gates and any added by hand); empty for a wisp. */
  children: Bead[];
  view: MoleculeView;
}

function notAMolecule(bead: Bead): GastownError {
  return new GastownError(`#${bead.number} is a ${bead.type}, not a molecule or wisp.`, {
    code: "bad-input",
    hint: "Name the root issue of a molecule (type/molecule) or wisp (type/wisp), or one of its steps.",
  });
}

/**
 * Loads the molecule rooted at `number`; a step or gate number leads to its molecule. Costs the
 * root and one list of its sub-issues (a wisp: the root alone).
 */
export async function loadMolecule(town: TownContext, number: number): Promise<LoadedMolecule> {
  let root = await getBead(town, number);
  if (root.type !== "molecule" && root.type !== "wisp") {
    if (root.metadata.molecule === undefined || root.metadata.molecule === root.number)
      throw notAMolecule(root);
    root = await getBead(town, root.metadata.molecule);
    if (root.type !== "molecule" && root.type !== "wisp") throw notAMolecule(root);
  }
  if (root.type === "wisp") return { root, children: [], view: viewWisp(root) };
  const children = await listSubIssues(town, root.number);
  return { root, children, view: viewMolecule(root, children) };
}

/** The open molecule and wisp roots of the repository, oldest first (two paginated lists). */
export async function listOpenRoots(town: TownContext): Promise<Bead[]> {
  const types = taxonomyOf(town).type;
  const [molecules, wisps] = await Promise.all([
    listBeads(town, { state: "open", labels: [types.molecule] }),
    listBeads(town, { state: "open", labels: [types.wisp] }),
  ]);
  return [...molecules, ...wisps].sort((a, b) => a.number - b.number);
}

/**
 * The root to work on: the one named, else the only open molecule or wisp of the repository.
 * Fails, listing them, when there are several.
 */
export async function resolveRoot(town: TownContext, root?: number): Promise<number> {
  if (root !== undefined) return root;
  const roots = await listOpenRoots(town);
  const only = roots[0];
  if (roots.length === 1 && only !== undefined) return only.number;
  if (roots.length === 0) {
    throw new GastownError("There is no open molecule or wisp in this repository.", {
      code: "not-found",
      hint: "Pour one with bd mol pour <formula> (or bd mol wisp <formula>).",
    });
  }
  const listed = roots
    .slice(0, 10)
    .map((bead) => `#${bead.number} ${bead.title}`)
    .join("; ");
  throw new GastownError(`There are ${roots.length} open molecules and wisps: ${listed}.`, {
    code: "bad-input",
    hint: "Name one: pass its root number (or set GASTOWN_MOLECULE to it).",
  });
}

/** Closes an issue of the molecule; one with a status label goes through bd close (labels, hook). */
export async function closeMoleculeIssue(town: TownContext, bead: Bead, as: CloseState): Promise<void> {
  if (bead.status === "closed") return;
  if (bead.status === "open") await closeIssue(town, { number: bead.number, reason: as });
  else await closeBead(town, { number: bead.number, as });
}

function findStep(view: MoleculeView, step: string): StepView {
  const trimmed = step.trim();
  const byId = view.steps.find((candidate) => candidate.id === trimmed);
  if (byId) return byId;
  const number = /^#?(\d+)$/.exec(trimmed);
  const byNumber = number
    ? view.steps.find((candidate) => candidate.number === Number(number[1]))
    : undefined;
  if (byNumber) return byNumber;
  const ids = view.steps.map((candidate) => candidate.id);
  throw new GastownError(`Molecule #${view.root.number} has no step "${step}".`, {
    code: "not-found",
    hint: `Name one of its steps: ${ids.slice(0, 20).join(", ")}${ids.length > 20 ? ", …" : ""}.`,
  });
}

/** What `gt mol step done` did and what comes next. */
export interface StepDoneResult {
  /** The step, as it stands now (done). */
  step: StepView;
  /** False when it was already done: nothing was written. */
  changed: boolean;
  /** The molecule after the step was closed. */
  view: MoleculeView;
  /** The first ready step nobody has started (hooked or in progress), if any. */
  next?: StepView;
}

/** The view of a molecule after closing `stepId`, computed without reading GitHub again. */
function afterClosing(loaded: LoadedMolecule, stepId: string): MoleculeView {
  const children = loaded.children.map((child): Bead => {
    if (child.metadata.step === stepId && readMoleculeFields(child.metadata).gateFor === undefined) {
      return { ...child, status: "closed", stateReason: "completed" };
    }
    const needs = readMoleculeFields(child.metadata).needs ?? [];
    if (child.status === "closed" || !needs.includes(stepId)) return child;
    const blockedBy = Math.max(0, child.dependencies.blockedBy - 1);
    return { ...child, dependencies: { ...child.dependencies, blockedBy } };
  });
  return viewMolecule(loaded.root, children);
}

function blockedError(view: MoleculeView, step: StepView): GastownError {
  return new GastownError(
    `Step ${step.id} of molecule #${view.root.number} is still waiting on ${step.waitingOn.join(", ")}.`,
    {
      code: "conflict",
      hint: "Finish those first (gt mol ready lists what can be done now), or pass --force to close it anyway.",
    },
  );
}

async function completeWispStep(
  town: TownContext,
  loaded: LoadedMolecule,
  step: StepView,
): Promise<StepDoneResult> {
  const { root } = loaded;
  if (!root.writable) {
    throw new GastownError(
      `Wisp #${root.number} was written by a newer gastown; this one will not rewrite it.`,
      {
        code: "conflict",
        hint: "Upgrade gastown, or tick the box on GitHub.",
      },
    );
  }
  const text = tickChecklist(root.body, step.id);
  if (text === undefined) throw new Error(`step ${step.id} vanished from the checklist of #${root.number}`);
  const updated = await updateBead(town, { number: root.number, body: { text, metadata: root.metadata } });
  return finishStep(viewWisp(updated), step.id, true);
}

/** The result of `step done`: the next step is the first ready one nobody has started. */
function finishStep(view: MoleculeView, stepId: string, changed: boolean): StepDoneResult {
  const step = view.steps.find((candidate) => candidate.id === stepId) as StepView;
  const next = view.ready[0];
  return { step, changed, view, ...(next === undefined ? {} : { next }) };
}

/**
 * Closes one step (a wisp: ticks its box) and names the next ready one. A step still waiting on
 * others is refused unless `force`; a step already done is left alone.
 */
export async function completeStep(
  town: TownContext,
  params: { root: number; step: string; force?: boolean },
): Promise<StepDoneResult> {
  const loaded = await loadMolecule(town, params.root);
  const step = findStep(loaded.view, params.step);
  if (step.state === "done") return finishStep(loaded.view, step.id, false);
  if (step.waitingOn.length > 0 && !params.force) throw blockedError(loaded.view, step);
  if (loaded.view.kind === "wisp") return completeWispStep(town, loaded, step);
  const bead = loaded.children.find((child) => child.number === step.number) as Bead;
  await closeMoleculeIssue(town, bead, "completed");
  logOf(town).info({ molecule: loaded.root.number, step: step.id, issue: bead.number }, "step done");
  return finishStep(afterClosing(loaded, step.id), step.id, true);
}
