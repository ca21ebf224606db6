// Every label the town reads or writes, with its colour and description, in one place, and the
// reconcile kernel `gt doctor --fix` uses: desired labels vs the repo's labels → operations.
import { fail, GastownError, ok, type Result } from "./errors.ts";
import {
  BEAD_TYPES,
  type BeadType,
  LABELLED_STATUSES,
  type LabelledStatus,
  PRIORITIES,
  type Priority,
} from "./vocabulary.ts";

/** GitHub's limits on label names and descriptions. */
export const LABEL_NAME_MAX = 50;
export const LABEL_DESCRIPTION_MAX = 100;

/** A repository label as the town wants it (or as GitHub has it). Colour: 6 hex digits, no `#`. */
export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

/**
 * The label names the town uses. Names are configurable (DESIGN §3); the roles are fixed.
 * Build one with {@link createTaxonomy}; {@link defaultTaxonomy} holds the defaults.
 */
export interface LabelTaxonomy {
  status: Readonly<Record<LabelledStatus, string>>;
  priority: Readonly<Record<Priority, string>>;
  type: Readonly<Record<BeadType, string>>;
  /** Adding this label to an issue slings it. */
  sling: string;
}

export interface TaxonomyOverrides {
  status?: Partial<Record<LabelledStatus, string>>;
  priority?: Partial<Record<Priority, string>>;
  type?: Partial<Record<BeadType, string>>;
  sling?: string;
}

const STATUS_STYLE: Record<LabelledStatus, { name: string; color: string; description: string }> = {
  hooked: { name: "status/hooked", color: "5319e7", description: "On a polecat's hook: claimed work" },
  in_progress: { name: "status/in-progress", color: "1d76db", description: "Being worked on" },
  blocked: {
    name: "status/blocked",
    color: "b60205",
    description: "Blocked by something outside the tracker",
  },
  deferred: { name: "status/deferred", color: "c5def5", description: "Put off: not ready until un-deferred" },
  pinned: { name: "status/pinned", color: "bfd4f2", description: "Permanent reference, not work" },
};

const PRIORITY_STYLE: Record<Priority, { color: string; description: string }> = {
  0: { color: "b60205", description: "P0: critical, drop everything" },
  1: { color: "d93f0b", description: "P1: high" },
  2: { color: "fbca04", description: "P2: normal (the default)" },
  3: { color: "0e8a16", description: "P3: low" },
  4: { color: "c2e0c6", description: "P4: backlog" },
};

const TYPE_STYLE: Record<BeadType, { color: string; description: string }> = {
  task: { color: "0075ca", description: "A unit of work" },
  bug: { color: "d73a4a", description: "Something is broken" },
  feature: { color: "a2eeef", description: "New capability" },
  chore: { color: "cfd3d7", description: "Maintenance" },
  epic: { color: "3e4b9e", description: "A parent of related work (sub-issues)" },
  molecule: { color: "6f42c1", description: "A formula poured into steps: the workflow root" },
  step: { color: "d4c5f9", description: "One step of a molecule" },
  wisp: { color: "ededed", description: "Ephemeral work, never in ready" },
  mailbox: { color: "f9d0c4", description: "An agent's mailbox: mail arrives as comments" },
  escalation: { color: "e11d21", description: "Needs a human or the Mayor" },
  gate: { color: "5a5a5a", description: "A wait point that opens on an event" },
};

const SLING_STYLE = { name: "gt/sling", color: "0052cc", description: "Add to sling this bead to a polecat" };

function buildRecord<K extends string | number, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> {
  const out = {} as Record<K, V>;
  for (const key of keys) out[key] = value(key);
  return out;
}

/** The default names: `status/…`, `priority/p0…p4`, `type/…`, `gt/sling`. */
export const defaultTaxonomy: LabelTaxonomy = Object.freeze({
  status: buildRecord(LABELLED_STATUSES, (s) => STATUS_STYLE[s].name),
  priority: buildRecord(PRIORITIES, (p) => `priority/p${p}`),
  type: buildRecord(BEAD_TYPES, (t) => `type/${t}`),
  sling: SLING_STYLE.name,
});

/** A taxonomy with some names replaced; fails on a name too long or used for two roles. */
export function createTaxonomy(overrides: TaxonomyOverrides = {}): Result<LabelTaxonomy> {
  const taxonomy: LabelTaxonomy = {
    status: { ...defaultTaxonomy.status, ...overrides.status },
    priority: { ...defaultTaxonomy.priority, ...overrides.priority },
    type: { ...defaultTaxonomy.type, ...overrides.type },
    sling: overrides.sling ?? defaultTaxonomy.sling,
  };
  const seen = new Set<string>();
  for (const spec of taxonomyLabels(taxonomy)) {
    const problem = validateLabelName(spec.name);
    if (problem) return fail(problem);
    const key = spec.name.toLowerCase();
    if (seen.has(key)) {
      return fail(
        new GastownError(`Label "${spec.name}" is configured for two different roles.`, {
          code: "bad-input",
          hint: "Give every status, priority and type label its own name.",
        }),
      );
    }
    seen.add(key);
  }
  return ok(taxonomy);
}

