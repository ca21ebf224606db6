// What the sim's GraphQL schema resolves to: plain objects whose fields are values or functions
// of the field's arguments (graphql-js's default resolver calls them), built from the sim's state
// on demand. Errors carry GitHub's GraphQL error `type` (NOT_FOUND, FORBIDDEN, UNPROCESSABLE, …).
import { type Principal, permissionOn } from "../auth.ts";
import type { SimContext } from "../context.ts";
import { readCommit } from "../git.ts";
import {
  dequeuePullRequest,
  enqueuePullRequest,
  entryById,
  MergeQueueError,
  type MergeQueueTimelineEvent,
  mergeQueueOf,
  mergeQueueTimeline,
  mergeQueuesOf,
  positionOf,
  queuedEntryOf,
  type SimMergeQueue,
  type SimMergeQueueEntry,
} from "../merge-queue.ts";
import { currentBase, pullIssue } from "../pulls-core.ts";
import { PERMISSION_RANK, type SimPull, type SimRepo } from "../state.ts";

/** What every resolver gets: the sim and who is asking. */
export interface GraphqlContext {
  sim: SimContext;
  principal: Principal;
}

/** An error answered in GitHub's GraphQL shape: `{ type, path, locations, message }`. */
export class GithubGraphqlError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

type Resolved = Record<string, unknown>;

const MAX_PAGE = 100;

/** The root object for queries and mutations. */
export function rootValue(): Resolved {
  return {
    repository(args: { owner: string; name: string }, ctx: GraphqlContext): Resolved {
      const repo = ctx.sim.state.repo(args.owner, args.name);
      if (!repo || !canRead(ctx, repo)) {
        throw new GithubGraphqlError(
          "NOT_FOUND",
          `Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`,
        );
      }
      return repositoryNode(ctx, repo);
    },
    node(args: { id: string }, ctx: GraphqlContext): Resolved {
      const found = nodeById(ctx, args.id);
      if (!found) throw notResolvable(args.id);
      return found;
    },
    async enqueuePullRequest(
      args: {
        input: {
          pullRequestId: string;
          expectedHeadOid?: string | null;
          jump?: boolean | null;
          clientMutationId?: string | null;
        };
      },
      ctx: GraphqlContext,
    ): Promise<Resolved> {
      const { input } = args;
      const { repo, pull } = pullByNodeId(ctx, input.pullRequestId);
      requireWrite(ctx, repo, "EnqueuePullRequest");
      const entry = await asGraphqlError(() =>
        enqueuePullRequest({
          sim: ctx.sim,
          repo,
          pull,
          principal: ctx.principal,
          expectedHeadOid: input.expectedHeadOid ?? undefined,
          jump: input.jump ?? undefined,
        }),
      );
      const queue = mergeQueueOf(repo, pull.base_ref) as SimMergeQueue;
      return {
        clientMutationId: input.clientMutationId ?? null,
        mergeQueueEntry: entryNode(ctx, queue, entry, true),
      };
    },
    async dequeuePullRequest(
      args: { input: { id: string; clientMutationId?: string | null } },
      ctx: GraphqlContext,
    ): Promise<Resolved> {
      const { input } = args;
      const { repo, pull } = pullByNodeId(ctx, input.id);
      requireWrite(ctx, repo, "DequeuePullRequest");
      const queue = mergeQueueOf(repo, pull.base_ref);
      const entry = await asGraphqlError(() =>
        dequeuePullRequest({ sim: ctx.sim, repo, pull, principal: ctx.principal }),
      );
      return {
        clientMutationId: input.clientMutationId ?? null,
        mergeQueueEntry: queue ? entryNode(ctx, queue, entry, true) : null,
      };
    },
  };
}

async function asGraphqlError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MergeQueueError) throw new GithubGraphqlError(error.type, error.message);
    throw error;
  }
}

