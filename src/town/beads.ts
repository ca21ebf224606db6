// Bead use cases: create (with parent, blockers and convoy), show, list, update, close, reopen,
// comment and label. Each gathers what it needs through the gateways, decides with the model and
// applies the smallest set of writes: single label adds and removes (no race with a human editing
// other labels), and the body rewritten only when the metadata block can be written back safely.
import { addBlockedBy, listBlockedBy, listBlocking } from "../github/dependencies.ts";
import {
  addLabels,
  applyLabelChanges,
  closeBead as closeIssue,
  createBead as createIssue,
  getBead,
  listBeads,
  removeLabel,
  updateBead as updateIssue,
} from "../github/issues.ts";
import { getConvoy } from "../github/milestones.ts";
import { listComments, createComment } from "../github/comments.ts";
import { releaseHook } from "../github/refs.ts";
import { addSubIssue, listSubIssues } from "../github/sub-issues.ts";
import {
  type Bead,
  type BeadMetadata,
  type CloseState,
  mergeBeadMetadata,
  planLabelChanges,
} from "../model/bead.ts";
import { GastownError, isGastownError } from "../model/errors.ts";
import { validateLabelName } from "../model/labels.ts";
import type { Comment } from "../model/mail.ts";
import { sortBeads } from "../model/ready.ts";
import type { BeadStatus, BeadType, Priority } from "../model/vocabulary.ts";
import { closedBeadError, logOf, type TownContext } from "./context.ts";
import { dropStatusLabel, hasChanges, issueLabelsOf, taxonomyOf } from "./labels.ts";

export interface NewBead {
  title: string;
  body?: string;
  type?: BeadType;
  priority?: Priority;
  /** Other labels (not status, priority or type). */
  labels?: readonly string[];
  assignees?: readonly string[];
  /** The epic (or molecule) it is a sub-issue of. */
  parent?: number;
  /** Beads it is blocked by. */
  blockedBy?: readonly number[];
  /** The convoy (milestone) it joins. */
  convoy?: number;
}

/** Checks the parts of a new bead GitHub would refuse, before anything is written. */
function checkNewBead(input: NewBead): void {
  if (input.title.trim() === "") {
    throw new GastownError("A bead needs a title.", {
      code: "bad-input",
      hint: 'Give a short title: bd create "Fix the login redirect".',
    });
  }
  for (const label of input.labels ?? []) {
    const problem = validateLabelName(label);
    if (problem) throw problem;
  }
}

/**
 * Creates a bead and links it: sub-issue of `parent`, blocked by `blockedBy`, in `convoy`. All
 * named beads and the convoy are checked before the issue is created, so a typo creates nothing.
 * A new bead has no dependents, so its blockers cannot close a cycle.
 */
export async function createBead(town: TownContext, input: NewBead): Promise<Bead> {
  checkNewBead(input);
  const parent = input.parent === undefined ? null : await getBead(town, input.parent);
  if (parent && parent.status === "closed") throw closedBeadError(parent.number, "take new sub-issues");
  const blockers = await Promise.all([...new Set(input.blockedBy ?? [])].map((n) => getBead(town, n)));
  if (input.convoy !== undefined) {
    const convoy = await getConvoy(town, input.convoy);
    if (convoy.state === "closed") {
      throw new GastownError(`Convoy ${convoy.number} ("${convoy.title}") is closed.`, {
        code: "conflict",
        hint: `Reopen it by adding a bead with gt convoy add ${convoy.number} <bead>, or pick an open convoy.`,
      });
    }
  }

  const created = await createIssue(town, {
    title: input.title.trim(),
    body: input.body ?? "",
    ...(input.type === undefined ? {} : { type: input.type }),
    ...(input.priority === undefined ? {} : { priority: input.priority }),
    labels: input.labels ?? [],
    assignees: input.assignees ?? [],
    ...(input.convoy === undefined ? {} : { milestone: input.convoy }),
  });
  if (!parent && blockers.length === 0) return created;
  try {
    if (parent) await addSubIssue(town, { parent: parent.number, child: created });
    for (const blocker of blockers) {
      await addBlockedBy(town, { blocked: created.number, blocker });
    }
  } catch (error: unknown) {
    const cause = isGastownError(error) ? error : undefined;
    throw new GastownError(
      `Created #${created.number}, but could not link it: ${cause ? cause.message : String(error)}`,
      {
        code: cause?.code ?? "github",
        hint: `Link it by hand: bd dep add ${created.number} <blocker>${parent ? `, or add it as a sub-issue of #${parent.number} on GitHub` : ""}.`,
        cause: error,
      },
    );
  }
  logOf(town).info({ bead: created.number }, "bead created");
  return getBead(town, created.number);
}

