import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IssueFixture, startIssueFixture, statusOf } from "../helpers/issue-fixtures.ts";

describe("issue dependencies on the loopback GitHub", () => {
  let fx: IssueFixture;
  const at = { owner: "acme", repo: "app" } as const;
  const create = async (title: string) => (await fx.dev.rest.issues.create({ ...at, title })).data;
  beforeAll(async () => {
    fx = await startIssueFixture();
  });
  afterAll(async () => {
    await fx.stop();
  });

  it("adds a blocker (201, answering the blocking issue) and keeps both sides in step", async () => {
    const blocked = await create("blocked");
    const blocker = await create("blocker");
    const { status, data } = await fx.dev.rest.issues.addBlockedByDependency({
      ...at,
      issue_number: blocked.number,
      issue_id: blocker.id,
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      number: blocker.number,
      issue_dependencies_summary: { blocking: 1, total_blocking: 1 },
    });
    const by = await fx.dev.rest.issues.listDependenciesBlockedBy({ ...at, issue_number: blocked.number });
    expect(by.data.map((i) => i.number)).toEqual([blocker.number]);
    const blocking = await fx.dev.rest.issues.listDependenciesBlocking({
      ...at,
      issue_number: blocker.number,
    });
    expect(blocking.data.map((i) => i.number)).toEqual([blocked.number]);
    const read = await fx.dev.rest.issues.get({ ...at, issue_number: blocked.number });
    expect(read.data.issue_dependencies_summary).toEqual({
      blocked_by: 1,
      total_blocked_by: 1,
      blocking: 0,
      total_blocking: 0,
    });
  });

  it("counts only open blockers in blocked_by, and all of them in total_blocked_by", async () => {
    const blocked = await create("waits on two");
    const a = await create("blocker a");
    const b = await create("blocker b");
    await fx.dev.rest.issues.addBlockedByDependency({ ...at, issue_number: blocked.number, issue_id: a.id });
    await fx.dev.rest.issues.addBlockedByDependency({ ...at, issue_number: blocked.number, issue_id: b.id });
    await fx.dev.rest.issues.update({ ...at, issue_number: a.number, state: "closed" });
    const { data } = await fx.dev.rest.issues.get({ ...at, issue_number: blocked.number });
    expect(data.issue_dependencies_summary).toMatchObject({ blocked_by: 1, total_blocked_by: 2 });
  });

  it("refuses a self-edge and a duplicate with 422", async () => {
    const one = await create("self");
    const other = await create("other");
    const self = await statusOf(
      fx.dev.rest.issues.addBlockedByDependency({ ...at, issue_number: one.number, issue_id: one.id }),
    );
    expect(self.status).toBe(422);
    await fx.dev.rest.issues.addBlockedByDependency({ ...at, issue_number: one.number, issue_id: other.id });
    const dup = await statusOf(
      fx.dev.rest.issues.addBlockedByDependency({ ...at, issue_number: one.number, issue_id: other.id }),
    );
    expect(dup.status).toBe(422);
  });

  it("answers 404 for an issue id that does not exist", async () => {
    const one = await create("lonely");
    const missing = await statusOf(
      fx.dev.rest.issues.addBlockedByDependency({ ...at, issue_number: one.number, issue_id: 123456789 }),
    );
    expect(missing.status).toBe(404);
  });

  it("removes a blocker from both sides, answering the former blocker, and 404s when there is no edge", async () => {
    const blocked = await create("unblock me");
    const blocker = await create("was blocking");
    await fx.dev.rest.issues.addBlockedByDependency({
      ...at,
      issue_number: blocked.number,
      issue_id: blocker.id,
    });
    const removed = await fx.dev.rest.issues.removeDependencyBlockedBy({
      ...at,
      issue_number: blocked.number,
      issue_id: blocker.id,
    });
    expect(removed.status).toBe(200);
    expect(removed.data).toMatchObject({
      number: blocker.number,
      issue_dependencies_summary: { total_blocking: 0 },
    });
    expect(
      (await fx.dev.rest.issues.listDependenciesBlockedBy({ ...at, issue_number: blocked.number })).data,
    ).toEqual([]);
    expect(
      (await fx.dev.rest.issues.listDependenciesBlocking({ ...at, issue_number: blocker.number })).data,
    ).toEqual([]);
    const again = await statusOf(
      fx.dev.rest.issues.removeDependencyBlockedBy({
        ...at,
        issue_number: blocked.number,
        issue_id: blocker.id,
      }),
    );
    expect(again.status).toBe(404);
  });

  it("links issues across repos of the same owner when the caller can read both", async () => {
    const vaultIssue = (
      await fx.dev.rest.issues.create({ owner: "acme", repo: "vault", title: "secret blocker" })
    ).data;
    const blocked = await create("blocked by the vault");
    await fx.dev.rest.issues.addBlockedByDependency({
      ...at,
      issue_number: blocked.number,
      issue_id: vaultIssue.id,
    });
    const asDev = await fx.dev.rest.issues.listDependenciesBlockedBy({ ...at, issue_number: blocked.number });
    expect(asDev.data.map((i) => i.url)).toEqual([
      `${fx.sim.url}/repos/acme/vault/issues/${vaultIssue.number}`,
    ]);
    // The reader cannot see the private repo, so its issue is left out of their list.
    const asReader = await fx.reader.rest.issues.listDependenciesBlockedBy({
      ...at,
      issue_number: blocked.number,
    });
    expect(asReader.data).toEqual([]);
  });

  it("needs write to add a dependency (403 for triage)", async () => {
    const a = await create("a");
    const b = await create("b");
    const denied = await statusOf(
      fx.triager.rest.issues.addBlockedByDependency({ ...at, issue_number: a.number, issue_id: b.id }),
    );
    expect(denied.status).toBe(403);
  });
});
