// Driving the sim's native merge queue from tests: open PRs, enqueue and dequeue them through
// GraphQL (the documents GitHub's schema validates), read the queue and PRs back, and pass or
// fail checks on group commits with commit statuses.
import type { Octokit } from "@octokit/rest";
import { type PullFixture, pushFiles } from "./pull-fixtures.ts";

export interface OpenedPull {
  number: number;
  /** The node id (REST `node_id`, GraphQL `PullRequest.id`). */
  id: string;
  head: string;
  branch: string;
}

/** Pushes `files` to a new branch and opens a PR of it into `base` (default `main`) as `dev`. */
export async function openPull(
  fx: PullFixture,
  args: { branch: string; files: Record<string, string | null>; base?: string; title?: string },
): Promise<OpenedPull> {
  const head = await pushFiles(fx, { branch: args.branch, files: args.files });
  const { data } = await fx.dev.rest.pulls.create({
    owner: fx.owner,
    repo: fx.name,
    head: args.branch,
    base: args.base ?? "main",
    title: args.title ?? `Change on ${args.branch}`,
  });
  return { number: data.number, id: data.node_id, head, branch: args.branch };
}

export const ENQUEUE = `
mutation Enqueue($id: ID!, $head: GitObjectID, $jump: Boolean) {
  enqueuePullRequest(input: { pullRequestId: $id, expectedHeadOid: $head, jump: $jump }) {
    mergeQueueEntry { id position state }
  }
}`;

export const DEQUEUE = `
mutation Dequeue($id: ID!) {
  dequeuePullRequest(input: { id: $id }) {
    mergeQueueEntry { id }
  }
}`;

export const QUEUE = `
query Queue($owner: String!, $name: String!, $branch: String) {
  repository(owner: $owner, name: $name) {
    mergeQueue(branch: $branch) {
      entries(first: 100) {
        totalCount
        nodes {
          id position state enqueuedAt
          headCommit { oid }
          pullRequest { id number headRefOid }
        }
      }
    }
  }
}`;

/** The fields the refinery reads of each PR, for `pullRequest` aliases. */
export const PULL_FIELDS = `
  id number headRefOid state merged isInMergeQueue
  timelineItems(last: 20, itemTypes: [REMOVED_FROM_MERGE_QUEUE_EVENT, ADDED_TO_MERGE_QUEUE_EVENT]) {
    nodes {
      __typename
      ... on RemovedFromMergeQueueEvent { createdAt reason actor { login } }
      ... on AddedToMergeQueueEvent { createdAt }
    }
  }`;

export interface EntryNode {
  id: string;
  position: number;
  state: string;
  enqueuedAt: string;
  headCommit: { oid: string } | null;
  pullRequest: { id: string; number: number; headRefOid: string };
}

export interface PullNode {
  id: string;
  number: number;
  headRefOid: string;
  state: string;
  merged: boolean;
  isInMergeQueue: boolean;
  timelineItems: {
    nodes: { __typename: string; createdAt: string; reason?: string; actor?: { login: string } | null }[];
  };
}

/** Enqueues a PR (optionally checking its head, optionally jumping); resolves with the entry. */
export async function enqueue(
  kit: Octokit,
  pull: OpenedPull,
  options: { head?: string; jump?: boolean } = {},
): Promise<{ id: string; position: number; state: string }> {
  const data = await kit.graphql<{
    enqueuePullRequest: { mergeQueueEntry: { id: string; position: number; state: string } };
  }>(ENQUEUE, { id: pull.id, head: options.head ?? pull.head, jump: options.jump ?? false });
  return data.enqueuePullRequest.mergeQueueEntry;
}

/** The queue's entries, front first (`undefined` when the branch has no queue). */
export async function queueEntries(fx: PullFixture, branch = "main"): Promise<EntryNode[] | undefined> {
  const data = await fx.dev.graphql<{
    repository: { mergeQueue: { entries: { totalCount: number; nodes: EntryNode[] } } | null };
  }>(QUEUE, { owner: fx.owner, name: fx.name, branch });
  return data.repository.mergeQueue?.entries.nodes;
}

/** Several PRs in one query, each under an alias (`pr<number>`). */
export async function pullNodes(fx: PullFixture, numbers: number[]): Promise<Map<number, PullNode>> {
  const fields = numbers.map((n) => `pr${n}: pullRequest(number: ${n}) { ${PULL_FIELDS} }`).join("\n");
  const data = await fx.dev.graphql<{ repository: Record<string, PullNode> }>(
    `query Pulls($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { ${fields} } }`,
    { owner: fx.owner, name: fx.name },
  );
  return new Map(numbers.map((n) => [n, data.repository[`pr${n}`] as PullNode]));
}

/** The GraphQL errors a call was answered with (throws if it succeeded). */
export async function graphqlErrors(
  call: Promise<unknown>,
): Promise<{ type?: string; message: string; path?: (string | number)[] }[]> {
  try {
    await call;
  } catch (error) {
    const errors = (error as { errors?: { type?: string; message: string; path?: (string | number)[] }[] })
      .errors;
    if (errors) return errors;
    throw error;
  }
  throw new Error("expected GraphQL errors");
}

/** Reports `ci/test` on a commit as a status (the app's), which the queue reads like a check run. */
export async function report(
  fx: PullFixture,
  sha: string,
  state: "success" | "failure" = "success",
  context = "ci/test",
): Promise<void> {
  await fx.app.rest.repos.createCommitStatus({ owner: fx.owner, repo: fx.name, sha, state, context });
}
