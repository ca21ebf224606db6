import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { githubGraphqlSchema, schemaSubsetFindings } from "../../src/sim/contract-graphql.ts";
import { simGraphqlSchema } from "../../src/sim/graphql/schema.ts";
import {
  DEQUEUE,
  ENQUEUE,
  enqueue,
  graphqlErrors,
  openPull,
  pullNodes,
  QUEUE,
  queueEntries,
} from "../helpers/merge-queue.ts";
import { type PullFixture, startPullFixture } from "../helpers/pull-fixtures.ts";

describe("the sim's GraphQL schema", () => {
  it("uses GitHub's type, field, argument and enum names and types, and nothing GitHub lacks", () => {
    expect(schemaSubsetFindings(simGraphqlSchema(), githubGraphqlSchema())).toEqual([]);
  });

  it("is told apart from a schema that strays from GitHub's", async () => {
    const { buildSchema } = await import("graphql");
    const stray = buildSchema(`
      type Query { repository(owner: String!, name: String!): Repository }
      type Repository { id: ID! mergeQueue(branch: String!): MergeQueue colour: String }
      type MergeQueue { id: ID! }
    `);
    expect(schemaSubsetFindings(stray, githubGraphqlSchema())).toEqual([
      "Query.repository(followRenames): GitHub's argument is missing here",
      "Repository.mergeQueue(branch): String! here, String on GitHub",
      "Repository.colour: GitHub has no such field",
    ]);
  });
});

