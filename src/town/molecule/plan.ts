// Deciding a pour: a cooked protomolecule in, the issues to write out. Pure (a hash aside), so
// `bd mol pour --dry-run` prints it and tests assert it without GitHub. The root issue carries
// the formula, its vars and the pour key; each step becomes a sub-issue, each gated step gets a
// gate issue ahead of it, and every `needs` (and every gate) becomes a blocked-by edge.
import { createHash } from "node:crypto";
import { type CookedGate, type CookedStep, type Protomolecule, renderMermaid } from "../../formula/index.ts";
import type { BeadMetadata } from "../../model/bead.ts";
import { GastownError } from "../../model/errors.ts";
import { validateLabelName } from "../../model/labels.ts";
import { isPriority, type Priority } from "../../model/vocabulary.ts";
import { clip, code } from "./markdown.ts";
import { type MoleculeFields, writeMoleculeFields } from "./metadata.ts";

/** GitHub's caps: sub-issues per parent, and blocked-by (or blocking) edges per issue. */
export const MAX_SUB_ISSUES = 100;
export const MAX_DEPENDENCIES = 50;

/** GitHub refuses longer issue titles. */
const TITLE_MAX = 256;

/** One issue of a molecule, not yet written. */
export interface PourItem {
  /** `step:<id>` or `gate:<id>`: how the item is matched on GitHub (step id or gated step). */
  key: string;
  kind: "step" | "gate";
  /** The step's id (for a gate, the step it holds). */
  step: string;
  title: string;
  body: string;
  priority?: Priority;
  /** Labels other than status, priority and type. */
  labels: string[];
  /** Molecule fields of its metadata (the root's number is added when it is known). */
  fields: MoleculeFields;
  /** Keys of the items it is blocked by, all earlier in the plan. */
  blockedBy: string[];
}

/** The root issue of a molecule or wisp, not yet written. */
export interface RootDraft {
  title: string;
  body: string;
  metadata: BeadMetadata;
}

/** What pouring a protomolecule writes. */
export interface PourPlan {
  formula: string;
  version: number;
  /** Identifies this pour: pouring again with the same key completes or reuses it. */
  key: string;
  vars: Record<string, string>;
  root: RootDraft;
  /** In creation order: every item after the items it is blocked by. */
  items: PourItem[];
  /** How many blocked-by edges the items have in all. */
  dependencies: number;
  /** Things worth saying that do not stop the pour. */
  warnings: string[];
}

export interface PlanOptions {
  /** The pour key; by default derived from the formula, its version and the var values. */
  key?: string;
  /** The root's title; by default the formula name and the var values. */
  title?: string;
}

/** The var values a runtime protomolecule was cooked with. */
export function varValues(proto: Protomolecule): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, cooked] of Object.entries(proto.vars))
    if (cooked.value !== undefined) values[name] = cooked.value;
  return values;
}

/**
 * The default pour key: a digest of the formula, its version and its var values, so pouring the
 * same thing twice lands on the same molecule (a retried job, a redelivered webhook). Pour with
 * another key to get a second molecule of the same formula and vars.
 */