/** Reads one bead; fails with a not-found error naming it (and what to check). */
export async function readBead(town: TownContext, number: number): Promise<Bead> {
  return getBead(town, number);
}

/** A bead with its neighbourhood, for `bd show`. */
export interface BeadDetails {
  bead: Bead;
  parent: Bead | null;
  children: Bead[];
  blockedBy: Bead[];
  blocking: Bead[];
  /** Only when asked for. */
  comments: Comment[] | null;
}

/** Reads a bead, its parent, children, blockers and what it blocks (and comments when asked). */
export async function showBead(
  town: TownContext,
  params: { number: number; comments?: boolean },
): Promise<BeadDetails> {
  const bead = await getBead(town, params.number);
  const sameRepo = bead.parent && (bead.parent.repo === "" || bead.parent.repo === bead.repo);
  const [parent, children, blockedBy, blocking, comments] = await Promise.all([
    bead.parent && sameRepo ? getBead(town, bead.parent.number) : Promise.resolve(null),
    bead.subIssues.total > 0 ? listSubIssues(town, bead.number) : Promise.resolve([]),
    bead.dependencies.totalBlockedBy > 0 ? listBlockedBy(town, bead.number) : Promise.resolve([]),
    bead.dependencies.totalBlocking > 0 ? listBlocking(town, bead.number) : Promise.resolve([]),
    params.comments ? listComments(town, { issue: bead.number }) : Promise.resolve(null),
  ]);
  return { bead, parent, children, blockedBy, blocking, comments };
}

/** `bd list` filters. Without `status`, every bead not closed is listed. */
export interface BeadQuery {
  /** A status, or `all` for open and closed alike. */
  status?: BeadStatus | "all";
  types?: readonly BeadType[];
  priorities?: readonly Priority[];
  /** Only beads carrying all of these labels. */
  labels?: readonly string[];
  assignee?: string;
  convoy?: number;
  sort?: "priority" | "oldest" | "newest" | "updated";
  limit?: number;
}

/** Lists beads with filters: one paginated issue list, the rest decided here. */
export async function queryBeads(town: TownContext, query: BeadQuery = {}): Promise<Bead[]> {
  const status = query.status;
  const state = status === "all" ? "all" : status === "closed" ? "closed" : "open";
  const beads = await listBeads(town, {
    state,
    ...(query.labels && query.labels.length > 0 ? { labels: query.labels } : {}),
    ...(query.convoy === undefined ? {} : { milestone: query.convoy }),
    ...(query.assignee === undefined ? {} : { assignee: query.assignee }),
  });
  const types = query.types;
  const filtered = beads.filter(
    (bead) =>
      (status === undefined || status === "all" || status === "closed" || bead.status === status) &&
      // Mailboxes are plumbing: listed only when asked for by type.
      (types ? types.includes(bead.type) : bead.type !== "mailbox") &&
      (query.priorities === undefined || query.priorities.includes(bead.priority)),
  );
  const sorted = sortForList(filtered, query.sort ?? "priority");
  return query.limit === undefined ? sorted : sorted.slice(0, Math.max(0, query.limit));
}

function sortForList(beads: Bead[], sort: NonNullable<BeadQuery["sort"]>): Bead[] {
  if (sort === "priority" || sort === "oldest") return sortBeads(beads, sort);
  if (sort === "newest") return sortBeads(beads, "oldest").reverse();
  return [...beads].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || b.number - a.number);
}