describe("POST /graphql", () => {
  let fx: PullFixture;
  beforeEach(async () => {
    fx = await startPullFixture();
  });
  afterEach(async () => {
    await fx.stop();
  });

  const post = (auth: string | undefined, body: unknown) =>
    fetch(`${fx.sim.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(auth ? { authorization: `token ${auth}` } : {}) },
      body: JSON.stringify(body),
    });

  describe("authentication", () => {
    it("answers 401 without a token or with a bad one, as GitHub does", async () => {
      const anonymous = await post(undefined, { query: "{ __typename }" });
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({
        message: "This endpoint requires you to be authenticated.",
      });
      const bad = await post("ghp_nope", { query: "{ __typename }" });
      expect(bad.status).toBe(401);
      expect(await bad.json()).toMatchObject({ message: "Bad credentials" });
    });
  });

  describe("pullRequest", () => {
    it("answers several aliased pull requests, with the REST node_id as their id", async () => {
      const one = await openPull(fx, { branch: "one", files: { "one.txt": "1\n" } });
      const two = await openPull(fx, { branch: "two", files: { "two.txt": "2\n" } });
      const nodes = await pullNodes(fx, [one.number, two.number]);
      expect(nodes.get(one.number)).toEqual({
        id: one.id,
        number: one.number,
        headRefOid: one.head,
        state: "OPEN",
        merged: false,
        isInMergeQueue: false,
        timelineItems: { nodes: [] },
      });
      expect(nodes.get(two.number)).toMatchObject({ id: two.id, headRefOid: two.head });
      expect(one.id).toMatch(/^PR_/);
    });

    it("answers NOT_FOUND in GitHub's error shape with HTTP 200 for a missing PR or repo", async () => {
      const token = fx.sim.token({ kind: "user", login: "dev" });
      const response = await post(token, {
        query: `query { repository(owner: "acme", name: "app") { pullRequest(number: 99) { id } } }`,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        data: { repository: { pullRequest: null } },
        errors: [
          {
            type: "NOT_FOUND",
            path: ["repository", "pullRequest"],
            locations: [{ line: 1, column: 50 }],
            message: "Could not resolve to a PullRequest with the number of 99.",
          },
        ],
      });
      const errors = await graphqlErrors(
        fx.dev.graphql(`query { repository(owner: "acme", name: "nope") { id } }`),
      );
      expect(errors).toMatchObject([
        { type: "NOT_FOUND", message: "Could not resolve to a Repository with the name 'acme/nope'." },
      ]);
    });

    it("hides a private repo from a caller who cannot read it", async () => {
      await fx.sim.createRepo({ owner: "acme", name: "secret", private: true });
      const stranger = new Octokit({
        baseUrl: fx.sim.url,
        auth: fx.sim.token({ kind: "user", login: "stranger" }),
      });
      const errors = await graphqlErrors(
        stranger.graphql(`query { repository(owner: "acme", name: "secret") { id } }`),
      );
      expect(errors).toMatchObject([{ type: "NOT_FOUND", path: ["repository"] }]);
    });
  });

  describe("mergeQueue", () => {
    it("is null for a branch without a queue, and lists entries once enabled", async () => {
      expect(await queueEntries(fx)).toBeUndefined();
      fx.sim.enableMergeQueue(fx.repo, { checks: ["ci/test"], mergeMethod: "squash", maxEntriesToBuild: 3 });
      expect(await queueEntries(fx)).toEqual([]);
      const data = await fx.dev.graphql<{
        repository: { mergeQueue: { configuration: Record<string, unknown> } };
      }>(
        `query { repository(owner: "acme", name: "app") { mergeQueue { configuration { mergeMethod maximumEntriesToBuild } } } }`,
      );
      expect(data.repository.mergeQueue.configuration).toEqual({
        mergeMethod: "SQUASH",
        maximumEntriesToBuild: 3,
      });
    });

    it("refuses a connection without `first` or `last`, as GitHub does", async () => {
      fx.sim.enableMergeQueue(fx.repo, { checks: [] });
      const errors = await graphqlErrors(
        fx.dev.graphql(
          `query { repository(owner: "acme", name: "app") { mergeQueue { entries { totalCount } } } }`,
        ),
      );
      expect(errors).toMatchObject([
        {
          type: "MISSING_PAGINATION_BOUNDARIES",
          message:
            "You must provide a `first` or `last` value to properly paginate the `entries` connection.",
        },
      ]);
    });
  });

  describe("mutations", () => {
    it("resolves the PR by its node id and refuses callers without write access", async () => {
      fx.sim.enableMergeQueue(fx.repo, { checks: ["ci/test"] });
      const pull = await openPull(fx, { branch: "feature", files: { "f.txt": "f\n" } });
      const reader = new Octokit({
        baseUrl: fx.sim.url,
        auth: fx.sim.token({ kind: "user", login: "reader" }),
      });
      expect(await graphqlErrors(enqueue(reader, pull))).toMatchObject([
        {
          type: "FORBIDDEN",
          path: ["enqueuePullRequest"],
          message: "reader does not have the correct permissions to execute `EnqueuePullRequest`",
        },
      ]);
      expect(await graphqlErrors(fx.dev.graphql(DEQUEUE, { id: "PR_0" }))).toMatchObject([
        { type: "NOT_FOUND", message: "Could not resolve to a node with the global id of 'PR_0'." },
      ]);
      expect(await graphqlErrors(fx.dev.graphql(DEQUEUE, { id: pull.id }))).toMatchObject([
        { type: "UNPROCESSABLE", message: `Pull request #${pull.number} is not in the merge queue.` },
      ]);
    });
  });

  describe("the contract", () => {
    it("records a document GitHub's schema rejects as a violation", async () => {
      const errors = await graphqlErrors(
        fx.dev.graphql(
          `query { repository(owner: "acme", name: "app") { mergeQueue { entriez(first: 1) { totalCount } } } }`,
        ),
      );
      expect(errors[0]?.message).toContain("entriez");
      const violations = fx.sim.contract.drain();
      expect(violations).toMatchObject([
        {
          kind: "graphql",
          exchange: "POST /graphql → 200",
          at: "document 1:63",
          message: expect.stringContaining(`Cannot query field "entriez" on type "MergeQueue"`),
        },
      ]);
    });

    it("records variables GitHub would refuse, and a document the sim's schema would accept but GitHub's not", async () => {
      fx.sim.enableMergeQueue(fx.repo, { checks: [] });
      const pull = await openPull(fx, { branch: "feature", files: { "f.txt": "f\n" } });
      await graphqlErrors(fx.dev.graphql(ENQUEUE, { id: pull.id, head: pull.head, jump: "yes" }));
      expect(fx.sim.contract.drain()).toMatchObject([
        { kind: "graphql", at: "variables", message: expect.stringContaining('"$jump"') },
      ]);
      await graphqlErrors(
        fx.dev.graphql(`query { repository(owner: "acme", name: "app", colour: "red") { id } }`),
      );
      expect(fx.sim.contract.drain()).toMatchObject([
        { kind: "graphql", message: expect.stringContaining('Unknown argument "colour"') },
      ]);
    });

    it("accepts the documents the refinery sends", async () => {
      fx.sim.enableMergeQueue(fx.repo, { checks: ["ci/test"] });
      const pull = await openPull(fx, { branch: "feature", files: { "f.txt": "f\n" } });
      await enqueue(fx.dev, pull);
      await fx.dev.graphql(QUEUE, { owner: "acme", name: "app", branch: "main" });
      await pullNodes(fx, [pull.number]);
      await fx.dev.graphql(DEQUEUE, { id: pull.id });
      await fx.sim.idle();
      expect(fx.sim.contract.violations()).toEqual([]);
    });
  });
});
