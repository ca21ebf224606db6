// A bead is a GitHub issue (DESIGN §3): status, priority and type ride on labels, fields GitHub
// lacks ride in the hidden metadata block, dependencies and parent/child are GitHub's own.
// `beadFromIssue` reads an issue payload into a Bead; `issueFieldsFromBead` goes the other way.
import { z } from "zod";
import { classifyLabel, defaultTaxonomy, type LabelTaxonomy } from "./labels.ts";
import {
  type MetadataPatch,
  type MetadataProblem,
  type WithOthers,
  decodeFields,
  encodeFields,
  extractBlock,
  type FieldSchemas,
  mergeMetadata,
  renderBlock,
} from "./metadata.ts";
import {
  type BeadStatus,
  type BeadType,
  DEFAULT_PRIORITY,
  DEFAULT_TYPE,
  LABELLED_STATUSES,
  type LabelledStatus,
  type Priority,
} from "./vocabulary.ts";

/** How the refinery lands a polecat's branch. */
export type MergeStrategy = "batch" | "native" | "direct";

/** Fields of a bead with no native home on GitHub, kept in the body's metadata block. */
export interface BeadMetadata extends WithOthers {
  /** The polecat whose hook holds this bead. */
  polecat?: string;
  /** The Actions run working it. */
  run?: number;
  /** How many times it has been slung (the witness gives up after 3). */
  attempt?: number;
  /** The polecat's branch, `polecat/<name>/<issue>`. */
  branch?: string;
  /** When it was hooked (ISO 8601). */
  hookedAt?: string;
  /** Who slung it (an address or a login). */
  dispatchedBy?: string;
  /** The formula this bead was poured from, and its variables. */
  formula?: string;
  vars?: Record<string, string>;
  /** For a step: its molecule's root issue and the step's id in the formula. */
  molecule?: number;
  step?: string;
  merge?: MergeStrategy;
  /** Not ready before this time (ISO 8601), like Beads' `defer_until`. */
  deferUntil?: string;
  /** The text given with `bd close --reason`. */
  closeReason?: string;
}

const isoDateTime = z.iso.datetime({ offset: true });

const beadMetadataFields: FieldSchemas<BeadMetadata> = {
  polecat: z.string().min(1),
  run: z.number().int().positive(),
  attempt: z.number().int().nonnegative(),
  branch: z.string().min(1),
  hookedAt: isoDateTime,
  dispatchedBy: z.string().min(1),
  formula: z.string().min(1),
  vars: z.record(z.string(), z.string()),
  molecule: z.number().int().positive(),
  step: z.string().min(1),
  merge: z.enum(["batch", "native", "direct"]),
  deferUntil: isoDateTime,
  closeReason: z.string(),
};

/** An issue body read as a bead: the visible text, the metadata and what was wrong with it. */
export interface BeadBody {
  text: string;
  metadata: BeadMetadata;
  problems: MetadataProblem[];
  /** False when the block is from a newer gastown: do not rewrite this body. */
  writable: boolean;
}

/** Reads an issue body. Never throws; a damaged block is reported in `problems`. */
export function parseBeadBody(body: string | null | undefined): BeadBody {
  const block = extractBlock(body);
  const fields = decodeFields<BeadMetadata>(block.data, beadMetadataFields);
  return {
    text: block.text,
    metadata: fields.value,
    problems: [...block.problems, ...fields.problems],
    writable: block.writable,
  };
}

/** The issue body for `text` and `metadata` (no block when the metadata is empty). */
export function renderBeadBody(text: string, metadata: BeadMetadata): string {
  return renderBlock(text, encodeFields(metadata));
}

/** Sets (value), removes (`null`) or keeps (absent) metadata fields. */
export function mergeBeadMetadata(base: BeadMetadata, patch: MetadataPatch<BeadMetadata>): BeadMetadata {
  return mergeMetadata(base, patch);
}

/** How a closed issue was closed (GitHub's `state_reason`). */
export type CloseState = "completed" | "not_planned" | "duplicate";