/** What `bd update` may change. */
export interface BeadChanges {
  title?: string;
  body?: string;
  status?: BeadStatus;
  priority?: Priority;
  type?: BeadType;
  assignees?: readonly string[];
}

function refuseUnwritable(bead: Bead, what: string): void {
  if (bead.writable) return;
  throw new GastownError(
    `#${bead.number}'s metadata was written by a newer gastown, so its ${what} cannot be rewritten safely.`,
    { code: "conflict", hint: "Upgrade gastown, then try again. Nothing was changed." },
  );
}

/**
 * Updates a bead. Status `closed` closes it (as completed), a status other than closed reopens a
 * closed bead. `hooked` is refused: hooking must go through the atomic claim.
 */
export async function updateBead(town: TownContext, params: { number: number } & BeadChanges): Promise<Bead> {
  const { number, ...changes } = params;
  if (changes.status === "hooked") {
    throw new GastownError("A bead is hooked by claiming it, not by setting its status.", {
      code: "bad-input",
      hint: `Use gt hook attach ${number} --polecat <name>; the claim makes sure only one polecat holds it.`,
    });
  }
  if (changes.title !== undefined && changes.title.trim() === "") {
    throw new GastownError("A bead's title cannot be empty.", {
      code: "bad-input",
      hint: "Give a short title.",
    });
  }
  if (changes.status === "closed") {
    const closed = await closeBead(town, { number });
    const { status: _status, ...rest } = changes;
    return Object.keys(rest).length === 0 ? closed.bead : updateBead(town, { number, ...rest });
  }
  const bead = await getBead(town, number);
  if (changes.body !== undefined) refuseUnwritable(bead, "body");
  if (bead.status === "hooked" && changes.status !== undefined) {
    // The claim ref is the truth about a hook: relabelling alone would leave the bead claimed but
    // offered as ready, and every sling of it refused.
    const holder = bead.metadata.polecat ? `${bead.metadata.polecat}'s hook` : "a hook";
    throw new GastownError(`#${number} is on ${holder}, so its status cannot be set by hand.`, {
      code: "conflict",
      hint: `Take it off first with gt hook detach ${number}, then update it (or close it: bd close ${number}). Nothing was changed.`,
    });
  }

  const taxonomy = taxonomyOf(town);
  const labelChanges = planLabelChanges(
    issueLabelsOf(bead, taxonomy),
    {
      ...(changes.status === undefined ? {} : { status: changes.status }),
      ...(changes.priority === undefined ? {} : { priority: changes.priority }),
      ...(changes.type === undefined ? {} : { type: changes.type }),
    },
    taxonomy,
  );
  const reopen = bead.status === "closed" && changes.status !== undefined;
  if (hasChanges(labelChanges)) await applyLabelChanges(town, { number, changes: labelChanges });
  const metadata: BeadMetadata = reopen
    ? mergeBeadMetadata(bead.metadata, { closeReason: null })
    : bead.metadata;
  const needsPatch =
    reopen ||
    changes.title !== undefined ||
    changes.body !== undefined ||
    changes.assignees !== undefined ||
    hasChanges(labelChanges);
  if (!needsPatch) return bead;
  const bodyChanged = changes.body !== undefined || (reopen && bead.metadata.closeReason !== undefined);
  return updateIssue(town, {
    number,
    ...(changes.title === undefined ? {} : { title: changes.title.trim() }),
    ...(bodyChanged && bead.writable ? { body: { text: changes.body ?? bead.body, metadata } } : {}),
    ...(changes.assignees === undefined ? {} : { assignees: changes.assignees }),
    ...(reopen ? { state: "open" as const, stateReason: "reopened" as const } : {}),
  });
}

export interface CloseResult {
  bead: Bead;
  /** False when the bead was closed already (nothing was written). */
  changed: boolean;
  /** True when a hook claim on it was released. */
  releasedHook: boolean;
}