export function pourKeyOf(proto: Protomolecule): string {
  const vars = Object.entries(varValues(proto)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const digest = createHash("sha256").update(JSON.stringify([proto.formula, proto.version, vars]));
  return digest.digest("hex").slice(0, 16);
}

function invalid(message: string, hint: string): GastownError {
  return new GastownError(message, { code: "bad-input", hint });
}

/** Refuses what cannot be poured: templates that are not workflows, and uncooked vars. */
export function checkPourable(proto: Protomolecule, what: "molecule" | "wisp"): void {
  if (proto.type === "expansion" || proto.type === "aspect") {
    throw invalid(
      `Formula ${proto.formula} is an ${proto.type}: it changes the steps of other formulas and cannot be poured on its own.`,
      proto.type === "expansion"
        ? `Use it from a workflow: expand = "${proto.formula}" on a step, or [compose] expand.`
        : `Use it from a workflow: [compose] aspects = ["${proto.formula}"].`,
    );
  }
  if (proto.mode !== "runtime") {
    throw invalid(
      `Formula ${proto.formula} was cooked without var values, so its steps still hold {{vars}}.`,
      `Cook it with vars (even none) before pouring a ${what}: cookFormula({ formula, vars }).`,
    );
  }
  if (proto.steps.length === 0) {
    throw invalid(`Formula ${proto.formula} has no steps to pour.`, "Add [[steps]] to the formula.");
  }
}

function defaultTitle(proto: Protomolecule, vars: Record<string, string>): string {
  const shown = Object.entries(vars).map(([name, value]) => `${name}=${value}`);
  return clip(shown.length === 0 ? proto.formula : `${proto.formula}: ${shown.join(", ")}`, TITLE_MAX);
}

function varLines(vars: Record<string, string>): string[] {
  return Object.entries(vars).map(([name, value]) => `- ${code(name)} = ${code(clip(value, 200))}`);
}

/** The root's metadata: formula, vars, pour key and version. */
function rootMetadata(
  proto: Protomolecule,
  key: string,
  vars: Record<string, string>,
  extra: MoleculeFields,
) {
  return writeMoleculeFields(
    { formula: proto.formula, ...(Object.keys(vars).length > 0 ? { vars } : {}) },
    { pourKey: key, formulaVersion: proto.version, ...extra },
  );
}

function rootBody(proto: Protomolecule, vars: Record<string, string>, gates: number): string {
  const counts = [`${proto.steps.length} step${proto.steps.length === 1 ? "" : "s"}`];
  if (gates > 0) counts.push(`${gates} gate${gates === 1 ? "" : "s"}`);
  const parts = [
    proto.description?.trim() ?? "",
    `**Formula** ${code(proto.formula)} v${proto.version} · ${counts.join(" · ")}`,
  ];
  if (Object.keys(vars).length > 0) parts.push(["**Vars**", ...varLines(vars)].join("\n"));
  parts.push(`\`\`\`mermaid\n${renderMermaid(proto)}\`\`\``);
  parts.push(
    "Walk it with `gt mol current`; close each step with `gt mol step done <step>` as it meets its acceptance criteria.",
  );
  return parts.filter((part) => part !== "").join("\n\n");
}

function stepBody(proto: Protomolecule, step: CookedStep): string {
  const parts = [step.description.trim()];
  if (step.acceptance) parts.push(`**Acceptance:** ${step.acceptance.trim()}`);
  if (step.notes) parts.push(`**Notes:** ${step.notes.trim()}`);
  if (step.assignee) parts.push(`**Suggested assignee:** ${code(step.assignee)}`);
  const within = step.parent === undefined ? "" : ` (part of ${code(step.parent)})`;
  parts.push(
    `Step ${code(step.id)} of formula ${code(proto.formula)}${within}. When it is done: \`gt mol step done ${step.id}\`.`,
  );
  return parts.filter((part) => part !== "").join("\n\n");
}

/** What opens a gate, in words. */
export function describeGate(gate: Pick<CookedGate, "type" | "id" | "timeout">): string {
  const id = gate.id === undefined ? "" : ` ${code(gate.id)}`;
  switch (gate.type) {
    case "timer":
      return `the timer runs out${gate.timeout === undefined ? "" : ` (${gate.timeout})`}`;
    case "gh:run":
      return `workflow run${id} completes`;
    case "gh:pr":
      return `pull request${id} is merged`;
    case "human":
      return "a maintainer approves it by closing this issue";
    case "mail":
      return `mail${id} arrives`;
    case "bead":
      return `bead${id} is closed`;
    default:
      return `${gate.type}${id} opens`;
  }
}

function gateBody(step: CookedStep, gate: CookedGate): string {
  const parts = [`Holds step ${code(step.id)} (${clip(step.title, 120)}) until ${describeGate(gate)}.`];
  if (gate.description) parts.push(gate.description.trim());
  if (gate.timeout !== undefined && gate.type !== "timer") parts.push(`**Timeout:** ${gate.timeout}`);
  parts.push("Close this issue to open the gate.");
  return parts.join("\n\n");
}

function checkLabels(step: CookedStep): void {
  for (const label of step.labels) {
    const problem = validateLabelName(label);
    if (problem) {
      throw invalid(`Step ${step.id}: ${problem.message}`, problem.hint);
    }
  }
}

function checkLimits(proto: Protomolecule, items: readonly PourItem[]): void {
  if (items.length > MAX_SUB_ISSUES) {
    throw invalid(
      `Formula ${proto.formula} cooks to ${items.length} steps and gates; a molecule on GitHub holds at most ${MAX_SUB_ISSUES} sub-issues.`,
      `Pour it as a wisp (bd mol wisp ${proto.formula}), whose steps are a checklist, or split the formula.`,
    );
  }
  const blocking = new Map<string, number>();
  for (const item of items) {
    if (item.blockedBy.length > MAX_DEPENDENCIES) {
      throw invalid(
        `Step ${item.step} of ${proto.formula} waits on ${item.blockedBy.length} issues; GitHub allows ${MAX_DEPENDENCIES} blockers per issue.`,
        "Add a join step that needs some of them, and make this step need the join.",
      );
    }
    for (const key of item.blockedBy) blocking.set(key, (blocking.get(key) ?? 0) + 1);
  }
  for (const [key, count] of blocking) {
    if (count > MAX_DEPENDENCIES) {
      throw invalid(
        `Step ${key.slice(key.indexOf(":") + 1)} of ${proto.formula} is needed by ${count} steps; GitHub allows an issue to block ${MAX_DEPENDENCIES}.`,
        "Add a fan-out step that needs it, and make some of the dependents need that step instead.",
      );
    }
  }
}

/**
 * A step's labels: the formula's, plus Beads' `gate:<waits_for>` marker for a step that waits on
 * children spawned at runtime (shortened to `gate:children-of` when the whole would not fit a
 * label; the full text is in the step's metadata either way).
 */
function stepLabels(step: CookedStep): string[] {
  const labels = [...step.labels];
  if (step.waitsFor !== undefined) {
    const full = `gate:${step.waitsFor}`;
    const label = validateLabelName(full) === null ? full : `gate:${step.waitsFor.replace(/\(.*$/, "")}`;
    if (!labels.includes(label)) labels.push(label);
  }
  return labels;
}

/** What a step's issue keeps of the cooked step beyond its text: needs, and runtime fields. */
function stepFields(step: CookedStep): MoleculeFields {
  return {
    needs: [...step.needs],
    ...(step.type === "task" ? {} : { stepType: step.type }),
    ...(Object.keys(step.metadata).length === 0 ? {} : { stepMetadata: step.metadata }),
    ...(step.waitsFor === undefined ? {} : { waitsFor: step.waitsFor }),
    ...(step.onComplete === undefined ? {} : { onComplete: step.onComplete }),
  };
}

/** The item key of a step, and of the gate that holds it. */
export const stepKey = (id: string): string => `step:${id}`;
export const gateKey = (id: string): string => `gate:${id}`;

/** Plans pouring `proto` (cooked with vars) as a molecule: root, steps, gates and edges. */
export function planPour(proto: Protomolecule, options: PlanOptions = {}): PourPlan {
  checkPourable(proto, "molecule");
  const vars = varValues(proto);
  const key = options.key ?? pourKeyOf(proto);
  const items: PourItem[] = [];
  for (const step of proto.steps) {
    checkLabels(step);
    const blockedBy = step.needs.map(stepKey);
    if (step.gate !== undefined) {
      const gate = step.gate;
      items.push({
        key: gateKey(step.id),
        kind: "gate",
        step: step.id,
        title: clip(
          `Gate (${gate.type}${gate.id === undefined ? "" : ` ${gate.id}`}): ${step.title}`,
          TITLE_MAX,
        ),
        body: gateBody(step, gate),
        labels: [],
        fields: {
          gateFor: step.id,
          gate: {
            type: gate.type,
            ...(gate.id === undefined ? {} : { id: gate.id }),
            ...(gate.timeout === undefined ? {} : { timeout: gate.timeout }),
            ...(gate.description === undefined ? {} : { description: gate.description }),
          },
        },
        blockedBy: [],
      });
      blockedBy.push(gateKey(step.id));
    }
    items.push({
      key: stepKey(step.id),
      kind: "step",
      step: step.id,
      title: clip(step.title, TITLE_MAX),
      body: stepBody(proto, step),
      ...(step.priority !== undefined && isPriority(step.priority) ? { priority: step.priority } : {}),
      labels: stepLabels(step),
      fields: stepFields(step),
      blockedBy,
    });
  }
  checkLimits(proto, items);
  const gates = items.filter((item) => item.kind === "gate").length;
  const warnings: string[] = [];
  if (proto.phase === "vapor") {
    warnings.push(
      `Formula ${proto.formula} is vapor (phase = "vapor"): it is meant to run as a wisp (bd mol wisp ${proto.formula}).`,
    );
  }
  return {
    formula: proto.formula,
    version: proto.version,
    key,
    vars,
    root: {
      title: options.title === undefined ? defaultTitle(proto, vars) : clip(options.title, TITLE_MAX),
      body: rootBody(proto, vars, gates),
      metadata: rootMetadata(proto, key, vars, {}),
    },
    items,
    dependencies: items.reduce((n, item) => n + item.blockedBy.length, 0),
    warnings,
  };
}

/** A wisp, planned: one root issue whose body is the steps as a checklist. */
export interface WispPlan {
  formula: string;
  version: number;
  key: string;
  vars: Record<string, string>;
  root: RootDraft;
  steps: { id: string; title: string; needs: string[] }[];
}

/** One checklist line: `- [ ] design: Design the login page`. */
export function checklistLine(step: { id: string; title: string }, done: boolean): string {
  return `- [${done ? "x" : " "}] ${step.id}: ${clip(step.title, 200)}`;
}

/** Plans pouring `proto` as a wisp: a root issue with a checklist, no sub-issues. */
export function planWisp(proto: Protomolecule, options: PlanOptions = {}): WispPlan {
  checkPourable(proto, "wisp");
  const vars = varValues(proto);
  const key = options.key ?? pourKeyOf(proto);
  const steps = proto.steps.map((step) => ({ id: step.id, title: step.title, needs: [...step.needs] }));
  const lines = proto.steps.map((step) =>
    checklistLine(
      {
        id: step.id,
        title: step.gate === undefined ? step.title : `${step.title} (gate: ${step.gate.type})`,
      },
      false,
    ),
  );
  const parts = [
    proto.description?.trim() ?? "",
    `**Formula** ${code(proto.formula)} v${proto.version} · ${steps.length} step${steps.length === 1 ? "" : "s"} · wisp`,
  ];
  if (Object.keys(vars).length > 0) parts.push(["**Vars**", ...varLines(vars)].join("\n"));
  parts.push(lines.join("\n"));
  parts.push("Tick a step with `gt mol step done <step>` (or the checkbox) as it is done.");
  const dag = Object.fromEntries(steps.map((step) => [step.id, step.needs]));
  return {
    formula: proto.formula,
    version: proto.version,
    key,
    vars,
    root: {
      title: options.title === undefined ? defaultTitle(proto, vars) : clip(options.title, TITLE_MAX),
      body: parts.filter((part) => part !== "").join("\n\n"),
      metadata: rootMetadata(proto, key, vars, { dag }),
    },
    steps,
  };
}