/** An issue in some repository, `owner/name#number`. */
export interface IssueRef {
  repo: string;
  number: number;
}

/** GitHub's `issue_dependencies_summary`: `blockedBy` counts open blockers only. */
export interface DependencySummary {
  blockedBy: number;
  totalBlockedBy: number;
  blocking: number;
  totalBlocking: number;
}

/** GitHub's `sub_issues_summary`. */
export interface SubIssueSummary {
  total: number;
  completed: number;
  percentCompleted: number;
}

/** A label conflict: two status (or priority, or type) labels on one issue. */
export interface LabelProblem {
  kind: "conflicting-labels";
  message: string;
  labels: string[];
}

export type BeadProblem = MetadataProblem | LabelProblem;

/** A bead: one GitHub issue, read. */
export interface Bead {
  /** `owner/name`. */
  repo: string;
  number: number;
  /** GitHub's numeric issue id (the dependency and sub-issue APIs take it). */
  id: number;
  url: string;
  title: string;
  /** The body people wrote, without the metadata block. */
  body: string;
  status: BeadStatus;
  priority: Priority;
  type: BeadType;
  /** Labels other than the town's status, priority and type labels. */
  labels: string[];
  assignees: string[];
  author: string | null;
  milestone: { number: number; title: string } | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  stateReason: CloseState | null;
  closeReason: string | null;
  /** Who closed it, when GitHub says (single-issue reads always do; some lists leave it out). */
  closedBy?: string;
  metadata: BeadMetadata;
  /** False when the body's metadata is from a newer gastown: do not rewrite the body. */
  writable: boolean;
  dependencies: DependencySummary;
  parent: IssueRef | null;
  subIssues: SubIssueSummary;
  comments: number;
  /** What was wrong with the labels or metadata (reported, never thrown). */
  problems: BeadProblem[];
}

/**
 * The parts of a GitHub issue payload a bead is read from. Octokit's issue type fits it; so does
 * the `issue` object of webhook payloads.
 */
export interface IssueRecord {
  id: number | bigint;
  number: number;
  title: string;
  body?: string | null;
  state: string;
  state_reason?: string | null;
  labels: ReadonlyArray<string | { name?: string }>;
  assignees?: ReadonlyArray<{ login: string }> | null;
  assignee?: { login: string } | null;
  user?: { login: string } | null;
  milestone?: { number: number; title: string } | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by?: { login: string } | null;
  html_url: string;
  repository_url?: string;
  comments?: number;
  pull_request?: unknown;
  issue_dependencies_summary?: {
    blocked_by: number;
    blocking: number;
    total_blocked_by: number;
    total_blocking: number;
  };
  sub_issues_summary?: { total: number; completed: number; percent_completed: number };
  parent_issue_url?: string | null;
}

const REPO_IN_URL = /\/repos\/([^/]+)\/([^/]+?)(?:\/issues\/(\d+))?\/?$/;

function repoFromUrl(url: string | undefined): string {
  const match = url ? REPO_IN_URL.exec(url) : null;
  return match ? `${match[1]}/${match[2]}` : "";
}

/** `…/repos/o/r/issues/12` → `{repo: "o/r", number: 12}`. */
export function issueRefFromUrl(url: string | null | undefined): IssueRef | null {
  const match = url ? REPO_IN_URL.exec(url) : null;
  if (!match?.[3]) return null;
  return { repo: `${match[1]}/${match[2]}`, number: Number(match[3]) };
}

function labelNames(labels: IssueRecord["labels"]): string[] {
  return labels
    .map((label) => (typeof label === "string" ? label : (label.name ?? "")))
    .filter((name) => name !== "");
}

function conflict(what: string, labels: string[]): LabelProblem {
  return {
    kind: "conflicting-labels",
    message: `The issue has ${labels.length} ${what} labels (${labels.join(", ")}); the first in precedence is used. Remove the others.`,
    labels,
  };
}

