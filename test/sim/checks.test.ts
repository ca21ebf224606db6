import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { aggregateSuite } from "../../src/sim/checks-core.ts";
import type { SimCheckRun } from "../../src/sim/state.ts";
import {
  eventsOf,
  type PullFixture,
  pushFiles,
  startPullFixture,
  statusOf,
} from "../helpers/pull-fixtures.ts";

describe("aggregateSuite", () => {
  const run = (
    id: number,
    name: string,
    status: SimCheckRun["status"],
    conclusion: SimCheckRun["conclusion"],
  ) => ({ id, name, status, conclusion, app: "a" }) as SimCheckRun;

  it("is in progress until every latest run completes, then takes the worst conclusion", () => {
    expect(aggregateSuite([])).toEqual({ status: "queued", conclusion: null });
    expect(aggregateSuite([run(1, "a", "in_progress", null), run(2, "b", "completed", "success")])).toEqual({
      status: "in_progress",
      conclusion: null,
    });
    expect(
      aggregateSuite([run(1, "a", "completed", "success"), run(2, "b", "completed", "failure")]),
    ).toEqual({
      status: "completed",
      conclusion: "failure",
    });
    expect(
      aggregateSuite([run(1, "a", "completed", "success"), run(2, "b", "completed", "skipped")]),
    ).toEqual({
      status: "completed",
      conclusion: "success",
    });
  });

  it("reads only the newest run of each name", () => {
    expect(
      aggregateSuite([run(1, "a", "completed", "failure"), run(2, "a", "completed", "success")]),
    ).toEqual({
      status: "completed",
      conclusion: "success",
    });
  });
});

