// Human output for formulas and molecules: a formula's summary, its step DAG drawn in text, a
// pour's result, and where a molecule stands. Formula and issue text is sanitized before print.
import type { CookedStep, FormulaListing, Protomolecule } from "../../formula/index.ts";
import type { FinishResult } from "../../town/molecule/finish.ts";
import type { PourPlan } from "../../town/molecule/plan.ts";
import type { PourResult } from "../../town/molecule/pour.ts";
import type { MoleculeView, StepState, StepView } from "../../town/molecule/view.ts";
import { oneLine, progressBar, type Style, truncate } from "../text.ts";

/** How deep each step sits: 0 for a step that needs nothing, else one more than its deepest need. */
function levels(steps: readonly Pick<CookedStep, "id" | "needs">[]): Map<string, number> {
  const level = new Map<string, number>();
  // Cooked steps come in a topological order, so every need's level is known first.
  for (const step of steps) {
    const deepest = Math.max(-1, ...step.needs.map((need) => level.get(need) ?? -1));
    level.set(step.id, deepest + 1);
  }
  return level;
}

/** A step's gate and (compile mode) cook-time condition, as trailing marks. */
function stepMarks(step: CookedStep, style: Style): string {
  const gate = step.gate === undefined ? "" : style.yellow(`  [gate: ${step.gate.type}]`);
  const condition = step.condition === undefined ? "" : style.dim(`  [if ${oneLine(step.condition)}]`);
  return `${gate}${condition}`;
}

/**
 * The step DAG as text, in stages: a step's stage is one more than the deepest of its needs, so
 * steps sharing a stage can run side by side. Each line names what the step needs.
 *
 *     1 │ design     Design login
 *     2 │ implement  Implement login  ← design
 */
export function asciiGraphLines(steps: readonly CookedStep[], style: Style): string[] {
  const level = levels(steps);
  const ordered = [...steps].sort((a, b) => (level.get(a.id) ?? 0) - (level.get(b.id) ?? 0));
  const stageWidth = String(Math.max(0, ...level.values()) + 1).length;
  const idWidth = Math.min(28, Math.max(...steps.map((step) => step.id.length)));
  let previous = -1;
  return ordered.map((step) => {
    const stage = level.get(step.id) ?? 0;
    const label = stage === previous ? " ".repeat(stageWidth) : String(stage + 1).padStart(stageWidth);
    previous = stage;
    const needs = step.needs.length === 0 ? "" : style.dim(`  ← ${step.needs.join(", ")}`);
    return `${style.dim(`${label} │`)} ${style.bold(step.id.padEnd(idWidth))}  ${truncate(oneLine(step.title), 60)}${needs}${stepMarks(step, style)}`;
  });
}

/** `gt formula list`. */
export function formulaListLines(
  listings: readonly (FormulaListing & { description?: string; error?: string })[],
  style: Style,
): string[] {
  if (listings.length === 0) return [style.dim("No formulas found.")];
  const width = Math.max(...listings.map((listing) => listing.name.length));
  return listings.map((listing) => {
    const about = listing.error
      ? style.red(`invalid: ${oneLine(listing.error)}`)
      : truncate(oneLine(listing.description ?? ""), 70);
    const shadows = listing.shadows.length > 0 ? style.dim(` (shadows ${listing.shadows.join(", ")})`) : "";
    return `${style.bold(oneLine(listing.name).padEnd(width))}  ${style.dim(listing.source.padEnd(24))} ${about}${shadows}`;
  });
}

