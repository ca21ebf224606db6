// `bd mol pour`: a cooked formula onto GitHub as a molecule. A fresh pour costs one search for an
// earlier pour, then exactly one create per issue, one sub-issue link per issue and one request
// per dependency, in dependency order (each step after its blockers), so a pour cut short leaves
// a prefix of the molecule. Pouring again with the same key finds the root by its metadata,
// matches the steps already there by their step id (linked or not), and writes only what is
// missing: no step is ever created twice.
import type { Protomolecule } from "../../formula/index.ts";
import { addBlockedBy, type IssueHandle, listBlockedBy } from "../../github/dependencies.ts";
import { createBead as createIssue, listBeads } from "../../github/issues.ts";
import { addSubIssue, listSubIssues } from "../../github/sub-issues.ts";
import type { Bead } from "../../model/bead.ts";
import type { BeadType } from "../../model/vocabulary.ts";
import { logOf, type TownContext } from "../context.ts";
import { taxonomyOf } from "../labels.ts";
import { readMoleculeFields, writeMoleculeFields } from "./metadata.ts";
import {
  gateKey,
  type PlanOptions,
  type PourItem,
  type PourPlan,
  planPour,
  type RootDraft,
  stepKey,
} from "./plan.ts";

/** What a pour wrote (or, re-poured, found). */
export interface PourResult {
  root: Bead;
  /** True when an earlier pour with the same key was found and completed or reused. */
  resumed: boolean;
  /** Issues and edges this call wrote. */
  written: { steps: number; gates: number; links: number; dependencies: number };
  /** Issue numbers by step id. */
  steps: Record<string, number>;
  /** Gate issue numbers by the id of the step they hold. */
  gates: Record<string, number>;
  plan: PourPlan;
}

/**
 * The open root poured from `formula` with `key`, or undefined. One paginated list of the open
 * roots of that type; the oldest wins should two pours have raced.
 */
export async function findPouredRoot(
  town: TownContext,
  params: { type: Extract<BeadType, "molecule" | "wisp">; formula: string; key: string },
): Promise<Bead | undefined> {
  const roots = await listBeads(town, { state: "open", labels: [taxonomyOf(town).type[params.type]] });
  return roots
    .filter((bead) => bead.metadata.formula === params.formula)
    .filter((bead) => readMoleculeFields(bead.metadata).pourKey === params.key)
    .sort((a, b) => a.number - b.number)[0];
}

/** The plan key an existing issue of the molecule stands for, if any. */
function itemKeyOf(bead: Bead): string | undefined {
  const fields = readMoleculeFields(bead.metadata);
  if (fields.gateFor !== undefined) return gateKey(fields.gateFor);
  if (bead.metadata.step !== undefined) return stepKey(bead.metadata.step);
  return undefined;
}

/** Maps each plan key to the first issue that stands for it (the lowest number wins). */
function byKey(beads: readonly Bead[], wanted: ReadonlySet<string>): Map<string, Bead> {
  const found = new Map<string, Bead>();
  for (const bead of [...beads].sort((a, b) => a.number - b.number)) {
    const key = itemKeyOf(bead);
    if (key !== undefined && wanted.has(key) && !found.has(key)) found.set(key, bead);
  }
  return found;
}

export async function createRoot(town: TownContext, type: BeadType, draft: RootDraft): Promise<Bead> {
  return createIssue(town, { title: draft.title, body: draft.body, type, metadata: draft.metadata });
}

function createItem(town: TownContext, root: Bead, item: PourItem): Promise<Bead> {
  return createIssue(town, {
    title: item.title,
    body: item.body,
    type: item.kind,
    ...(item.priority === undefined ? {} : { priority: item.priority }),
    labels: item.labels,
    metadata: writeMoleculeFields(
      { molecule: root.number, ...(item.kind === "step" ? { step: item.step } : {}) },
      item.fields,
    ),
  });
}

interface Progress {
  root: Bead;
  /** Issues of the molecule by plan key. */
  issues: Map<string, Bead>;
  /** Keys of issues that are already sub-issues of the root. */
  linked: Set<string>;
  written: PourResult["written"];
}

