// Label bookkeeping the use cases share. A Bead keeps only its "other" labels; the role labels
// (status, priority, type) are folded into fields. To plan single-label edits we need the names
// on the issue, rebuilt here from the fields and from any conflict the model reported.
import type { Bead, LabelChanges } from "../model/bead.ts";
import { defaultTaxonomy, type LabelTaxonomy } from "../model/labels.ts";
import type { LabelledStatus } from "../model/vocabulary.ts";
import type { TownContext } from "./context.ts";

export function taxonomyOf(town: TownContext): LabelTaxonomy {
  return town.taxonomy ?? defaultTaxonomy;
}

/**
 * The label names the issue carries, as far as the bead tells: its other labels, the labels of
 * its status, priority and type, and every label of a reported conflict. A default priority or
 * type may be listed without being on the issue; removing it is then a harmless no-op.
 */
export function issueLabelsOf(bead: Bead, taxonomy: LabelTaxonomy): string[] {
  const names = new Set(bead.labels);
  if (bead.status !== "open" && bead.status !== "closed") names.add(taxonomy.status[bead.status]);
  names.add(taxonomy.priority[bead.priority]);
  names.add(taxonomy.type[bead.type]);
  for (const problem of bead.problems) {
    if (problem.kind === "conflicting-labels") for (const label of problem.labels) names.add(label);
  }
  return [...names];
}

/** Removes one status label (and only that one) when the bead shows it. */
export function dropStatusLabel(bead: Bead, status: LabelledStatus, taxonomy: LabelTaxonomy): LabelChanges {
  const name = taxonomy.status[status].toLowerCase();
  const present = issueLabelsOf(bead, taxonomy).filter((label) => label.toLowerCase() === name);
  return { add: [], remove: present };
}

export function hasChanges(changes: LabelChanges): boolean {
  return changes.add.length > 0 || changes.remove.length > 0;
}
