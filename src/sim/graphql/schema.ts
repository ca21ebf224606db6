// The sim's executable GraphQL schema: a subset of GitHub's public schema with the very same type,
// field, argument and enum names and types (a test checks it against @octokit/graphql-schema), so
// a document the sim runs is one GitHub runs too. It covers the merge queue: a repository's
// `mergeQueue(branch:)` and its entries, a pull request's queue state and timeline events, and
// the `enqueuePullRequest` / `dequeuePullRequest` mutations.
import { buildSchema, type GraphQLSchema } from "graphql";

// Every value GitHub's `PullRequestTimelineItemsItemType` has, so any filter GitHub accepts is
// accepted here; the sim records only the merge-queue events among them.
const TIMELINE_ITEM_TYPES = `
  ADDED_TO_MERGE_QUEUE_EVENT ADDED_TO_PROJECT_EVENT ASSIGNED_EVENT AUTOMATIC_BASE_CHANGE_FAILED_EVENT
  AUTOMATIC_BASE_CHANGE_SUCCEEDED_EVENT AUTO_MERGE_DISABLED_EVENT AUTO_MERGE_ENABLED_EVENT
  AUTO_REBASE_ENABLED_EVENT AUTO_SQUASH_ENABLED_EVENT BASE_REF_CHANGED_EVENT BASE_REF_DELETED_EVENT
  BASE_REF_FORCE_PUSHED_EVENT CLOSED_EVENT COMMENT_DELETED_EVENT CONNECTED_EVENT
  CONVERTED_NOTE_TO_ISSUE_EVENT CONVERTED_TO_DISCUSSION_EVENT CONVERT_TO_DRAFT_EVENT
  CROSS_REFERENCED_EVENT DEMILESTONED_EVENT DEPLOYED_EVENT DEPLOYMENT_ENVIRONMENT_CHANGED_EVENT
  DISCONNECTED_EVENT HEAD_REF_DELETED_EVENT HEAD_REF_FORCE_PUSHED_EVENT HEAD_REF_RESTORED_EVENT
  ISSUE_COMMENT LABELED_EVENT LOCKED_EVENT MARKED_AS_DUPLICATE_EVENT MENTIONED_EVENT MERGED_EVENT
  MILESTONED_EVENT MOVED_COLUMNS_IN_PROJECT_EVENT PARENT_ISSUE_ADDED_EVENT PARENT_ISSUE_REMOVED_EVENT
  PINNED_EVENT PULL_REQUEST_COMMIT PULL_REQUEST_COMMIT_COMMENT_THREAD PULL_REQUEST_REVIEW
  PULL_REQUEST_REVIEW_THREAD PULL_REQUEST_REVISION_MARKER READY_FOR_REVIEW_EVENT REFERENCED_EVENT
  REMOVED_FROM_MERGE_QUEUE_EVENT REMOVED_FROM_PROJECT_EVENT RENAMED_TITLE_EVENT REOPENED_EVENT
  REVIEW_DISMISSED_EVENT REVIEW_REQUESTED_EVENT REVIEW_REQUEST_REMOVED_EVENT SUBSCRIBED_EVENT
  SUB_ISSUE_ADDED_EVENT SUB_ISSUE_REMOVED_EVENT TRANSFERRED_EVENT UNASSIGNED_EVENT UNLABELED_EVENT
  UNLOCKED_EVENT UNMARKED_AS_DUPLICATE_EVENT UNPINNED_EVENT UNSUBSCRIBED_EVENT USER_BLOCKED_EVENT
`;