/** Every label the town needs in a repo, with colour and description (what `gt doctor` checks). */
export function taxonomyLabels(taxonomy: LabelTaxonomy = defaultTaxonomy): LabelSpec[] {
  return [
    ...LABELLED_STATUSES.map((s) => ({ ...STATUS_STYLE[s], name: taxonomy.status[s] })),
    ...PRIORITIES.map((p) => ({ ...PRIORITY_STYLE[p], name: taxonomy.priority[p] })),
    ...BEAD_TYPES.map((t) => ({ ...TYPE_STYLE[t], name: taxonomy.type[t] })),
    { ...SLING_STYLE, name: taxonomy.sling },
  ];
}

/** What a label means to the town. */
export type LabelRole =
  | { kind: "status"; status: LabelledStatus }
  | { kind: "priority"; priority: Priority }
  | { kind: "type"; type: BeadType }
  | { kind: "sling" }
  | { kind: "other" };

/** Classifies a label name; GitHub compares label names without case, and so does this. */
export function classifyLabel(name: string, taxonomy: LabelTaxonomy = defaultTaxonomy): LabelRole {
  const key = name.toLowerCase();
  for (const status of LABELLED_STATUSES) {
    if (taxonomy.status[status].toLowerCase() === key) return { kind: "status", status };
  }
  for (const priority of PRIORITIES) {
    if (taxonomy.priority[priority].toLowerCase() === key) return { kind: "priority", priority };
  }
  for (const type of BEAD_TYPES) {
    if (taxonomy.type[type].toLowerCase() === key) return { kind: "type", type };
  }
  if (taxonomy.sling.toLowerCase() === key) return { kind: "sling" };
  return { kind: "other" };
}

/** Null when GitHub will take the name; otherwise what is wrong with it. */
export function validateLabelName(name: string): GastownError | null {
  if (name.trim() === "") {
    return new GastownError("A label name cannot be empty.", {
      code: "bad-input",
      hint: "Give the label a name of 1 to 50 characters.",
    });
  }
  if ([...name].length > LABEL_NAME_MAX) {
    return new GastownError(
      `Label "${name}" is ${[...name].length} characters long; GitHub allows at most ${LABEL_NAME_MAX}.`,
      { code: "too-long", hint: `Shorten the label name to ${LABEL_NAME_MAX} characters or fewer.` },
    );
  }
  return null;
}

/** One change to a repository's labels. `name` is the label's current name on GitHub. */
export type LabelOperation =
  | { op: "create"; label: LabelSpec }
  | { op: "update"; name: string; label: LabelSpec; changes: Array<"name" | "color" | "description"> }
  | { op: "delete"; name: string };

export interface PlanLabelsOptions {
  /** Delete labels that are not desired. Off by default: a repo's own labels are not ours. */
  prune?: boolean;
}

/** Lowercase, without a leading `#`. */
export function normalizeColor(color: string): string {
  return color.replace(/^#/, "").toLowerCase();
}

/**
 * The operations that turn `actual` into `desired`. Labels match by name without case (a change
 * of case is an update of the name); colours compare without `#` or case; a missing description
 * equals an empty one. Pure: apply the result with the labels gateway.
 */
export function planLabels(
  desired: readonly LabelSpec[],
  actual: readonly LabelSpec[],
  options: PlanLabelsOptions = {},
): LabelOperation[] {
  const byKey = new Map(actual.map((label) => [label.name.toLowerCase(), label]));
  const wanted = new Set<string>();
  const operations: LabelOperation[] = [];
  for (const want of desired) {
    const key = want.name.toLowerCase();
    if (wanted.has(key)) continue;
    wanted.add(key);
    const label: LabelSpec = { ...want, color: normalizeColor(want.color) };
    const have = byKey.get(key);
    if (!have) {
      operations.push({ op: "create", label });
      continue;
    }
    const changes: Array<"name" | "color" | "description"> = [];
    if (have.name !== label.name) changes.push("name");
    if (normalizeColor(have.color) !== label.color) changes.push("color");
    if ((have.description ?? "") !== label.description) changes.push("description");
    if (changes.length > 0) operations.push({ op: "update", name: have.name, label, changes });
  }
  if (options.prune) {
    for (const have of actual) {
      if (!wanted.has(have.name.toLowerCase())) operations.push({ op: "delete", name: have.name });
    }
  }
  return operations;
}
