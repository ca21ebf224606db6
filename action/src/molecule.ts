// The molecule the hooked bead belongs to, as the runner shows and walks it: the steps for the
// prompt and the progress checklist, and what planOutbox needs to close them. A single bead has
// none; a molecule that cannot be read is reported and the job goes on as for a single bead.

import type { Logger } from "../../src/log.ts";
import type { Bead } from "../../src/model/bead.ts";
import type { MoleculeStepState } from "../../src/runner/outbox-plan.ts";
import { splitAcceptance } from "../../src/runner/prompt.ts";
import type { TownContext } from "../../src/town/context.ts";
import { loadMolecule } from "../../src/town/molecule/index.ts";

export interface PolecatMolecule {
  root: number;
  formula: string;
  steps: MoleculeStepState[];
  /** The step to work on now (the first open one). */
  current: string | null;
  /** What the current step's issue asks, and how it is accepted (from its body). */
  currentDetail: { description: string | null; acceptance: string | null } | null;
}

/** Whether the bead is a molecule's root or one of its steps. */
export function belongsToMolecule(bead: Bead): boolean {
  return bead.type === "molecule" || bead.type === "wisp" || bead.metadata.molecule !== undefined;
}

/** Loads the bead's molecule; null for a single bead or when it cannot be read (logged). */
export async function loadPolecatMolecule(params: {
  town: TownContext;
  bead: Bead;
  formula: string;
  log: Logger;
}): Promise<PolecatMolecule | null> {
  if (!belongsToMolecule(params.bead)) return null;
  try {
    const { view, children } = await loadMolecule(params.town, params.bead.number);
    const currentIssue = children.find((child) => child.number === view.current?.number);
    const detail = currentIssue ? splitAcceptance(currentIssue.body) : null;
    return {
      root: view.root.number,
      formula: view.root.formula ?? (params.formula || "molecule"),
      steps: view.steps.map((step) => ({
        id: step.id,
        title: step.title,
        issue: step.number ?? null,
        done: step.state === "done",
      })),
      current: view.current?.id ?? null,
      currentDetail: detail
        ? {
            description: detail.description === "" ? null : detail.description,
            acceptance: detail.acceptance,
          }
        : null,
    };
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    params.log.warn(
      { bead: params.bead.number },
      `could not read the molecule; working the bead alone: ${message}`,
    );
    return null;
  }
}

/** The steps with those closed in this job marked done. */
export function withClosed(
  steps: readonly MoleculeStepState[],
  closed: readonly string[],
): MoleculeStepState[] {
  const set = new Set(closed);
  return steps.map((step) => (set.has(step.id) ? { ...step, done: true } : step));
}