describe("check runs and suites on the loopback GitHub", () => {
  let fx: PullFixture;
  let sha: string;
  beforeEach(async () => {
    fx = await startPullFixture();
    sha = await pushFiles(fx, { branch: "feature", files: { "a.txt": "a\n" } });
  });
  afterEach(async () => {
    await fx.stop();
  });

  const create = (params: Record<string, unknown>) =>
    fx.app.rest.checks.create({
      owner: fx.owner,
      repo: fx.name,
      name: "gastown/refinery",
      head_sha: sha,
      ...params,
    });

  describe("when an app creates and completes a run", () => {
    it("creates its suite on demand and emits created, completed and check_suite.completed", async () => {
      const { status, data } = await create({
        status: "in_progress",
        external_id: "q-1",
        output: { title: "queued", summary: "position 3" },
      });
      expect(status).toBe(201);
      expect(data).toMatchObject({
        name: "gastown/refinery",
        head_sha: sha,
        status: "in_progress",
        conclusion: null,
        external_id: "q-1",
        output: { title: "queued", summary: "position 3", text: null, annotations_count: 0 },
        app: { slug: "gastown" },
      });
      expect(eventsOf(fx, "check_run", "created")[0]?.payload).toMatchObject({
        check_run: {
          id: data.id,
          check_suite: { id: data.check_suite?.id, head_branch: "feature", status: "in_progress" },
        },
      });
      const { data: done } = await fx.app.rest.checks.update({
        owner: fx.owner,
        repo: fx.name,
        check_run_id: data.id,
        conclusion: "success",
        output: { title: "merged", summary: "merged in abc123" },
      });
      expect(done).toMatchObject({ status: "completed", conclusion: "success", output: { title: "merged" } });
      expect(done.completed_at).toEqual(expect.any(String));
      expect(eventsOf(fx, "check_run", "created")).toHaveLength(1);
      expect(eventsOf(fx, "check_run", "completed")).toHaveLength(1);
      await fx.sim.idle();
      const suiteEvents = eventsOf(fx, "check_suite", "completed");
      expect(suiteEvents).toHaveLength(1);
      expect(suiteEvents[0]?.payload).toMatchObject({
        check_suite: { conclusion: "success", head_sha: sha },
      });
      const { data: suite } = await fx.dev.rest.checks.getSuite({
        owner: fx.owner,
        repo: fx.name,
        check_suite_id: data.check_suite?.id ?? 0,
      });
      expect(suite).toMatchObject({
        status: "completed",
        conclusion: "success",
        latest_check_runs_count: 1,
        head_commit: { id: sha },
      });
    });
  });

  describe("when runs are listed for a ref", () => {
    it("answers the newest run per name, filtered by name and status, by branch or SHA", async () => {
      await create({ conclusion: "failure" });
      const newer = await create({ status: "queued" });
      await create({ name: "lint", conclusion: "success" });
      const list = async (params: Record<string, unknown>) =>
        (await fx.dev.rest.checks.listForRef({ owner: fx.owner, repo: fx.name, ref: sha, ...params })).data;
      const all = await list({});
      expect(all.total_count).toBe(2);
      expect(all.check_runs.map((r) => r.name).sort()).toEqual(["gastown/refinery", "lint"]);
      expect(all.check_runs.find((r) => r.name === "gastown/refinery")?.id).toBe(newer.data.id);
      expect((await list({ filter: "all" })).total_count).toBe(3);
      expect((await list({ check_name: "lint" })).check_runs.map((r) => r.name)).toEqual(["lint"]);
      expect((await list({ status: "queued" })).check_runs.map((r) => r.id)).toEqual([newer.data.id]);
      expect((await list({ ref: "feature" })).total_count).toBe(2);
      const suites = await fx.dev.rest.checks.listSuitesForRef({
        owner: fx.owner,
        repo: fx.name,
        ref: "feature",
      });
      expect(suites.data.total_count).toBe(1);
      expect(suites.data.check_suites[0]).toMatchObject({ app: { slug: "gastown" }, status: "queued" });
    });

    it("paginates with a total count", async () => {
      for (let i = 0; i < 5; i += 1) await create({ name: `c${i}` });
      const runs = await fx.dev.paginate(fx.dev.rest.checks.listForRef, {
        owner: fx.owner,
        repo: fx.name,
        ref: sha,
        per_page: 2,
      });
      expect(runs.map((r) => r.name).sort()).toEqual(["c0", "c1", "c2", "c3", "c4"]);
    });
  });

  describe("when the request is not an app's or names an unknown commit", () => {
    it("answers 403 to a person's token and 422 to an unknown SHA", async () => {
      const person = await statusOf(
        fx.dev.rest.checks.create({ owner: fx.owner, repo: fx.name, name: "x", head_sha: sha }),
      );
      expect(person.status).toBe(403);
      const unknown = await statusOf(create({ head_sha: "f".repeat(40) }));
      expect(unknown.status).toBe(422);
    });

    it("lets only the creating app update a run", async () => {
      const { data } = await create({});
      const actions = new (await import("@octokit/rest")).Octokit({
        baseUrl: fx.sim.url,
        auth: fx.sim.token({ kind: "workflow" }),
      });
      const refused = await statusOf(
        actions.rest.checks.update({
          owner: fx.owner,
          repo: fx.name,
          check_run_id: data.id,
          conclusion: "success",
        }),
      );
      expect(refused.status).toBe(403);
    });
  });

  describe("when the default branch requires a check", () => {
    it("blocks the PR's merge until the check passes on its head", async () => {
      fx.sim.requireChecks(fx.repo, ["gastown/refinery"]);
      const { data: pull } = await fx.dev.rest.pulls.create({
        owner: fx.owner,
        repo: fx.name,
        head: "feature",
        base: "main",
        title: "t",
      });
      expect(pull.mergeable_state).toBe("blocked");
      const missing = await statusOf(
        fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number }),
      );
      expect(missing).toMatchObject({
        status: 405,
        message: 'Required status check "gastown/refinery" is expected.',
      });
      const { data: run } = await create({ conclusion: "failure" });
      const failing = await statusOf(
        fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number }),
      );
      expect(failing).toMatchObject({
        status: 405,
        message: 'Required status check "gastown/refinery" is failing.',
      });
      await fx.app.rest.checks.update({
        owner: fx.owner,
        repo: fx.name,
        check_run_id: run.id,
        conclusion: "success",
      });
      const { data: ready } = await fx.dev.rest.pulls.get({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
      });
      expect(ready.mergeable_state).toBe("clean");
      expect(
        (await fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number })).data
          .merged,
      ).toBe(true);
    });

    it("reports a failing optional check as unstable", async () => {
      const { data: pull } = await fx.dev.rest.pulls.create({
        owner: fx.owner,
        repo: fx.name,
        head: "feature",
        base: "main",
        title: "t",
      });
      await create({ name: "optional", conclusion: "failure" });
      const { data } = await fx.dev.rest.pulls.get({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
      });
      expect(data.mergeable_state).toBe("unstable");
    });
  });
});