/**
 * Closes a bead as `completed` (default), `not_planned` (burned) or `duplicate`, with an optional
 * reason kept in its metadata. Status labels go (a closed bead is neither hooked nor in progress)
 * and a hook claim on it is released. `bead`, when given, is the bead as just read (not read again).
 */
export async function closeBead(
  town: TownContext,
  params: { number: number; reason?: string; as?: CloseState; bead?: Bead },
): Promise<CloseResult> {
  const bead = params.bead ?? (await getBead(town, params.number));
  if (bead.status === "closed") return { bead, changed: false, releasedHook: false };
  const taxonomy = taxonomyOf(town);
  const labels = planLabelChanges(issueLabelsOf(bead, taxonomy), { status: "closed" }, taxonomy);
  const reason = params.reason?.trim();
  const writeReason = reason !== undefined && reason !== "" && bead.writable;

  if (hasChanges(labels)) await applyLabelChanges(town, { number: bead.number, changes: labels });
  let releasedHook = false;
  if (bead.status === "hooked") releasedHook = (await releaseHook(town, { bead: bead.number })).released;
  const closed = writeReason
    ? await updateIssue(town, {
        number: bead.number,
        body: { text: bead.body, metadata: mergeBeadMetadata(bead.metadata, { closeReason: reason }) },
        state: "closed",
        stateReason: params.as ?? "completed",
      })
    : await closeIssue(town, { number: bead.number, reason: params.as ?? "completed" });
  logOf(town).info({ bead: bead.number, as: params.as ?? "completed" }, "bead closed");
  return { bead: closed, changed: true, releasedHook };
}

/**
 * Reopens a closed bead (its close reason is cleared); an open bead is left as it is. `bead`, when
 * given, is the bead as just read (not read again).
 */
export async function reopenBead(
  town: TownContext,
  params: { number: number; bead?: Bead },
): Promise<{ bead: Bead; changed: boolean }> {
  const bead = params.bead ?? (await getBead(town, params.number));
  if (bead.status !== "closed") return { bead, changed: false };
  const clearReason = bead.metadata.closeReason !== undefined && bead.writable;
  const reopened = await updateIssue(town, {
    number: bead.number,
    ...(clearReason
      ? { body: { text: bead.body, metadata: mergeBeadMetadata(bead.metadata, { closeReason: null }) } }
      : {}),
    state: "open",
    stateReason: "reopened",
  });
  return { bead: reopened, changed: true };
}

/** Comments on a bead (checked to exist first, so a wrong number gets a clear error). */
export async function commentOnBead(
  town: TownContext,
  params: { number: number; body: string },
): Promise<Comment> {
  if (params.body.trim() === "") {
    throw new GastownError("The comment is empty.", {
      code: "bad-input",
      hint: 'Write the comment text: bd comment 12 "Found the cause".',
    });
  }
  await getBead(town, params.number);
  return createComment(town, { issue: params.number, body: params.body });
}

/** Adds labels to a bead; names are checked before anything is sent. */
export async function addBeadLabels(
  town: TownContext,
  params: { number: number; labels: readonly string[] },
): Promise<Bead> {
  for (const label of params.labels) {
    const problem = validateLabelName(label);
    if (problem) throw problem;
  }
  await getBead(town, params.number);
  await addLabels(town, { number: params.number, labels: params.labels });
  return getBead(town, params.number);
}

/** Removes labels from a bead; a label it does not carry is skipped. */
export async function removeBeadLabels(
  town: TownContext,
  params: { number: number; labels: readonly string[] },
): Promise<Bead> {
  await getBead(town, params.number);
  for (const label of params.labels) await removeLabel(town, { number: params.number, label });
  return getBead(town, params.number);
}

/** A bead's status label removed (the bead keeps every other label). */
export async function clearStatus(
  town: TownContext,
  params: { bead: Bead; status: "hooked" | "in_progress" },
): Promise<void> {
  const changes = dropStatusLabel(params.bead, params.status, taxonomyOf(town));
  if (hasChanges(changes)) await applyLabelChanges(town, { number: params.bead.number, changes });
}
