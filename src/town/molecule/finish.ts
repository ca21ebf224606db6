// Ending a molecule. `squash`: one digest comment on the root (every step, how it ended and who
// closed it, plus the worker's summary), the steps and gates still open closed as not planned,
// the root closed as completed. `burn`: steps, gates and root closed as not planned, no digest.
// Both are safe to run again after a failure half-way: the digest is posted once (found by its
// marker), closed issues are skipped, and a closed root means there is nothing left to do.
import { createComment, listComments } from "../../github/comments.ts";
import { findBead } from "../../github/issues.ts";
import type { Bead } from "../../model/bead.ts";
import type { Comment } from "../../model/mail.ts";
import { redactSecrets } from "../../model/redact.ts";
import { FAN_OUT, mapLimit } from "../concurrency.ts";
import { logOf, type TownContext } from "../context.ts";
import { cell, clip, code } from "./markdown.ts";
import { readMoleculeFields } from "./metadata.ts";
import type { MoleculeView, StepView } from "./view.ts";
import { closeMoleculeIssue, type LoadedMolecule, loadMolecule } from "./walk.ts";

/** Marks the digest comment, so a squash run again does not post a second. */
export const DIGEST_MARKER = "<!-- gastown-digest -->";

export interface FinishResult {
  root: Bead;
  /** False when the root was already closed: nothing was written. */
  changed: boolean;
  /** The molecule as it stood before it was finished. */
  view: MoleculeView;
  /** Issues (steps and gates) this call closed. */
  closed: number[];
  /** The digest comment (squash only; absent when it was already there). */
  digest?: Comment;
}

function stateWord(step: StepView): string {
  if (step.state !== "done") return "not done";
  return step.stateReason === "not_planned"
    ? "not planned"
    : step.stateReason === "duplicate"
      ? "duplicate"
      : "done";
}

/** The digest comment's Markdown: a table of the steps, the progress, and the summary given. */
export function renderDigest(view: MoleculeView, summary?: string): string {
  const what = view.kind === "wisp" ? "Wisp" : "Molecule";
  const formula = view.root.formula === undefined ? "" : ` ${code(view.root.formula)}`;
  const lines = [DIGEST_MARKER, `### ${what}${formula} squashed`];
  const text = summary?.trim();
  if (text) lines.push("", redactSecrets(text));
  lines.push("", "| State | Step | Issue | Closed by |", "| --- | --- | --- | --- |");
  for (const step of view.steps) {
    const issue = step.number === undefined ? "—" : `#${step.number}`;
    const by = step.state === "done" && step.closedBy !== undefined ? `@${step.closedBy}` : "—";
    lines.push(`| ${stateWord(step)} | ${code(step.id)} ${cell(clip(step.title, 100))} | ${issue} | ${by} |`);
  }
  const { done, total, percent } = view.progress;
  lines.push("", `**${done} of ${total} steps done** (${percent}%).`);
  return lines.join("\n");
}

/** Closed steps whose closer the sub-issue list left out, read one by one (single reads say). */
async function fillClosers(town: TownContext, loaded: LoadedMolecule): Promise<MoleculeView> {
  const missing = loaded.view.steps.filter((step) => step.state === "done" && step.closedBy === undefined);
  const found = await mapLimit(missing, FAN_OUT, (step) =>
    step.number === undefined ? Promise.resolve(null) : findBead(town, step.number),
  );
  const closers = new Map<string, string>();
  missing.forEach((step, i) => {
    const by = found[i]?.closedBy;
    if (by !== undefined) closers.set(step.id, by);
  });
  if (closers.size === 0) return loaded.view;
  const steps = loaded.view.steps.map((step) => {
    const by = closers.get(step.id);
    return by === undefined ? step : { ...step, closedBy: by };
  });
  return { ...loaded.view, steps };
}

/** The steps and gates of a molecule that are still open (hand-added sub-issues are left alone). */
function openParts(loaded: LoadedMolecule): Bead[] {
  return loaded.children.filter((child) => {
    if (child.status === "closed") return false;
    return child.metadata.step !== undefined || readMoleculeFields(child.metadata).gateFor !== undefined;
  });
}

async function closeParts(town: TownContext, loaded: LoadedMolecule): Promise<number[]> {
  const closed: number[] = [];
  for (const part of openParts(loaded)) {
    await closeMoleculeIssue(town, part, "not_planned");
    closed.push(part.number);
  }
  return closed;
}

/** `bd mol squash`: digest comment, open steps closed as not planned, root closed as completed. */
export async function squashMolecule(
  town: TownContext,
  params: { root: number; summary?: string },
): Promise<FinishResult> {
  const loaded = await loadMolecule(town, params.root);
  const { root } = loaded;
  if (root.status === "closed") return { root, changed: false, view: loaded.view, closed: [] };
  const view = loaded.view.kind === "molecule" ? await fillClosers(town, loaded) : loaded.view;
  const comments = await listComments(town, { issue: root.number });
  const posted = comments.some((comment) => comment.body.includes(DIGEST_MARKER));
  const digest = posted
    ? undefined
    : await createComment(town, { issue: root.number, body: renderDigest(view, params.summary) });
  const closed = await closeParts(town, loaded);
  await closeMoleculeIssue(town, root, "completed");
  logOf(town).info({ molecule: root.number, closed: closed.length }, "molecule squashed");
  return {
    root: { ...root, status: "closed", stateReason: "completed" },
    changed: true,
    view,
    closed,
    ...(digest === undefined ? {} : { digest }),
  };
}

/** `bd mol burn`: steps, gates and root closed as not planned, no digest. */
export async function burnMolecule(town: TownContext, params: { root: number }): Promise<FinishResult> {
  const loaded = await loadMolecule(town, params.root);
  const { root } = loaded;
  if (root.status === "closed") return { root, changed: false, view: loaded.view, closed: [] };
  const closed = await closeParts(town, loaded);
  await closeMoleculeIssue(town, root, "not_planned");
  logOf(town).info({ molecule: root.number, closed: closed.length }, "molecule burned");
  return {
    root: { ...root, status: "closed", stateReason: "not_planned" },
    changed: true,
    view: loaded.view,
    closed,
  };
}