/** Status labels in precedence order: when several are present, the first wins. */
const STATUS_PRECEDENCE: readonly LabelledStatus[] = [
  "hooked",
  "in_progress",
  "blocked",
  "deferred",
  "pinned",
];

/** Reads a GitHub issue as a bead. Never throws on odd labels or a damaged body. */
export function beadFromIssue(issue: IssueRecord, taxonomy: LabelTaxonomy = defaultTaxonomy): Bead {
  const statuses = new Map<LabelledStatus, string>();
  const priorities = new Map<Priority, string>();
  const types = new Map<BeadType, string>();
  const labels: string[] = [];
  for (const name of labelNames(issue.labels)) {
    const role = classifyLabel(name, taxonomy);
    if (role.kind === "status") statuses.set(role.status, name);
    else if (role.kind === "priority") priorities.set(role.priority, name);
    else if (role.kind === "type") types.set(role.type, name);
    else labels.push(name);
  }

  const problems: BeadProblem[] = [];
  const closed = issue.state === "closed";
  let status: BeadStatus = closed ? "closed" : "open";
  if (statuses.size > 1) problems.push(conflict("status", [...statuses.values()]));
  if (!closed) status = STATUS_PRECEDENCE.find((s) => statuses.has(s)) ?? "open";
  // The most urgent priority wins, so a conflict never hides urgent work.
  const priority = [...priorities.keys()].sort((a, b) => a - b)[0] ?? DEFAULT_PRIORITY;
  if (priorities.size > 1) problems.push(conflict("priority", [...priorities.values()]));
  // Types in vocabulary order, so a type that keeps a bead out of ready (wisp, mailbox…) is not
  // hidden behind `task` when a human adds a second type label.
  const type = [...types.keys()].sort((a, b) => typeRank(b) - typeRank(a))[0] ?? DEFAULT_TYPE;
  if (types.size > 1) problems.push(conflict("type", [...types.values()]));

  const body = parseBeadBody(issue.body);
  problems.unshift(...body.problems);
  const summary = issue.issue_dependencies_summary;
  const sub = issue.sub_issues_summary;
  const assignees = issue.assignees ?? (issue.assignee ? [issue.assignee] : []);

  return {
    repo: repoFromUrl(issue.repository_url),
    number: issue.number,
    id: Number(issue.id),
    url: issue.html_url,
    title: issue.title,
    body: body.text,
    status,
    priority,
    type,
    labels,
    assignees: assignees.map((a) => a.login),
    author: issue.user?.login ?? null,
    milestone: issue.milestone ? { number: issue.milestone.number, title: issue.milestone.title } : null,
    createdAt: issue.created_at,
    updatedAt: issue.updated_at,
    closedAt: issue.closed_at,
    stateReason: closed ? closeStateOf(issue.state_reason) : null,
    closeReason: closed ? (body.metadata.closeReason ?? null) : null,
    ...(closed && issue.closed_by ? { closedBy: issue.closed_by.login } : {}),
    metadata: body.metadata,
    writable: body.writable,
    dependencies: {
      blockedBy: summary?.blocked_by ?? 0,
      totalBlockedBy: summary?.total_blocked_by ?? 0,
      blocking: summary?.blocking ?? 0,
      totalBlocking: summary?.total_blocking ?? 0,
    },
    parent: issueRefFromUrl(issue.parent_issue_url),
    subIssues: {
      total: sub?.total ?? 0,
      completed: sub?.completed ?? 0,
      percentCompleted: sub?.percent_completed ?? 0,
    },
    comments: issue.comments ?? 0,
    problems,
  };
}

/** GitHub's reason for a closed issue; an old issue closed before reasons existed is `completed`. */
function closeStateOf(reason: string | null | undefined): CloseState {
  return reason === "not_planned" || reason === "duplicate" ? reason : "completed";
}