/** A cooked formula's header, vars and steps (`gt formula show`, `gt formula cook`). */
export function formulaLines(proto: Protomolecule, where: string, style: Style, graph: boolean): string[] {
  const lines = [
    `${style.bold(proto.formula)} v${proto.version} (${proto.type}, ${proto.mode} mode)  ${style.dim(where)}`,
  ];
  if (proto.description)
    lines.push(
      ...proto.description
        .trim()
        .split("\n")
        .map((line) => `  ${oneLine(line)}`),
    );
  const vars = Object.entries(proto.vars);
  if (vars.length > 0) {
    lines.push("", "Vars:");
    for (const [name, cooked] of vars) {
      const facts = [
        cooked.required ? "required" : undefined,
        cooked.default === undefined ? undefined : `default ${JSON.stringify(cooked.default)}`,
        cooked.value === undefined ? undefined : `= ${JSON.stringify(cooked.value)}`,
        cooked.enum === undefined ? undefined : `one of ${cooked.enum.join(", ")}`,
        cooked.pattern === undefined ? undefined : `matches /${cooked.pattern}/`,
        cooked.type === "string" ? undefined : cooked.type,
      ].filter((fact) => fact !== undefined);
      const about = cooked.description === undefined ? "" : `  ${oneLine(cooked.description)}`;
      lines.push(
        `  ${style.bold(name)}${facts.length > 0 ? style.dim(` (${oneLine(facts.join("; "))})`) : ""}${about}`,
      );
    }
  }
  lines.push("", `Steps (${proto.steps.length}):`);
  if (graph) lines.push(...asciiGraphLines(proto.steps, style).map((line) => `  ${line}`));
  else {
    const width = Math.min(28, Math.max(...proto.steps.map((step) => step.id.length)));
    for (const step of proto.steps) {
      const needs = step.needs.length === 0 ? "" : style.dim(`  ← ${step.needs.join(", ")}`);
      lines.push(
        `  ${style.bold(step.id.padEnd(width))}  ${truncate(oneLine(step.title), 60)}${needs}${stepMarks(step, style)}`,
      );
    }
  }
  return lines;
}

/** `bd mol pour --dry-run`. */
export function pourPlanLines(plan: PourPlan, style: Style): string[] {
  const lines = [`Would pour ${style.bold(plan.formula)} (key ${plan.key}) as: ${oneLine(plan.root.title)}`];
  for (const item of plan.items) {
    const blockers =
      item.blockedBy.length === 0 ? "" : style.dim(`  (blocked by ${item.blockedBy.join(", ")})`);
    lines.push(
      `  ${item.kind.padEnd(4)}  ${style.bold(item.step)}  ${truncate(oneLine(item.title), 60)}${blockers}`,
    );
  }
  const gates = plan.items.filter((item) => item.kind === "gate").length;
  lines.push(
    `${plan.items.length + 1} issues (${plan.items.length - gates} steps, ${gates} gates), ${plan.dependencies} dependencies.`,
  );
  return lines;
}

/** `bd mol pour`. */
export function pourResultLines(result: PourResult, style: Style): string[] {
  const { root, written, plan } = result;
  const head = result.resumed
    ? `Molecule ${style.bold(`#${root.number}`)} (${plan.formula}) was poured before with key ${plan.key}`
    : `Poured ${style.bold(plan.formula)} as molecule ${style.bold(`#${root.number}`)}`;
  const lines = [`${head}: ${style.dim(root.url)}`];
  for (const item of plan.items) {
    const number = (item.kind === "step" ? result.steps : result.gates)[item.step];
    const label = item.kind === "gate" ? style.yellow("gate") : "    ";
    lines.push(
      `  ${`#${number}`.padEnd(6)} ${label} ${style.bold(item.step)}  ${truncate(oneLine(item.title), 60)}`,
    );
  }
  const total = written.steps + written.gates + written.links + written.dependencies;
  if (result.resumed && total === 0) lines.push("It is complete; nothing was written.");
  else {
    lines.push(
      `${result.resumed ? "Completed it: " : ""}${written.steps} step(s), ${written.gates} gate(s), ${written.links} link(s) and ${written.dependencies} dependency(ies) written.`,
    );
  }
  lines.push(style.dim(`Walk it with: gt mol current ${root.number}`));
  return lines;
}

