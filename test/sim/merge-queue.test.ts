import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listRefs, readBlob, readCommit, resolveRef } from "../../src/sim/git.ts";
import { startHookReceiver } from "../helpers/hook-receiver.ts";
import {
  DEQUEUE,
  enqueue,
  graphqlErrors,
  type OpenedPull,
  openPull,
  pullNodes,
  queueEntries,
  report,
} from "../helpers/merge-queue.ts";
import {
  eventsOf,
  type PullFixture,
  pushFiles,
  startPullFixture,
  statusOf,
} from "../helpers/pull-fixtures.ts";

interface GroupPayload {
  head_sha: string;
  head_ref: string;
  base_sha: string;
  base_ref: string;
  head_commit: Record<string, unknown>;
}

const groupsRequested = (fx: PullFixture): GroupPayload[] =>
  eventsOf(fx, "merge_group", "checks_requested").map((e) => e.payload.merge_group as GroupPayload);

const groupsDestroyed = (fx: PullFixture): { sha: string; reason: unknown }[] =>
  eventsOf(fx, "merge_group", "destroyed").map((e) => ({
    sha: (e.payload.merge_group as GroupPayload).head_sha,
    reason: e.payload.reason,
  }));

const dequeued = (fx: PullFixture): { number: unknown; reason: unknown; sender: string | undefined }[] =>
  eventsOf(fx, "pull_request", "dequeued").map((e) => ({
    number: e.payload.number,
    reason: e.payload.reason,
    sender: e.sender,
  }));

const mainMoves = (fx: PullFixture): unknown[] =>
  eventsOf(fx, "push")
    .filter((e) => e.payload.ref === "refs/heads/main")
    .map((e) => e.payload.after);

