import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IssueFixture, startIssueFixture, statusOf } from "../helpers/issue-fixtures.ts";

describe("sub-issues on the loopback GitHub", () => {
  let fx: IssueFixture;
  const at = { owner: "acme", repo: "app" } as const;
  const create = async (title: string) => (await fx.dev.rest.issues.create({ ...at, title })).data;
  const children = async (issue_number: number) =>
    (await fx.dev.rest.issues.listSubIssues({ ...at, issue_number })).data.map((i) => i.title);
  beforeAll(async () => {
    fx = await startIssueFixture();
  });
  afterAll(async () => {
    await fx.stop();
  });

  it("adds sub-issues (201, answering the parent) and summarizes their progress", async () => {
    const parent = await create("epic");
    const a = await create("a");
    const b = await create("b");
    const added = await fx.dev.rest.issues.addSubIssue({
      ...at,
      issue_number: parent.number,
      sub_issue_id: a.id,
    });
    expect(added.status).toBe(201);
    expect(added.data).toMatchObject({
      number: parent.number,
      sub_issues_summary: { total: 1, completed: 0, percent_completed: 0 },
    });
    await fx.dev.rest.issues.addSubIssue({ ...at, issue_number: parent.number, sub_issue_id: b.id });
    await fx.dev.rest.issues.update({ ...at, issue_number: a.number, state: "closed" });
    const { data } = await fx.dev.rest.issues.get({ ...at, issue_number: parent.number });
    expect(data.sub_issues_summary).toEqual({ total: 2, completed: 1, percent_completed: 50 });
    expect(await children(parent.number)).toEqual(["a", "b"]);
    const child = await fx.dev.rest.issues.get({ ...at, issue_number: b.number });
    expect(child.data.parent_issue_url).toBe(`${fx.sim.url}/repos/acme/app/issues/${parent.number}`);
    const up = await fx.dev.request("GET /repos/{owner}/{repo}/issues/{issue_number}/parent", {
      ...at,
      issue_number: b.number,
    });
    expect((up.data as { number: number }).number).toBe(parent.number);
  });

  it("refuses a second parent with 422 unless replace_parent moves it", async () => {
    const first = await create("first parent");
    const second = await create("second parent");
    const child = await create("contested");
    await fx.dev.rest.issues.addSubIssue({ ...at, issue_number: first.number, sub_issue_id: child.id });
    const refused = await statusOf(
      fx.dev.rest.issues.addSubIssue({ ...at, issue_number: second.number, sub_issue_id: child.id }),
    );
    expect(refused.status).toBe(422);
    await fx.dev.rest.issues.addSubIssue({
      ...at,
      issue_number: second.number,
      sub_issue_id: child.id,
      replace_parent: true,
    });
    expect(await children(first.number)).toEqual([]);
    expect(await children(second.number)).toEqual(["contested"]);
  });

  it("refuses an issue as its own sub-issue or as a sub-issue of its descendant (422)", async () => {
    const top = await create("top");
    const mid = await create("mid");
    await fx.dev.rest.issues.addSubIssue({ ...at, issue_number: top.number, sub_issue_id: mid.id });
    expect(
      (
        await statusOf(
          fx.dev.rest.issues.addSubIssue({ ...at, issue_number: top.number, sub_issue_id: top.id }),
        )
      ).status,
    ).toBe(422);
    expect(
      (
        await statusOf(
          fx.dev.rest.issues.addSubIssue({ ...at, issue_number: mid.number, sub_issue_id: top.id }),
        )
      ).status,
    ).toBe(422);
  });

  it("removes a sub-issue (answering the parent) and clears its parent", async () => {
    const parent = await create("parent to empty");
    const child = await create("leaving");
    await fx.dev.rest.issues.addSubIssue({ ...at, issue_number: parent.number, sub_issue_id: child.id });
    const removed = await fx.dev.rest.issues.removeSubIssue({
      ...at,
      issue_number: parent.number,
      sub_issue_id: child.id,
    });
    expect(removed.data).toMatchObject({ number: parent.number, sub_issues_summary: { total: 0 } });
    expect(
      (await fx.dev.rest.issues.get({ ...at, issue_number: child.number })).data.parent_issue_url,
    ).toBeNull();
    const orphan = await statusOf(
      fx.dev.request("GET /repos/{owner}/{repo}/issues/{issue_number}/parent", {
        ...at,
        issue_number: child.number,
      }),
    );
    expect(orphan.status).toBe(404);
  });

  it("reprioritizes with after_id or before_id", async () => {
    const parent = await create("ordered");
    const [x, y, z] = [await create("x"), await create("y"), await create("z")];
    for (const child of [x, y, z]) {
      await fx.dev.rest.issues.addSubIssue({ ...at, issue_number: parent.number, sub_issue_id: child.id });
    }
    await fx.dev.rest.issues.reprioritizeSubIssue({
      ...at,
      issue_number: parent.number,
      sub_issue_id: x.id,
      after_id: z.id,
    });
    expect(await children(parent.number)).toEqual(["y", "z", "x"]);
    await fx.dev.rest.issues.reprioritizeSubIssue({
      ...at,
      issue_number: parent.number,
      sub_issue_id: z.id,
      before_id: y.id,
    });
    expect(await children(parent.number)).toEqual(["z", "y", "x"]);
    const neither = await statusOf(
      fx.dev.rest.issues.reprioritizeSubIssue({ ...at, issue_number: parent.number, sub_issue_id: x.id }),
    );
    expect(neither.status).toBe(422);
  });

  it("needs write to add a sub-issue (403 for read)", async () => {
    const parent = await create("guarded parent");
    const child = await create("guarded child");
    const denied = await statusOf(
      fx.reader.rest.issues.addSubIssue({ ...at, issue_number: parent.number, sub_issue_id: child.id }),
    );
    expect(denied.status).toBe(403);
  });
});
