// `.github/gastown.yml`: one zod schema is the single source of truth for the file's shape, its
// defaults (every key has one, so an empty file is a complete config), the TypeScript type, and
// the JSON Schema editors validate against (docs/gastown.schema.json, made by
// scripts/config-schema.ts). Objects are strict, so a misspelt key is an error with a
// did-you-mean rather than a setting silently ignored.
import { z } from "zod";
import { FORMULA_NAME } from "../../formula/schema.ts";
import { createTaxonomy, defaultTaxonomy, LABEL_NAME_MAX, type LabelTaxonomy } from "../../model/labels.ts";
import { BEAD_TYPES, LABELLED_STATUSES, PRIORITIES } from "../../model/vocabulary.ts";
import { DEFAULT_POLECAT_NAMES, POLECAT_NAME } from "./polecat-names.ts";

/** Where the app reads its config, in the repo (and in the owner's `.github` repo as a fallback). */
export const CONFIG_PATH = ".github/gastown.yml";

/** Refinery modes (DESIGN §4.3): a bors-style staging branch, GitHub's merge queue, or plain merges. */
export const REFINERY_MODES = ["batch", "direct", "native"] as const;
export type RefineryMode = (typeof REFINERY_MODES)[number];

/** `p0` … `p4`: how priorities are named as config keys. */
export const PRIORITY_KEYS = PRIORITIES.map((p) => `p${p}` as const);
export type PriorityKey = (typeof PRIORITY_KEYS)[number];

/** A branch or tag name git accepts (the rules of `git check-ref-format`, briefly). */
const BRANCH = /^(?!\/|.*\/$|.*\/\/|.*\.\.|.*@\{|.*\.lock$|.*\/\.|\.|-)[^\s~^:?*[\\\p{Cc}]+$/u;

const branchName = () =>
  z.string().regex(BRANCH, { error: "must be a branch name (no spaces, ~ ^ : ? * [ or ..)" });

const labelName = (name: string, what: string) =>
  z.string().min(1).max(LABEL_NAME_MAX).default(name).describe(`Label for ${what}.`);

/** A strict object of label names, one per key, defaulting to the town's standard names. */
function labelNames<K extends string>(
  keys: readonly K[],
  name: (key: K) => string,
  what: (key: K) => string,
) {
  const shape = {} as Record<K, ReturnType<typeof labelName>>;
  for (const key of keys) shape[key] = labelName(name(key), what(key));
  return z.strictObject(shape);
}

const LabelsSchema = z.strictObject({
  status: labelNames(
    LABELLED_STATUSES,
    (s) => defaultTaxonomy.status[s],
    (s) => `status ${s.replace("_", " ")}`,
  )
    .prefault({})
    .describe("Status labels, by status."),
  priority: labelNames(
    PRIORITY_KEYS,
    (p) => defaultTaxonomy.priority[Number(p.slice(1)) as 0],
    (p) => `priority ${p}`,
  )
    .prefault({})
    .describe("Priority labels, p0 (critical) to p4 (backlog); no label means p2."),
  type: labelNames(
    BEAD_TYPES,
    (t) => defaultTaxonomy.type[t],
    (t) => `bead type ${t}`,
  )
    .prefault({})
    .describe("Type labels, by bead type."),
  sling: labelName(defaultTaxonomy.sling, "slinging: adding it to an issue slings the bead"),
});

const PolecatSchema = z.strictObject({
  workflow: z
    .string()
    .regex(/^[A-Za-z0-9._-]+\.ya?ml$/, { error: "must be a workflow file name ending in .yml or .yaml" })
    .default("polecat.yml")
    .describe("The polecat workflow in .github/workflows/ that /sling dispatches."),
  ref: branchName()
    .nullable()
    .default(null)
    .describe("The branch or tag the workflow is dispatched on; null means the default branch."),
  formula: z
    .string()
    .regex(FORMULA_NAME, { error: 'must be a formula name (letters, digits, ".", "_" and "-")' })
    .default("mol-polecat-work")
    .describe("The formula a polecat follows when /sling names none."),
  names: z
    .array(
      z.string().regex(POLECAT_NAME, { error: "must be a name of letters, digits, _ and - (at most 40)" }),
    )
    .min(1)
    .max(500)
    .default([...DEFAULT_POLECAT_NAMES])
    .superRefine((names, ctx) => {
      const seen = new Map<string, number>();
      names.forEach((name, index) => {
        const key = name.toLowerCase();
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [index],
            message: `repeats "${name}" (already at position ${first + 1})`,
          });
        } else seen.set(key, index);
      });
    })
    .describe("The name pool polecats are named from, in order. Default: a Mad Max theme."),
});

const RefinerySchema = z.strictObject({
  mode: z
    .enum(REFINERY_MODES)
    .default("batch")
    .describe(
      "batch: a bors-style staging branch with batching and bisection; native: drive GitHub's merge queue; direct: sequential merges through the API.",
    ),
  batch_size: z
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe("Most pull requests tested together on staging (batch mode)."),
  retry_flaky: z
    .int()
    .min(0)
    .max(5)
    .default(1)
    .describe("Times failed checks are re-run before a batch counts as failed (0: never)."),
  max_retries: z
    .int()
    .min(0)
    .max(20)
    .default(5)
    .describe("Times a conflicting or failing pull request goes back to its polecat before escalation."),
  require_review: z.boolean().default(true).describe("Merge only pull requests with an approving review."),
  required_checks: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "Check names that must pass; empty: the base branch's protection or rulesets say, else every check reported on the commit must pass.",
    ),
  base_branch: branchName()
    .nullable()
    .default(null)
    .describe("The branch merged into; null means the default branch."),
  staging_branch: branchName()
    .default("gastown/staging")
    .describe("The branch batches are tested on (batch mode). The repo's CI must run on pushes to it."),
  queue_label: z
    .string()
    .min(1)
    .max(50)
    .default("gt/queue")
    .describe("Adding this label to a pull request puts it in the queue (as /queue does)."),
  timeout_minutes: z
    .int()
    .min(1)
    .max(1440)
    .default(60)
    .describe("Checks still pending this long after a build started count as failed."),
  merge_method: z
    .enum(["merge", "squash", "rebase"])
    .default("merge")
    .describe("How direct mode merges a pull request (batch mode always lands merge commits)."),
  delete_merged_branches: z
    .boolean()
    .default(true)
    .describe("Delete a merged pull request's branch (only branches of this repository)."),
});