describe("the native merge queue", () => {
  let fx: PullFixture;
  let base: string;
  beforeEach(async () => {
    fx = await startPullFixture();
    base = (await resolveRef(fx.repo.gitDir, "refs/heads/main")) ?? "";
  });
  afterEach(async () => {
    await fx.stop();
  });

  const getPull = async (pull: OpenedPull) =>
    (await fx.dev.rest.pulls.get({ owner: fx.owner, repo: fx.name, pull_number: pull.number })).data;

  describe("with CI on merge groups", () => {
    beforeEach(() => {
      fx.sim.setCi(fx.repo, {
        name: "ci/test",
        command: ["sh", "-c", 'echo "event=$GITHUB_EVENT_NAME ref=$GITHUB_REF"; test ! -e fail.txt'],
        branches: [],
        pullRequests: false,
        mergeGroups: true,
      });
      fx.sim.enableMergeQueue(fx.repo, { checks: ["ci/test"] });
    });

    it("builds each group on the one ahead, tests both and lands them in order on tested commits", async () => {
      const receiver = await startHookReceiver();
      fx.sim.addAppHook({ url: receiver.url, secret: "s3cret", events: ["merge_group", "pull_request"] });
      try {
        const one = await openPull(fx, { branch: "one", files: { "one.txt": "1\n" } });
        const two = await openPull(fx, { branch: "two", files: { "two.txt": "2\n" } });
        expect(await enqueue(fx.dev, one)).toMatchObject({ position: 1, state: "QUEUED" });
        expect(await enqueue(fx.dev, two)).toMatchObject({ position: 2, state: "QUEUED" });
        await fx.sim.idle();

        const [g1, g2, ...more] = groupsRequested(fx);
        expect(more).toEqual([]);
        if (!g1 || !g2) throw new Error("expected two merge groups");
        expect(g1).toMatchObject({
          base_sha: base,
          base_ref: "refs/heads/main",
          head_ref: `refs/heads/gh-readonly-queue/main/pr-${one.number}-${one.head}`,
          head_commit: { id: g1.head_sha },
        });
        expect(g2).toMatchObject({
          base_sha: g1.head_sha,
          head_ref: `refs/heads/gh-readonly-queue/main/pr-${two.number}-${two.head}`,
        });
        // Real merge commits: each group merges its PR into the group ahead (or the base).
        expect((await readCommit(fx.repo.gitDir, g1.head_sha))?.parents).toEqual([base, one.head]);
        expect((await readCommit(fx.repo.gitDir, g2.head_sha))?.parents).toEqual([g1.head_sha, two.head]);

        // CI ran on both group commits as merge_group runs, on the group's branch.
        for (const group of [g1, g2]) {
          const runs = (
            await fx.dev.rest.checks.listForRef({ owner: fx.owner, repo: fx.name, ref: group.head_sha })
          ).data.check_runs;
          expect(runs).toMatchObject([{ name: "ci/test", status: "completed", conclusion: "success" }]);
          expect(runs[0]?.output.text).toContain(`event=merge_group ref=${group.head_ref}`);
        }

        // The base moved twice, each time to a group commit whose check had passed before.
        expect(mainMoves(fx)).toEqual([g1.head_sha, g2.head_sha]);
        for (const group of [g1, g2]) {
          const passed = fx.events.findIndex(
            (e) =>
              e.event === "check_run" &&
              e.action === "completed" &&
              (e.payload.check_run as { head_sha: string; conclusion: string }).head_sha === group.head_sha &&
              (e.payload.check_run as { conclusion: string }).conclusion === "success",
          );
          const moved = fx.events.findIndex(
            (e) =>
              e.event === "push" && e.payload.ref === "refs/heads/main" && e.payload.after === group.head_sha,
          );
          expect(passed).toBeGreaterThanOrEqual(0);
          expect(moved).toBeGreaterThan(passed);
        }
        expect(await resolveRef(fx.repo.gitDir, "refs/heads/main")).toBe(g2.head_sha);

        // Both merged, in queue order, with their group commit as the merge commit.
        expect(eventsOf(fx, "pull_request", "closed").map((e) => e.payload.number)).toEqual([
          one.number,
          two.number,
        ]);
        expect(await getPull(one)).toMatchObject({ merged: true, merge_commit_sha: g1.head_sha });
        expect(await getPull(two)).toMatchObject({ merged: true, merge_commit_sha: g2.head_sha });
        expect(groupsDestroyed(fx)).toEqual([
          { sha: g1.head_sha, reason: "merged" },
          { sha: g2.head_sha, reason: "merged" },
        ]);
        expect(dequeued(fx)).toEqual([
          { number: one.number, reason: "MERGE", sender: "github-merge-queue[bot]" },
          { number: two.number, reason: "MERGE", sender: "github-merge-queue[bot]" },
        ]);
        expect(await queueEntries(fx)).toEqual([]);
        expect(await listRefs(fx.repo.gitDir, "refs/heads/gh-readonly-queue/")).toEqual([]);

        // Delivered as GitHub sends them (and each payload checked against the published schemas).
        expect(receiver.names()).toEqual(
          expect.arrayContaining([
            "pull_request.enqueued",
            "merge_group.checks_requested",
            "merge_group.destroyed",
            "pull_request.dequeued",
          ]),
        );
        expect(fx.sim.contract.violations()).toEqual([]);
      } finally {
        await fx.sim.idle();
        await receiver.close();
      }
    });

    it("removes a PR whose group fails (CI_FAILURE), rebuilds the PR behind without it and lands that", async () => {
      const bad = await openPull(fx, { branch: "bad", files: { "fail.txt": "boom\n" } });
      const good = await openPull(fx, { branch: "good", files: { "good.txt": "ok\n" } });
      await enqueue(fx.dev, bad);
      await enqueue(fx.dev, good);
      await fx.sim.idle();

      const [g1, g2, g3, ...more] = groupsRequested(fx);
      expect(more).toEqual([]);
      if (!g1 || !g2 || !g3) throw new Error("expected three merge groups");
      expect(g2.base_sha).toBe(g1.head_sha);
      // Rebuilt on the base, without the failed PR.
      expect(g3).toMatchObject({ base_sha: base, head_ref: g2.head_ref });
      expect(groupsDestroyed(fx)).toEqual([
        { sha: g1.head_sha, reason: "dequeued" },
        { sha: g2.head_sha, reason: "invalidated" },
        { sha: g3.head_sha, reason: "merged" },
      ]);
      expect(dequeued(fx)).toEqual([
        { number: bad.number, reason: "CI_FAILURE", sender: "github-merge-queue[bot]" },
        { number: good.number, reason: "MERGE", sender: "github-merge-queue[bot]" },
      ]);
      expect(mainMoves(fx)).toEqual([g3.head_sha]);
      expect(await readBlob(fx.repo.gitDir, "main", "fail.txt")).toBeUndefined();
      expect(await getPull(bad)).toMatchObject({ state: "open", merged: false });
      expect(await getPull(good)).toMatchObject({ merged: true, merge_commit_sha: g3.head_sha });

      const nodes = await pullNodes(fx, [bad.number, good.number]);
      expect(nodes.get(bad.number)).toMatchObject({
        state: "OPEN",
        isInMergeQueue: false,
        timelineItems: {
          nodes: [
            { __typename: "AddedToMergeQueueEvent" },
            {
              __typename: "RemovedFromMergeQueueEvent",
              reason: "CI_FAILURE",
              actor: { login: "github-merge-queue" },
            },
          ],
        },
      });
      expect(nodes.get(good.number)).toMatchObject({ state: "MERGED", merged: true, isInMergeQueue: false });
    });

    it("removes a PR whose check times out (CI_TIMEOUT)", async () => {
      fx.sim.setCi(fx.repo, {
        name: "ci/test",
        command: ["sh", "-c", "sleep 30"],
        branches: [],
        pullRequests: false,
        mergeGroups: true,
        timeoutMs: 200,
      });
      const slow = await openPull(fx, { branch: "slow", files: { "slow.txt": "zzz\n" } });
      await enqueue(fx.dev, slow);
      await fx.sim.idle();
      expect(dequeued(fx)).toEqual([
        { number: slow.number, reason: "CI_TIMEOUT", sender: "github-merge-queue[bot]" },
      ]);
      expect(mainMoves(fx)).toEqual([]);
    });
  });

  describe("waiting for checks reported by someone else", () => {
    beforeEach(() => {
      // No CI: the queue waits for `ci/test` until a test reports it on a group commit.
      fx.sim.enableMergeQueue(fx.repo, { checks: ["ci/test"] });
    });

    it("queues with the right expectedHeadOid and refuses a wrong one", async () => {
      const pull = await openPull(fx, { branch: "feature", files: { "f.txt": "f\n" } });
      const wrong = "0".repeat(40);
      expect(await graphqlErrors(enqueue(fx.dev, pull, { head: wrong }))).toEqual([
        {
          type: "UNPROCESSABLE",
          path: ["enqueuePullRequest"],
          locations: [{ line: 3, column: 3 }],
          message:
            `Expected head OID ${wrong} is not the head of pull request #${pull.number} (${pull.head}); ` +
            "fetch the pull request again and enqueue its current head.",
        },
      ]);
      expect(eventsOf(fx, "pull_request", "enqueued")).toEqual([]);
      expect(await queueEntries(fx)).toEqual([]);

      const entry = await enqueue(fx.dev, pull);
      expect(entry).toEqual({ id: expect.stringMatching(/^MQE_/), position: 1, state: "QUEUED" });
      expect(eventsOf(fx, "pull_request", "enqueued").map((e) => e.sender)).toEqual(["dev"]);
      expect(await graphqlErrors(enqueue(fx.dev, pull))).toMatchObject([
        {
          type: "UNPROCESSABLE",
          message: `Pull request #${pull.number} is already in the merge queue (position 1).`,
        },
      ]);
      await fx.sim.idle();
      const [queued] = (await queueEntries(fx)) ?? [];
      const [group] = groupsRequested(fx);
      expect(queued).toEqual({
        id: entry.id,
        position: 1,
        state: "AWAITING_CHECKS",
        enqueuedAt: expect.any(String),
        headCommit: { oid: group?.head_sha },
        pullRequest: { id: pull.id, number: pull.number, headRefOid: pull.head },
      });
      await report(fx, group?.head_sha ?? "");
      await fx.sim.idle();
      expect(await getPull(pull)).toMatchObject({ merged: true });
      expect(await resolveRef(fx.repo.gitDir, "refs/heads/main")).toBe(group?.head_sha);
    });

    it("refuses PRs into a branch without a queue, closed PRs and drafts", async () => {
      await pushFiles(fx, { branch: "develop", files: { "dev.txt": "d\n" } });
      const elsewhere = await openPull(fx, { branch: "side", files: { "s.txt": "s\n" }, base: "develop" });
      expect(await graphqlErrors(enqueue(fx.dev, elsewhere))).toMatchObject([
        { type: "UNPROCESSABLE", message: expect.stringContaining("which has no merge queue") },
      ]);
      const closed = await openPull(fx, { branch: "closed", files: { "c.txt": "c\n" } });
      await fx.dev.rest.pulls.update({
        owner: fx.owner,
        repo: fx.name,
        pull_number: closed.number,
        state: "closed",
      });
      expect(await graphqlErrors(enqueue(fx.dev, closed))).toMatchObject([
        { type: "UNPROCESSABLE", message: expect.stringContaining("is closed") },
      ]);
      const head = await pushFiles(fx, { branch: "draft", files: { "d.txt": "d\n" } });
      const { data } = await fx.dev.rest.pulls.create({
        owner: fx.owner,
        repo: fx.name,
        head: "draft",
        base: "main",
        title: "Draft",
        draft: true,
      });
      const draft = { number: data.number, id: data.node_id, head, branch: "draft" };
      expect(await graphqlErrors(enqueue(fx.dev, draft))).toMatchObject([
        { type: "UNPROCESSABLE", message: expect.stringContaining("is a draft") },
      ]);
    });

    it("removes a PR when its head is pushed to (MANUAL, by the pusher)", async () => {
      const pull = await openPull(fx, { branch: "feature", files: { "f.txt": "f\n" } });
      await enqueue(fx.dev, pull);
      await fx.sim.idle();
      const [group] = groupsRequested(fx);
      await pushFiles(fx, { branch: "feature", files: { "g.txt": "g\n" }, pusher: "rev" });
      await fx.sim.idle();
      expect(await queueEntries(fx)).toEqual([]);
      expect(dequeued(fx)).toEqual([{ number: pull.number, reason: "MANUAL", sender: "rev" }]);
      expect(groupsDestroyed(fx)).toEqual([{ sha: group?.head_sha, reason: "dequeued" }]);
      const node = (await pullNodes(fx, [pull.number])).get(pull.number);
      expect(node?.timelineItems.nodes.at(-1)).toMatchObject({
        __typename: "RemovedFromMergeQueueEvent",
        reason: "MANUAL",
        actor: { login: "rev" },
      });
      expect(mainMoves(fx)).toEqual([]);
    });

    it("removes a PR by dequeuePullRequest (MANUAL, with the actor) and rebuilds the one behind", async () => {
      const one = await openPull(fx, { branch: "one", files: { "one.txt": "1\n" } });
      const two = await openPull(fx, { branch: "two", files: { "two.txt": "2\n" } });
      const entry = await enqueue(fx.dev, one);
      await enqueue(fx.dev, two);
      await fx.sim.idle();
      const [, oldTwo] = groupsRequested(fx);
      const answer = await fx.reviewer.graphql<{ dequeuePullRequest: { mergeQueueEntry: { id: string } } }>(
        DEQUEUE,
        { id: one.id },
      );
      expect(answer.dequeuePullRequest.mergeQueueEntry.id).toBe(entry.id);
      await fx.sim.idle();

      expect(dequeued(fx)).toEqual([{ number: one.number, reason: "MANUAL", sender: "rev" }]);
      const [, , rebuilt] = groupsRequested(fx);
      expect(rebuilt).toMatchObject({ base_sha: base, head_ref: oldTwo?.head_ref });
      expect(groupsDestroyed(fx).map((g) => g.reason)).toEqual(["dequeued", "invalidated"]);
      const entries = await queueEntries(fx);
      expect(entries?.map((e) => [e.pullRequest.number, e.position, e.headCommit?.oid])).toEqual([
        [two.number, 1, rebuilt?.head_sha],
      ]);

      const nodes = await pullNodes(fx, [one.number, two.number]);
      const timeline = nodes.get(one.number)?.timelineItems.nodes ?? [];
      expect(timeline).toEqual([
        { __typename: "AddedToMergeQueueEvent", createdAt: expect.any(String) },
        {
          __typename: "RemovedFromMergeQueueEvent",
          createdAt: expect.any(String),
          reason: "MANUAL",
          actor: { login: "rev" },
        },
      ]);
      expect(nodes.get(one.number)?.isInMergeQueue).toBe(false);
      expect(nodes.get(two.number)?.isInMergeQueue).toBe(true);

      await report(fx, rebuilt?.head_sha ?? "");
      await fx.sim.idle();
      expect(await getPull(two)).toMatchObject({ merged: true, merge_commit_sha: rebuilt?.head_sha });
      expect(await getPull(one)).toMatchObject({ merged: false, state: "open" });
    });

    it("puts a jumping PR at the front and rebuilds the groups behind it", async () => {
      const one = await openPull(fx, { branch: "one", files: { "one.txt": "1\n" } });
      const two = await openPull(fx, { branch: "two", files: { "two.txt": "2\n" } });
      const three = await openPull(fx, { branch: "three", files: { "three.txt": "3\n" } });
      await enqueue(fx.dev, one);
      await enqueue(fx.dev, two);
      await fx.sim.idle();
      expect(await enqueue(fx.dev, three, { jump: true })).toMatchObject({ position: 1 });
      await fx.sim.idle();

      const entries = (await queueEntries(fx)) ?? [];
      expect(entries.map((e) => [e.pullRequest.number, e.position])).toEqual([
        [three.number, 1],
        [one.number, 2],
        [two.number, 3],
      ]);
      expect(groupsDestroyed(fx).map((g) => g.reason)).toEqual(["invalidated", "invalidated"]);
      const groups = groupsRequested(fx).slice(2);
      expect(groups.map((g) => g.base_sha)).toEqual([
        base,
        entries[0]?.headCommit?.oid,
        entries[1]?.headCommit?.oid,
      ]);
      for (const entry of [...entries].reverse()) await report(fx, entry.headCommit?.oid ?? "");
      await fx.sim.idle();
      expect(eventsOf(fx, "pull_request", "closed").map((e) => e.payload.number)).toEqual([
        three.number,
        one.number,
        two.number,
      ]);
      expect(mainMoves(fx)).toEqual(entries.map((e) => e.headCommit?.oid));
    });

    it("rebuilds every group on the base when someone else moves the base", async () => {
      const one = await openPull(fx, { branch: "one", files: { "one.txt": "1\n" } });
      const two = await openPull(fx, { branch: "two", files: { "two.txt": "2\n" } });
      await enqueue(fx.dev, one);
      await enqueue(fx.dev, two);
      await fx.sim.idle();
      const moved = await pushFiles(fx, { branch: "main", files: { "hotfix.txt": "h\n" }, pusher: "acme" });
      await fx.sim.idle();
      expect(groupsDestroyed(fx).map((g) => g.reason)).toEqual(["invalidated", "invalidated"]);
      const rebuilt = groupsRequested(fx).slice(2);
      expect(rebuilt[0]?.base_sha).toBe(moved);
      expect(rebuilt[1]?.base_sha).toBe(rebuilt[0]?.head_sha);
      expect(dequeued(fx)).toEqual([]);
      for (const group of rebuilt) await report(fx, group.head_sha);
      await fx.sim.idle();
      expect(mainMoves(fx)).toEqual([moved, rebuilt[0]?.head_sha, rebuilt[1]?.head_sha]);
      expect(await readBlob(fx.repo.gitDir, "main", "hotfix.txt")).toEqual(Buffer.from("h\n"));
    });

    it("removes a PR closed while queued (MANUAL, by whoever closed it)", async () => {
      const pull = await openPull(fx, { branch: "feature", files: { "f.txt": "f\n" } });
      await enqueue(fx.dev, pull);
      await fx.sim.idle();
      await fx.reviewer.rest.pulls.update({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
        state: "closed",
      });
      await fx.sim.idle();
      expect(dequeued(fx)).toEqual([{ number: pull.number, reason: "MANUAL", sender: "rev" }]);
      expect(groupsDestroyed(fx).map((g) => g.reason)).toEqual(["dequeued"]);
      expect(await queueEntries(fx)).toEqual([]);
    });

    it("removes a PR that conflicts with the entries ahead (MERGE_CONFLICT)", async () => {
      const one = await openPull(fx, { branch: "one", files: { "src/app.txt": "one\nTWO (one)\nthree\n" } });
      const two = await openPull(fx, { branch: "two", files: { "src/app.txt": "one\nTWO (two)\nthree\n" } });
      await enqueue(fx.dev, one);
      await enqueue(fx.dev, two);
      await fx.sim.idle();
      expect(dequeued(fx)).toEqual([
        { number: two.number, reason: "MERGE_CONFLICT", sender: "github-merge-queue[bot]" },
      ]);
      expect((await queueEntries(fx))?.map((e) => e.pullRequest.number)).toEqual([one.number]);
      expect(groupsRequested(fx)).toHaveLength(1);
    });

    it("builds no more groups than maxEntriesToBuild at once", async () => {
      fx.sim.enableMergeQueue(fx.repo, { checks: ["ci/test"], maxEntriesToBuild: 1 });
      const one = await openPull(fx, { branch: "one", files: { "one.txt": "1\n" } });
      const two = await openPull(fx, { branch: "two", files: { "two.txt": "2\n" } });
      await enqueue(fx.dev, one);
      await enqueue(fx.dev, two);
      await fx.sim.idle();
      expect((await queueEntries(fx))?.map((e) => e.state)).toEqual(["AWAITING_CHECKS", "QUEUED"]);
      const [g1] = groupsRequested(fx);
      await report(fx, g1?.head_sha ?? "");
      await fx.sim.idle();
      const [, g2] = groupsRequested(fx);
      expect(g2?.base_sha).toBe(g1?.head_sha);
      expect((await queueEntries(fx))?.map((e) => [e.pullRequest.number, e.state])).toEqual([
        [two.number, "AWAITING_CHECKS"],
      ]);
    });

    it("refuses the REST merge endpoint: changes go through the queue", async () => {
      const pull = await openPull(fx, { branch: "feature", files: { "f.txt": "f\n" } });
      const refused = await statusOf(
        fx.admin.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number }),
      );
      expect(refused).toMatchObject({ status: 405, message: "Changes must be made through the merge queue" });
    });
  });

  describe("with the squash method", () => {
    it("squashes each PR onto the group ahead and marks it merged though its head is not reachable", async () => {
      fx.sim.enableMergeQueue(fx.repo, { checks: ["ci/test"], mergeMethod: "squash" });
      const pull = await openPull(fx, { branch: "feature", files: { "f.txt": "f\n" }, title: "Add f" });
      await enqueue(fx.dev, pull);
      await fx.sim.idle();
      const [group] = groupsRequested(fx);
      const commit = await readCommit(fx.repo.gitDir, group?.head_sha ?? "");
      expect(commit?.parents).toEqual([base]);
      expect(commit?.message.trim()).toBe(`Add f (#${pull.number})`);
      await report(fx, group?.head_sha ?? "");
      await fx.sim.idle();
      expect(await getPull(pull)).toMatchObject({
        merged: true,
        merge_commit_sha: group?.head_sha,
        merged_by: { login: "github-merge-queue[bot]" },
      });
      expect(await readBlob(fx.repo.gitDir, "main", "f.txt")).toEqual(Buffer.from("f\n"));
    });
  });
});
