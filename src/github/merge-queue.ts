// GitHub's own merge queue, which only GraphQL drives (reference/github-anchors.md §6.11): read a
// branch's queue, read why pull requests left it (their RemovedFromMergeQueueEvent), enqueue with
// `expectedHeadOid` (GitHub refuses when the head moved), and dequeue. GraphQL answers errors with
// HTTP 200 and an `errors` list; they become GastownErrors here like REST failures.
import { GastownError } from "../model/errors.ts";
import { callGitHub } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ type?: string; message: string }>;
}

/** Runs a GraphQL document; GraphQL errors are thrown with GitHub's message. */
async function graphql<T>(
  gh: GitHubContext,
  action: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const { octokit } = gh;
  const response = await callGitHub({ action }, () => octokit.request("POST /graphql", { query, variables }));
  const body = response.data as GraphQLResponse<T>;
  if (body.errors && body.errors.length > 0) {
    const message = body.errors.map((e) => e.message).join("; ");
    throw new GastownError(`Could not ${action}: GitHub refused it (${message}).`, {
      code: body.errors.some((e) => e.type === "NOT_FOUND") ? "not-found" : "validation",
      hint: "Check that the branch requires a merge queue and the app may use it (permission: merge queues).",
    });
  }
  if (!body.data)
    throw new GastownError(`Could not ${action}: GitHub sent no data.`, {
      code: "github",
      hint: "Try again.",
    });
  return body.data;
}

/** One entry of GitHub's merge queue. */
export interface NativeQueueEntry {
  pr: number;
  position: number;
  /** GitHub's MergeQueueEntryState: QUEUED, AWAITING_CHECKS, MERGEABLE, UNMERGEABLE, LOCKED. */
  state: string;
  headOid: string;
}

const QUEUE_QUERY = `query ($owner: String!, $name: String!, $branch: String!) {
  repository(owner: $owner, name: $name) {
    mergeQueue(branch: $branch) {
      entries(first: 100) {
        nodes { position state pullRequest { number headRefOid } }
      }
    }
  }
}`;

/** The queue of `branch`, in position order; null when the branch has no merge queue. */
export async function readMergeQueue(gh: GitHubContext, branch: string): Promise<NativeQueueEntry[] | null> {
  type Data = {
    repository: {
      mergeQueue: {
        entries: {
          nodes: Array<{
            position: number;
            state: string;
            pullRequest: { number: number; headRefOid: string } | null;
          }>;
        };
      } | null;
    } | null;
  };
  const data = await graphql<Data>(
    gh,
    `read the merge queue of ${branch} in ${formatRepoRef(gh.repo)}`,
    QUEUE_QUERY,
    {
      owner: gh.repo.owner,
      name: gh.repo.repo,
      branch,
    },
  );
  const queue = data.repository?.mergeQueue;
  if (!queue) return null;
  return queue.entries.nodes
    .filter((n) => n.pullRequest !== null)
    .map((n) => ({
      pr: n.pullRequest?.number ?? 0,
      position: n.position,
      state: n.state,
      headOid: n.pullRequest?.headRefOid ?? "",
    }))
    .sort((a, b) => a.position - b.position);
}

/** Why a pull request last left the merge queue. */
export interface NativeDequeue {
  reason: string;
  by: string | null;
  at: string;
}

/** The last removal from the merge queue of each PR (one query for all of them). */
export async function readDequeues(
  gh: GitHubContext,
  prs: readonly number[],
): Promise<Map<number, NativeDequeue>> {
  const found = new Map<number, NativeDequeue>();
  if (prs.length === 0) return found;
  const fields = prs
    .map(
      (pr) => `pr${pr}: pullRequest(number: ${pr}) {
      timelineItems(last: 1, itemTypes: [REMOVED_FROM_MERGE_QUEUE_EVENT]) {
        nodes { ... on RemovedFromMergeQueueEvent { createdAt reason actor { login } } }
      }
    }`,
    )
    .join("\n    ");
  const query = `query ($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    ${fields}
  }
}`;
  type Node = { createdAt?: string; reason?: string | null; actor?: { login: string } | null };
  type Data = { repository: Record<string, { timelineItems: { nodes: Node[] } } | null> | null };
  const data = await graphql<Data>(gh, `read merge queue removals in ${formatRepoRef(gh.repo)}`, query, {
    owner: gh.repo.owner,
    name: gh.repo.repo,
  });
  for (const pr of prs) {
    const node = data.repository?.[`pr${pr}`]?.timelineItems.nodes.at(-1);
    if (node?.createdAt) {
      found.set(pr, { reason: node.reason ?? "UNKNOWN", by: node.actor?.login ?? null, at: node.createdAt });
    }
  }
  return found;
}

const ENQUEUE = `mutation ($id: ID!, $head: GitObjectID!, $jump: Boolean) {
  enqueuePullRequest(input: { pullRequestId: $id, expectedHeadOid: $head, jump: $jump }) {
    mergeQueueEntry { position state }
  }
}`;

/** Puts a PR in the merge queue only if its head is still `expectedHeadOid`. */
export async function enqueuePull(
  gh: GitHubContext,
  params: { pr: number; nodeId: string; expectedHeadOid: string; jump: boolean },
): Promise<{ position: number; state: string }> {
  type Data = { enqueuePullRequest: { mergeQueueEntry: { position: number; state: string } | null } | null };
  const data = await graphql<Data>(
    gh,
    `add #${params.pr} to the merge queue of ${formatRepoRef(gh.repo)}`,
    ENQUEUE,
    {
      id: params.nodeId,
      head: params.expectedHeadOid,
      jump: params.jump,
    },
  );
  const entry = data.enqueuePullRequest?.mergeQueueEntry;
  return { position: entry?.position ?? 0, state: entry?.state ?? "QUEUED" };
}

const DEQUEUE = `mutation ($id: ID!) {
  dequeuePullRequest(input: { id: $id }) { mergeQueueEntry { position } }
}`;

/** Takes a PR out of the merge queue. */
export async function dequeuePull(gh: GitHubContext, params: { pr: number; nodeId: string }): Promise<void> {
  await graphql(gh, `take #${params.pr} out of the merge queue of ${formatRepoRef(gh.repo)}`, DEQUEUE, {
    id: params.nodeId,
  });
}