const WitnessSchema = z.strictObject({
  stale_after_minutes: z
    .int()
    .min(1)
    .max(1440)
    .default(20)
    .describe("A run whose progress comment is silent this long is nudged."),
  escalate_after_minutes: z
    .int()
    .min(1)
    .max(10080)
    .default(45)
    .describe("A run silent this long (nudges included) is escalated to the overseers."),
  max_restarts: z
    .int()
    .min(0)
    .max(10)
    .default(3)
    .describe("Times a dead run is restarted from its hook before the bead is escalated."),
});

const BOT_LOGIN = /^(\*|[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?)$/;
/** A login or an `org/team`, with or without `@`. */
const MENTIONABLE = /^@?[A-Za-z0-9][A-Za-z0-9-]{0,38}(\/[A-Za-z0-9._-]+)?$/;

/** The shape of one config file, without the rules that only hold for the merged whole. */
export const ConfigFileSchema = z
  .strictObject({
    _extends: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Inherit from another file: `repo`, `owner/repo` or `owner/repo:path/to/file.yml`; this file wins.",
      ),
    labels: LabelsSchema.prefault({}).describe(
      "Label names the town reads and writes. Only the names change; their meaning is fixed.",
    ),
    max_polecats: z
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe("Most polecat runs at once in this repository; more slings wait in order."),
    polecat: PolecatSchema.prefault({}).describe(
      "The polecat workflow: which file runs a polecat, on which ref, following which formula.",
    ),
    allowed_bots: z
      .array(z.string().regex(BOT_LOGIN, { error: 'must be a bot login such as renovate[bot], or "*"' }))
      .default([])
      .describe(
        'Bots whose comments may command the town, with a writer\'s rights ("*": every bot). The app never obeys itself.',
      ),
    overseers: z
      .array(
        z.string().regex(MENTIONABLE, {
          error: "must be a GitHub login such as alice, or a team such as acme/maintainers",
        }),
      )
      .max(20)
      .default([])
      .describe(
        "Humans (logins, or org/team) @mentioned on escalations so GitHub notifies them. Empty: the bead's assignees and whoever slung it.",
      ),
    refinery: RefinerySchema.prefault({}).describe(
      "The refinery: the merge-queue bot that lands polecats' pull requests.",
    ),
    witness: WitnessSchema.prefault({}).describe(
      "The witness: watches polecat runs, restarts dead ones, nudges and escalates silent ones.",
    ),
  })
  .describe("Gas Town on GitHub: .github/gastown.yml");

/** The whole config, with the rules across keys. */
export const ConfigSchema = ConfigFileSchema.superRefine((config, ctx) => {
  const seen = new Map<string, string>();
  const check = (path: Array<string>, name: string): void => {
    const key = name.toLowerCase();
    const owner = seen.get(key);
    if (owner !== undefined) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `is "${name}", the label ${owner} already uses`,
      });
    } else seen.set(key, path.join("."));
  };
  for (const status of LABELLED_STATUSES) check(["labels", "status", status], config.labels.status[status]);
  for (const priority of PRIORITY_KEYS)
    check(["labels", "priority", priority], config.labels.priority[priority]);
  for (const type of BEAD_TYPES) check(["labels", "type", type], config.labels.type[type]);
  check(["labels", "sling"], config.labels.sling);
  if (config.witness.escalate_after_minutes <= config.witness.stale_after_minutes) {
    ctx.addIssue({
      code: "custom",
      path: ["witness", "escalate_after_minutes"],
      message: `must be more than stale_after_minutes (${config.witness.stale_after_minutes}): a run is nudged before it is escalated`,
    });
  }
});

/** The town's settings for one repository, every key filled in. */
export type GastownConfig = Omit<z.output<typeof ConfigSchema>, "_extends">;
/** What a config file may contain (every key optional). */
export type GastownConfigInput = z.input<typeof ConfigSchema>;

/** The config of a repository with no config file (frozen: copy before changing). */
export const DEFAULT_CONFIG: GastownConfig = deepFreeze(withoutExtends(ConfigSchema.parse({})));

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Drops `_extends`, which only steers loading. */
export function withoutExtends(config: z.output<typeof ConfigSchema>): GastownConfig {
  const { _extends: _, ...rest } = config;
  return rest;
}

/** The label names of a config as the model's taxonomy (what gateways and `gt doctor` take). */
export function toLabelTaxonomy(labels: GastownConfig["labels"]): LabelTaxonomy {
  const taxonomy = createTaxonomy({
    status: labels.status,
    priority: {
      0: labels.priority.p0,
      1: labels.priority.p1,
      2: labels.priority.p2,
      3: labels.priority.p3,
      4: labels.priority.p4,
    },
    type: labels.type,
    sling: labels.sling,
  });
  // ConfigSchema already refuses what createTaxonomy refuses; this only guards hand-built configs.
  if (!taxonomy.ok) throw taxonomy.error;
  return taxonomy.value;
}