/** Finds what an earlier pour left: linked sub-issues, and steps it created but never linked. */
async function gatherEarlierPour(town: TownContext, plan: PourPlan, root: Bead): Promise<Progress> {
  const wanted = new Set(plan.items.map((item) => item.key));
  const subIssues = await listSubIssues(town, root.number);
  const children = byKey(subIssues, wanted);
  const issues = new Map(children);
  if (issues.size < wanted.size) {
    // A pour cut off between creating a step and linking it left an orphan: find it by its
    // metadata among the issues touched since the root was created.
    const linked = new Set(subIssues.map((bead) => bead.number));
    const recent = await listBeads(town, { state: "all", since: root.createdAt });
    const orphans = recent.filter(
      (bead) => bead.metadata.molecule === root.number && !linked.has(bead.number),
    );
    for (const [key, bead] of byKey(orphans, wanted)) if (!issues.has(key)) issues.set(key, bead);
  }
  return {
    root,
    issues,
    linked: new Set(children.keys()),
    written: { steps: 0, gates: 0, links: 0, dependencies: 0 },
  };
}

function handle(bead: Bead): IssueHandle {
  return { number: bead.number, id: bead.id };
}

/** Adds the item's missing blocked-by edges; an issue already holding enough edges is trusted. */
async function linkBlockers(
  town: TownContext,
  progress: Progress,
  item: PourItem,
  bead: Bead,
  fresh: boolean,
): Promise<void> {
  const blockers = item.blockedBy
    .map((key) => progress.issues.get(key))
    .filter((b): b is Bead => b !== undefined);
  if (blockers.length === 0) return;
  let present = new Set<number>();
  if (!fresh) {
    if (bead.dependencies.totalBlockedBy >= blockers.length) return;
    present = new Set((await listBlockedBy(town, bead.number)).map((blocker) => blocker.id));
  }
  for (const blocker of blockers) {
    if (present.has(blocker.id)) continue;
    await addBlockedBy(town, { blocked: bead.number, blocker: handle(blocker) });
    progress.written.dependencies += 1;
  }
}

/** Writes whatever of the plan is not on GitHub yet, item by item in dependency order. */
async function applyPlan(town: TownContext, plan: PourPlan, progress: Progress): Promise<void> {
  const log = logOf(town);
  for (const item of plan.items) {
    let bead = progress.issues.get(item.key);
    const fresh = bead === undefined;
    if (bead === undefined) {
      bead = await createItem(town, progress.root, item);
      progress.issues.set(item.key, bead);
      progress.written[item.kind === "step" ? "steps" : "gates"] += 1;
    }
    if (!progress.linked.has(item.key)) {
      await addSubIssue(town, { parent: progress.root.number, child: handle(bead) });
      progress.linked.add(item.key);
      progress.written.links += 1;
    }
    await linkBlockers(town, progress, item, bead, fresh);
    if (fresh)
      log.debug(
        { molecule: progress.root.number, step: item.step, issue: bead.number },
        `${item.kind} poured`,
      );
  }
}

function numbersOf(progress: Progress, kind: PourItem["kind"], plan: PourPlan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of plan.items) {
    const bead = progress.issues.get(item.key);
    if (item.kind === kind && bead !== undefined) out[item.step] = bead.number;
  }
  return out;
}

/**
 * Pours a protomolecule (cooked with vars) as a molecule: the root issue, one sub-issue per step,
 * a gate issue ahead of each gated step, and blocked-by edges for every need and gate. With the
 * key of an earlier pour still open, completes that one instead (see the module comment).
 */
export async function pourMolecule(
  town: TownContext,
  params: PlanOptions & { proto: Protomolecule },
): Promise<PourResult> {
  const { proto, ...options } = params;
  const plan = planPour(proto, options);
  const earlier = await findPouredRoot(town, { type: "molecule", formula: plan.formula, key: plan.key });
  const progress =
    earlier === undefined
      ? {
          root: await createRoot(town, "molecule", plan.root),
          issues: new Map<string, Bead>(),
          linked: new Set<string>(),
          written: { steps: 0, gates: 0, links: 0, dependencies: 0 },
        }
      : await gatherEarlierPour(town, plan, earlier);
  await applyPlan(town, plan, progress);
  logOf(town).info(
    {
      molecule: progress.root.number,
      formula: plan.formula,
      resumed: earlier !== undefined,
      ...progress.written,
    },
    earlier === undefined ? "molecule poured" : "molecule re-poured",
  );
  return {
    root: progress.root,
    resumed: earlier !== undefined,
    written: progress.written,
    steps: numbersOf(progress, "step", plan),
    gates: numbersOf(progress, "gate", plan),
    plan,
  };
}