const notResolvable = (id: string): GithubGraphqlError =>
  new GithubGraphqlError("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'.`);

const canRead = (ctx: GraphqlContext, repo: SimRepo): boolean => permissionOn(repo, ctx.principal) !== "none";

function requireWrite(ctx: GraphqlContext, repo: SimRepo, mutation: string): void {
  if (PERMISSION_RANK[permissionOn(repo, ctx.principal)] >= PERMISSION_RANK.write) return;
  const token = ctx.principal.token;
  throw new GithubGraphqlError(
    "FORBIDDEN",
    token && token.kind !== "user"
      ? "Resource not accessible by integration"
      : `${ctx.principal.login ?? "An anonymous caller"} does not have the correct permissions to execute \`${mutation}\``,
  );
}

/** A PR by its node id (`PR_<id>`, the REST `node_id`) in a repo the caller can read. */
function pullByNodeId(ctx: GraphqlContext, id: string): { repo: SimRepo; pull: SimPull } {
  const match = /^PR_(\d+)$/.exec(id);
  if (match) {
    const pullId = Number(match[1]);
    for (const repo of ctx.sim.state.repos.values()) {
      for (const pull of repo.pulls.values()) {
        if (pull.id === pullId && canRead(ctx, repo)) return { repo, pull };
      }
    }
  }
  throw notResolvable(id);
}

function nodeById(ctx: GraphqlContext, id: string): Resolved | undefined {
  if (id.startsWith("PR_")) {
    try {
      const { repo, pull } = pullByNodeId(ctx, id);
      return pullRequestNode(ctx, repo, pull);
    } catch {
      return undefined;
    }
  }
  if (id.startsWith("MQE_")) {
    const found = entryById(ctx.sim.state, id);
    return found && canRead(ctx, found.queue.repo) ? entryNode(ctx, found.queue, found.entry) : undefined;
  }
  for (const repo of ctx.sim.state.repos.values()) {
    if (!canRead(ctx, repo)) continue;
    if (id === `R_${repo.id}`) return repositoryNode(ctx, repo);
    const queue = mergeQueuesOf(repo).find((q) => q.id === id);
    if (queue) return mergeQueueNode(ctx, queue);
  }
  return undefined;
}

// ---- Nodes ------------------------------------------------------------------------------------

function repositoryNode(ctx: GraphqlContext, repo: SimRepo): Resolved {
  return {
    __typename: "Repository",
    id: `R_${repo.id}`,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    isPrivate: repo.private,
    url: `${ctx.sim.baseUrl}/${repo.owner}/${repo.name}`,
    mergeQueue(args: { branch?: string | null }): Resolved | null {
      const queue = mergeQueueOf(repo, args.branch ?? repo.default_branch);
      return queue ? mergeQueueNode(ctx, queue) : null;
    },
    pullRequest(args: { number: number }): Resolved {
      const pull = repo.pulls.get(args.number);
      if (!pull) {
        throw new GithubGraphqlError(
          "NOT_FOUND",
          `Could not resolve to a PullRequest with the number of ${args.number}.`,
        );
      }
      return pullRequestNode(ctx, repo, pull);
    },
  };
}

function mergeQueueNode(ctx: GraphqlContext, queue: SimMergeQueue): Resolved {
  const { repo } = queue;
  const path = `/${repo.owner}/${repo.name}/queue/${queue.branch}`;
  return {
    __typename: "MergeQueue",
    id: queue.id,
    resourcePath: path,
    url: `${ctx.sim.baseUrl}${path}`,
    repository: () => repositoryNode(ctx, repo),
    configuration: {
      checkResponseTimeout: 3600,
      maximumEntriesToBuild: queue.maxEntriesToBuild,
      maximumEntriesToMerge: 1,
      mergeMethod: queue.mergeMethod.toUpperCase(),
      mergingStrategy: "ALLGREEN",
      minimumEntriesToMerge: 1,
      minimumEntriesToMergeWaitTime: 0,
    },
    entries(args: ConnectionArgs): Resolved {
      const page = paginate(queue.entries, args, "entries");
      return {
        totalCount: queue.entries.length,
        pageInfo: page.pageInfo,
        nodes: page.items.map(({ item }) => entryNode(ctx, queue, item)),
        edges: page.items.map(({ item, cursor }) => ({ cursor, node: entryNode(ctx, queue, item) })),
      };
    },
  };
}

/** An entry; with `snapshot`, its state and position as of now (a mutation's answer). */
function entryNode(
  ctx: GraphqlContext,
  queue: SimMergeQueue,
  entry: SimMergeQueueEntry,
  snapshot = false,
): Resolved {
  const { repo } = queue;
  const group = entry.group;
  const state = entry.state;
  const position = positionOf(queue, entry);
  return {
    __typename: "MergeQueueEntry",
    id: entry.id,
    enqueuedAt: entry.enqueuedAt,
    enqueuer: actorNode(ctx, entry.enqueuer),
    jump: entry.jump,
    solo: false,
    state: snapshot ? state : () => entry.state,
    position: snapshot ? position : () => positionOf(queue, entry),
    // The merge group's commit (what `merge_group.head_sha` names) once built, and its parent.
    headCommit: () => {
      const current = snapshot ? group : entry.group;
      return current ? commitNode(repo, current.sha) : null;
    },
    baseCommit: () => {
      const current = snapshot ? group : entry.group;
      return current ? commitNode(repo, current.baseSha) : null;
    },
    pullRequest: () => pullRequestNode(ctx, repo, entry.pull),
    mergeQueue: () => mergeQueueNode(ctx, queue),
  };
}

function pullRequestNode(ctx: GraphqlContext, repo: SimRepo, pull: SimPull): Resolved {
  const issue = pullIssue(repo, pull);
  return {
    __typename: "PullRequest",
    id: `PR_${pull.id}`,
    number: pull.number,
    title: issue.title,
    url: `${ctx.sim.baseUrl}/${repo.owner}/${repo.name}/pull/${pull.number}`,
    state: pull.merged ? "MERGED" : issue.state === "open" ? "OPEN" : "CLOSED",
    merged: pull.merged,
    mergedAt: pull.merged_at,
    isDraft: pull.draft,
    headRefName: pull.head_ref,
    headRefOid: pull.head_sha,
    baseRefName: pull.base_ref,
    baseRefOid: () => currentBase(repo, pull),
    mergeCommit: () => (pull.merge_commit_sha ? commitNode(repo, pull.merge_commit_sha) : null),
    repository: () => repositoryNode(ctx, repo),
    isInMergeQueue: () => queuedEntryOf(repo, pull) !== undefined,
    mergeQueueEntry(): Resolved | null {
      const found = queuedEntryOf(repo, pull);
      return found ? entryNode(ctx, found.queue, found.entry) : null;
    },
    mergeQueue(): Resolved | null {
      const queue = mergeQueueOf(repo, pull.base_ref);
      return queue ? mergeQueueNode(ctx, queue) : null;
    },
    timelineItems(args: TimelineArgs): Resolved {
      return timelineConnection(ctx, repo, pull, args);
    },
  };
}

const TIMELINE_TYPES: Record<MergeQueueTimelineEvent["type"], string> = {
  AddedToMergeQueueEvent: "ADDED_TO_MERGE_QUEUE_EVENT",
  RemovedFromMergeQueueEvent: "REMOVED_FROM_MERGE_QUEUE_EVENT",
};

interface TimelineArgs extends ConnectionArgs {
  itemTypes?: string[] | null;
  since?: string | null;
  skip?: number | null;
}

function timelineConnection(ctx: GraphqlContext, repo: SimRepo, pull: SimPull, args: TimelineArgs): Resolved {
  const wanted = args.itemTypes ? new Set(args.itemTypes) : undefined;
  const typed = mergeQueueTimeline(pull).filter((e) => !wanted || wanted.has(TIMELINE_TYPES[e.type]));
  const since = args.since ? Date.parse(args.since) : undefined;
  const filtered = typed
    .filter((e) => since === undefined || Date.parse(e.createdAt) >= since)
    .slice(Math.max(0, args.skip ?? 0));
  const page = paginate(filtered, args, "timelineItems");
  const node = (event: MergeQueueTimelineEvent): Resolved => timelineNode(ctx, repo, pull, event);
  return {
    totalCount: typed.length,
    filteredCount: filtered.length,
    pageCount: page.items.length,
    updatedAt: pullIssue(repo, pull).updated_at,
    pageInfo: page.pageInfo,
    nodes: page.items.map(({ item }) => node(item)),
    edges: page.items.map(({ item, cursor }) => ({ cursor, node: node(item) })),
  };
}

function timelineNode(
  ctx: GraphqlContext,
  repo: SimRepo,
  pull: SimPull,
  event: MergeQueueTimelineEvent,
): Resolved {
  const enqueuer = ctx.sim.state.user(event.enqueuer);
  return {
    __typename: event.type,
    id: event.id,
    createdAt: event.createdAt,
    actor: event.actor ? actorNode(ctx, event.actor) : null,
    // `enqueuer` is typed User: an app's bot is no user.
    enqueuer: enqueuer.type === "Bot" ? null : actorNode(ctx, event.enqueuer),
    reason: event.reason ?? null,
    beforeCommit: event.beforeCommit ? commitNode(repo, event.beforeCommit) : null,
    mergeQueue: () => mergeQueueNode(ctx, event.queue),
    pullRequest: () => pullRequestNode(ctx, repo, pull),
  };
}

/** A `User`, or a `Bot` for `[bot]` accounts (whose GraphQL login drops the suffix, as GitHub's). */
function actorNode(ctx: GraphqlContext, login: string): Resolved {
  const user = ctx.sim.state.user(login);
  const bot = user.type === "Bot";
  const name = bot ? login.replace(/\[bot\]$/, "") : user.login;
  const resourcePath = bot ? `/apps/${name}` : `/${name}`;
  return {
    __typename: bot ? "Bot" : "User",
    id: bot ? `BOT_${user.id}` : `U_${user.id}`,
    login: name,
    avatarUrl: `${ctx.sim.baseUrl}/avatars/${encodeURIComponent(user.login)}`,
    resourcePath,
    url: `${ctx.sim.baseUrl}${resourcePath}`,
  };
}

function commitNode(repo: SimRepo, sha: string): Resolved {
  return {
    __typename: "Commit",
    id: `C_${sha}`,
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    message: async () => (await readCommit(repo.gitDir, sha))?.message.trimEnd() ?? "",
  };
}

// ---- Connections ------------------------------------------------------------------------------

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const cursorOf = (index: number): string => Buffer.from(`cursor:v2:${index}`).toString("base64");

function indexOfCursor(cursor: string): number | undefined {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

/** One page of a connection, with GitHub's refusals of unbounded or oversized pages. */
function paginate<T>(
  items: readonly T[],
  args: ConnectionArgs,
  name: string,
): {
  items: { item: T; cursor: string }[];
  pageInfo: Resolved;
} {
  const { first, last } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new GithubGraphqlError(
      "MISSING_PAGINATION_BOUNDARIES",
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
    );
  }
  for (const [key, value] of [
    ["first", first],
    ["last", last],
  ] as const) {
    if (value !== undefined && value !== null && (value < 0 || value > MAX_PAGE)) {
      throw new GithubGraphqlError(
        "EXCESSIVE_PAGINATION",
        `Requesting ${value} records on the \`${name}\` connection exceeds the \`${key}\` limit of ${MAX_PAGE} records.`,
      );
    }
  }
  let from = 0;
  let to = items.length;
  const after = args.after ? indexOfCursor(args.after) : undefined;
  const before = args.before ? indexOfCursor(args.before) : undefined;
  if (after !== undefined) from = Math.min(items.length, after + 1);
  if (before !== undefined) to = Math.max(from, Math.min(to, before));
  if (first !== undefined && first !== null) to = Math.min(to, from + first);
  if (last !== undefined && last !== null) from = Math.max(from, to - last);
  const page = items.slice(from, to).map((item, i) => ({ item, cursor: cursorOf(from + i) }));
  return {
    items: page,
    pageInfo: {
      startCursor: page[0]?.cursor ?? null,
      endCursor: page.at(-1)?.cursor ?? null,
      hasNextPage: to < items.length,
      hasPreviousPage: from > 0,
    },
  };
}