/** The sim's schema in SDL (GitHub's names and types; fewer types, fields and union members). */
export const SIM_GRAPHQL_SDL = `
scalar DateTime
scalar GitObjectID
scalar URI

interface Node {
  id: ID!
}

interface Actor {
  avatarUrl(size: Int): URI!
  login: String!
  resourcePath: URI!
  url: URI!
}

type User implements Actor & Node {
  avatarUrl(size: Int): URI!
  id: ID!
  login: String!
  resourcePath: URI!
  url: URI!
}

type Bot implements Actor & Node {
  avatarUrl(size: Int): URI!
  id: ID!
  login: String!
  resourcePath: URI!
  url: URI!
}

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
}

type Commit implements Node {
  abbreviatedOid: String!
  id: ID!
  message: String!
  oid: GitObjectID!
}

enum PullRequestState {
  CLOSED
  MERGED
  OPEN
}

enum PullRequestMergeMethod {
  MERGE
  REBASE
  SQUASH
}

enum MergeQueueEntryState {
  AWAITING_CHECKS
  LOCKED
  MERGEABLE
  QUEUED
  UNMERGEABLE
}

enum MergeQueueMergingStrategy {
  ALLGREEN
  HEADGREEN
}

enum PullRequestTimelineItemsItemType {
  ${TIMELINE_ITEM_TYPES}
}

type Repository implements Node {
  id: ID!
  isPrivate: Boolean!
  mergeQueue(branch: String): MergeQueue
  name: String!
  nameWithOwner: String!
  pullRequest(number: Int!): PullRequest
  url: URI!
}

type MergeQueueConfiguration {
  checkResponseTimeout: Int
  maximumEntriesToBuild: Int
  maximumEntriesToMerge: Int
  mergeMethod: PullRequestMergeMethod
  mergingStrategy: MergeQueueMergingStrategy
  minimumEntriesToMerge: Int
  minimumEntriesToMergeWaitTime: Int
}

type MergeQueue implements Node {
  configuration: MergeQueueConfiguration
  entries(after: String, before: String, first: Int, last: Int): MergeQueueEntryConnection
  id: ID!
  repository: Repository
  resourcePath: URI!
  url: URI!
}

type MergeQueueEntryConnection {
  edges: [MergeQueueEntryEdge]
  nodes: [MergeQueueEntry]
  pageInfo: PageInfo!
  totalCount: Int!
}

type MergeQueueEntryEdge {
  cursor: String!
  node: MergeQueueEntry
}

type MergeQueueEntry implements Node {
  baseCommit: Commit
  enqueuedAt: DateTime!
  enqueuer: Actor!
  headCommit: Commit
  id: ID!
  jump: Boolean!
  mergeQueue: MergeQueue
  position: Int!
  pullRequest: PullRequest
  solo: Boolean!
  state: MergeQueueEntryState!
}

type PullRequest implements Node {
  baseRefName: String!
  baseRefOid: GitObjectID!
  headRefName: String!
  headRefOid: GitObjectID!
  id: ID!
  isDraft: Boolean!
  isInMergeQueue: Boolean!
  mergeCommit: Commit
  mergeQueue: MergeQueue
  mergeQueueEntry: MergeQueueEntry
  merged: Boolean!
  mergedAt: DateTime
  number: Int!
  repository: Repository!
  state: PullRequestState!
  timelineItems(
    after: String
    before: String
    first: Int
    itemTypes: [PullRequestTimelineItemsItemType!]
    last: Int
    since: DateTime
    skip: Int
  ): PullRequestTimelineItemsConnection!
  title: String!
  url: URI!
}

type PullRequestTimelineItemsConnection {
  edges: [PullRequestTimelineItemsEdge]
  filteredCount: Int!
  nodes: [PullRequestTimelineItems]
  pageCount: Int!
  pageInfo: PageInfo!
  totalCount: Int!
  updatedAt: DateTime!
}

type PullRequestTimelineItemsEdge {
  cursor: String!
  node: PullRequestTimelineItems
}

union PullRequestTimelineItems = AddedToMergeQueueEvent | RemovedFromMergeQueueEvent

type AddedToMergeQueueEvent implements Node {
  actor: Actor
  createdAt: DateTime!
  enqueuer: User
  id: ID!
  mergeQueue: MergeQueue
  pullRequest: PullRequest
}

type RemovedFromMergeQueueEvent implements Node {
  actor: Actor
  beforeCommit: Commit
  createdAt: DateTime!
  enqueuer: User
  id: ID!
  mergeQueue: MergeQueue
  pullRequest: PullRequest
  reason: String
}

input EnqueuePullRequestInput {
  clientMutationId: String
  expectedHeadOid: GitObjectID
  jump: Boolean
  pullRequestId: ID!
}

type EnqueuePullRequestPayload {
  clientMutationId: String
  mergeQueueEntry: MergeQueueEntry
}

input DequeuePullRequestInput {
  clientMutationId: String
  id: ID!
}

type DequeuePullRequestPayload {
  clientMutationId: String
  mergeQueueEntry: MergeQueueEntry
}

type Query {
  node(id: ID!): Node
  repository(followRenames: Boolean = true, name: String!, owner: String!): Repository
}

type Mutation {
  dequeuePullRequest(input: DequeuePullRequestInput!): DequeuePullRequestPayload
  enqueuePullRequest(input: EnqueuePullRequestInput!): EnqueuePullRequestPayload
}
`;

let built: GraphQLSchema | undefined;

/** The sim's executable schema (built once). */
export function simGraphqlSchema(): GraphQLSchema {
  built ??= buildSchema(SIM_GRAPHQL_SDL);
  return built;
}