const MARK: Record<StepState, (style: Style) => string> = {
  done: (style) => style.green("✓"),
  current: (style) => style.cyan("●"),
  ready: (style) => style.yellow("○"),
  blocked: (style) => style.red("✗"),
};

/** A step id read back from GitHub (issue metadata, a wisp's checklist): untrusted, so cleaned. */
export function stepId(id: string): string {
  return truncate(oneLine(id), 80);
}

function stepLine(step: StepView, style: Style, width: number): string {
  const number = step.number === undefined ? "" : `${`#${step.number}`.padEnd(6)} `;
  const detail =
    step.state === "blocked"
      ? style.dim(`  waiting on ${step.waitingOn.map(stepId).join(", ")}`)
      : step.state === "current"
        ? style.cyan(step.started ? "  ← in progress" : "  ← next")
        : step.state === "done" && step.stateReason === "not_planned"
          ? style.dim("  (not planned)")
          : "";
  return `  ${MARK[step.state](style)} ${style.bold(stepId(step.id).padEnd(width))}  ${number}${truncate(oneLine(step.title), 56)}${detail}`;
}

function progressText(view: MoleculeView, style: Style): string {
  const { done, total, percent } = view.progress;
  const bar = progressBar(done, total);
  return `${done === total && total > 0 ? style.green(bar) : style.cyan(bar)} ${done}/${total} (${percent}%)`;
}

function rootLine(view: MoleculeView, style: Style): string {
  const closed = view.root.open ? "" : style.dim(" (closed)");
  return `${view.kind} ${style.bold(`#${view.root.number}`)} ${truncate(oneLine(view.root.title), 60)}${closed}`;
}

/** `gt mol current`. */
export function currentLines(view: MoleculeView, style: Style): string[] {
  const width = Math.min(28, Math.max(4, ...view.steps.map((step) => stepId(step.id).length)));
  return [
    `${rootLine(view, style)}  ${progressText(view, style)}`,
    ...view.steps.map((step) => stepLine(step, style, width)),
  ];
}

/** `gt mol progress`. */
export function progressLines(view: MoleculeView, style: Style): string[] {
  const lines = [rootLine(view, style), `  ${progressText(view, style)}`];
  if (view.current)
    lines.push(`  current: ${style.bold(stepId(view.current.id))} ${oneLine(view.current.title)}`);
  return lines;
}

/** `gt mol ready`. */
export function readyLines(view: MoleculeView, style: Style): string[] {
  if (view.ready.length > 0) {
    const width = Math.min(28, Math.max(4, ...view.ready.map((step) => stepId(step.id).length)));
    return view.ready.map((step) => stepLine({ ...step, state: "ready" }, style, width));
  }
  if (view.progress.done === view.progress.total) {
    return [`All ${view.progress.total} steps are done. Squash it: bd mol squash ${view.root.number}`];
  }
  const started = view.steps.filter((step) => step.started).map((step) => stepId(step.id));
  return [
    style.dim(
      started.length > 0
        ? `No other step is ready; in progress: ${started.join(", ")}.`
        : "No step is ready; every open step is waiting (gt mol current shows on what).",
    ),
  ];
}

/** `bd mol squash` and `bd mol burn`. */
export function finishLines(result: FinishResult, verb: "squashed" | "burned", style: Style): string[] {
  const what = `${result.view.kind} ${style.bold(`#${result.root.number}`)}`;
  if (!result.changed) return [`The ${what} is already closed; nothing to do.`];
  const lines = [
    `${verb === "squashed" ? "Squashed" : "Burned"} ${what}: ${result.closed.length} open step(s) and gate(s) closed as not planned, root closed${verb === "squashed" ? " as completed" : " as not planned"}.`,
  ];
  if (result.digest) lines.push(`Digest: ${style.dim(result.digest.url)}`);
  return lines;
}