/** Types that keep a bead out of ready rank above work types when two type labels collide. */
function typeRank(type: BeadType): number {
  return ["wisp", "molecule", "mailbox", "gate", "escalation"].includes(type) ? 1 : 0;
}

/** What a bead is written from: a new bead, or a read bead with fields changed. */
export interface BeadDraft {
  title: string;
  /** The visible body (no metadata block). */
  body?: string;
  status?: BeadStatus;
  priority?: Priority;
  type?: BeadType;
  /** Other labels (not status, priority or type). */
  labels?: readonly string[];
  assignees?: readonly string[];
  milestone?: number | { number: number } | null;
  metadata?: BeadMetadata;
  /** How to close it when `status` is `closed` (default `completed`). */
  stateReason?: CloseState | null;
}

/** The issue fields that represent a bead (what the issues gateway sends). */
export interface IssueFields {
  title: string;
  body: string;
  labels: string[];
  assignees: string[];
  milestone: number | null;
  state: "open" | "closed";
  stateReason: CloseState | null;
}

/**
 * The issue fields for a bead: status, priority and type labels (priority and type always
 * written, so label filters work), the other labels, and the body with its metadata block.
 */
export function issueFieldsFromBead(bead: BeadDraft, taxonomy: LabelTaxonomy = defaultTaxonomy): IssueFields {
  const status = bead.status ?? "open";
  const labels: string[] = [];
  if (status !== "open" && status !== "closed") labels.push(taxonomy.status[status]);
  labels.push(taxonomy.priority[bead.priority ?? DEFAULT_PRIORITY]);
  labels.push(taxonomy.type[bead.type ?? DEFAULT_TYPE]);
  for (const label of bead.labels ?? []) {
    if (classifyLabel(label, taxonomy).kind === "other" && !labels.includes(label)) labels.push(label);
  }
  const milestone = bead.milestone;
  return {
    title: bead.title,
    body: renderBeadBody(bead.body ?? "", bead.metadata ?? {}),
    labels,
    assignees: [...(bead.assignees ?? [])],
    milestone:
      milestone === undefined || milestone === null
        ? null
        : typeof milestone === "number"
          ? milestone
          : milestone.number,
    state: status === "closed" ? "closed" : "open",
    stateReason: status === "closed" ? (bead.stateReason ?? "completed") : null,
  };
}

/** Label edits for a transition: add and remove single labels, never replace the whole set. */
export interface LabelChanges {
  add: string[];
  remove: string[];
}

export interface LabelTarget {
  /** `open` and `closed` remove every status label (closing is a state change, not a label). */
  status?: BeadStatus;
  priority?: Priority;
  type?: BeadType;
}

/**
 * The labels to add and remove on an issue currently labelled `current` so that it shows
 * `target`. Single adds and removes do not race with a human editing other labels.
 */
export function planLabelChanges(
  current: readonly string[],
  target: LabelTarget,
  taxonomy: LabelTaxonomy = defaultTaxonomy,
): LabelChanges {
  const add: string[] = [];
  const remove: string[] = [];
  const roles = current.map((name) => ({ name, role: classifyLabel(name, taxonomy) }));
  const want = (wanted: string | null, kind: "status" | "priority" | "type") => {
    for (const { name, role } of roles) {
      if (role.kind === kind && (wanted === null || name.toLowerCase() !== wanted.toLowerCase()))
        remove.push(name);
    }
    if (wanted !== null && !current.some((name) => name.toLowerCase() === wanted.toLowerCase()))
      add.push(wanted);
  };
  if (target.status !== undefined) {
    const s = target.status;
    want(s === "open" || s === "closed" ? null : taxonomy.status[s], "status");
  }
  if (target.priority !== undefined) want(taxonomy.priority[target.priority], "priority");
  if (target.type !== undefined) want(taxonomy.type[target.type], "type");
  return { add, remove };
}

/** True when `status` is one a label carries. */
export function isLabelledStatus(status: BeadStatus): status is LabelledStatus {
  return (LABELLED_STATUSES as readonly string[]).includes(status);
}
