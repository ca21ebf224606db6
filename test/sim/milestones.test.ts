import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IssueFixture, startIssueFixture, statusOf } from "../helpers/issue-fixtures.ts";

describe("milestones on the loopback GitHub", () => {
  let fx: IssueFixture;
  const at = { owner: "acme", repo: "app" } as const;
  beforeAll(async () => {
    fx = await startIssueFixture();
  });
  afterAll(async () => {
    await fx.stop();
  });

  it("creates a milestone (201) in GitHub's shape and emits milestone.created", async () => {
    const { status, data } = await fx.dev.rest.issues.createMilestone({
      ...at,
      title: "Convoy 1",
      description: "First convoy",
      due_on: "2030-01-02T03:04:05Z",
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      number: 1,
      title: "Convoy 1",
      description: "First convoy",
      state: "open",
      due_on: "2030-01-02T03:04:05Z",
      open_issues: 0,
      closed_issues: 0,
      closed_at: null,
      creator: { login: "dev" },
      url: `${fx.sim.url}/repos/acme/app/milestones/1`,
      html_url: `${fx.sim.url}/acme/app/milestone/1`,
      node_id: `MI_${data.id}`,
    });
    expect(fx.eventsOf("milestone", "created").at(-1)?.payload.milestone).toMatchObject({
      title: "Convoy 1",
    });
  });

  it("refuses a duplicate title with 422 already_exists", async () => {
    const again = await statusOf(fx.dev.rest.issues.createMilestone({ ...at, title: "convoy 1" }));
    expect(again.status).toBe(422);
    expect(again.data).toMatchObject({
      errors: [{ resource: "Milestone", code: "already_exists", field: "title" }],
    });
  });

  it("counts open and closed issues live", async () => {
    const { data: ms } = await fx.dev.rest.issues.createMilestone({ ...at, title: "Counted" });
    const one = await fx.dev.rest.issues.create({ ...at, title: "one", milestone: ms.number });
    await fx.dev.rest.issues.create({ ...at, title: "two", milestone: ms.number });
    await fx.dev.rest.issues.update({ ...at, issue_number: one.data.number, state: "closed" });
    const { data } = await fx.dev.rest.issues.getMilestone({ ...at, milestone_number: ms.number });
    expect(data).toMatchObject({ open_issues: 1, closed_issues: 1 });
  });

  it("edits, closes and reopens, emitting edited, closed and opened", async () => {
    const { data: ms } = await fx.dev.rest.issues.createMilestone({ ...at, title: "Editable" });
    const edited = await fx.dev.rest.issues.updateMilestone({
      ...at,
      milestone_number: ms.number,
      title: "Edited",
      description: "now",
    });
    expect(edited.data).toMatchObject({ title: "Edited", description: "now" });
    expect(fx.eventsOf("milestone", "edited").at(-1)?.payload.changes).toEqual({
      title: { from: "Editable" },
      description: { from: "" },
    });
    const closed = await fx.dev.rest.issues.updateMilestone({
      ...at,
      milestone_number: ms.number,
      state: "closed",
    });
    expect(closed.data.state).toBe("closed");
    expect(closed.data.closed_at).not.toBeNull();
    expect(fx.eventsOf("milestone", "closed").at(-1)?.payload.milestone).toMatchObject({ number: ms.number });
    const reopened = await fx.dev.rest.issues.updateMilestone({
      ...at,
      milestone_number: ms.number,
      state: "open",
    });
    expect(reopened.data).toMatchObject({ state: "open", closed_at: null });
    expect(fx.eventsOf("milestone", "opened").at(-1)?.payload.milestone).toMatchObject({ number: ms.number });
  });

  it("lists by state, sorted by due date (undated last) or completeness", async () => {
    const { data: later } = await fx.dev.rest.issues.createMilestone({
      ...at,
      title: "Later",
      due_on: "2031-01-01T00:00:00Z",
    });
    const { data: sooner } = await fx.dev.rest.issues.createMilestone({
      ...at,
      title: "Sooner",
      due_on: "2029-01-01T00:00:00Z",
    });
    const { data: shut } = await fx.dev.rest.issues.createMilestone({
      ...at,
      title: "Shut",
      state: "closed",
    });
    const open = await fx.dev.rest.issues.listMilestones({ ...at, per_page: 100 });
    const titles = open.data.map((m) => m.title);
    expect(titles.indexOf(sooner.title)).toBeLessThan(titles.indexOf("Convoy 1"));
    expect(titles.indexOf("Convoy 1")).toBeLessThan(titles.indexOf(later.title));
    expect(titles.indexOf(later.title)).toBeLessThan(titles.indexOf("Counted"));
    expect(titles).not.toContain(shut.title);
    const closed = await fx.dev.rest.issues.listMilestones({ ...at, state: "closed" });
    expect(closed.data.map((m) => m.title)).toEqual(["Shut"]);
    const all = await fx.dev.rest.issues.listMilestones({
      ...at,
      state: "all",
      sort: "completeness",
      direction: "desc",
      per_page: 100,
    });
    expect(all.data[0]?.title).toBe("Counted");
  });

  it("deletes a milestone (204), clearing it from its issues and emitting milestone.deleted", async () => {
    const { data: ms } = await fx.dev.rest.issues.createMilestone({ ...at, title: "Doomed" });
    const { data: issue } = await fx.dev.rest.issues.create({
      ...at,
      title: "on doomed",
      milestone: ms.number,
    });
    expect((await fx.dev.rest.issues.deleteMilestone({ ...at, milestone_number: ms.number })).status).toBe(
      204,
    );
    expect(fx.eventsOf("milestone", "deleted").at(-1)?.payload.milestone).toMatchObject({ title: "Doomed" });
    expect((await fx.dev.rest.issues.get({ ...at, issue_number: issue.number })).data.milestone).toBeNull();
    expect(
      (await statusOf(fx.dev.rest.issues.getMilestone({ ...at, milestone_number: ms.number }))).status,
    ).toBe(404);
  });

  it("needs write to manage milestones (403 for triage)", async () => {
    expect((await statusOf(fx.triager.rest.issues.createMilestone({ ...at, title: "nope" }))).status).toBe(
      403,
    );
  });
});
