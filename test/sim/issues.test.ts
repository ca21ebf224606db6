import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IssueFixture, startIssueFixture, statusOf } from "../helpers/issue-fixtures.ts";

describe("issues on the loopback GitHub", () => {
  let fx: IssueFixture;
  const at = { owner: "acme", repo: "app" } as const;
  beforeAll(async () => {
    fx = await startIssueFixture();
  });
  afterAll(async () => {
    await fx.stop();
  });

  describe("when an issue is created", () => {
    it("answers 201 with GitHub's issue shape", async () => {
      const { status, data, headers } = await fx.dev.rest.issues.create({
        ...at,
        title: "First",
        body: "Hello",
      });
      expect(status).toBe(201);
      expect(headers.location).toBe(`${fx.sim.url}/repos/acme/app/issues/${data.number}`);
      expect(data).toMatchObject({
        title: "First",
        body: "Hello",
        state: "open",
        state_reason: null,
        locked: false,
        comments: 0,
        labels: [],
        assignee: null,
        assignees: [],
        milestone: null,
        closed_at: null,
        closed_by: null,
        user: { login: "dev", type: "User" },
        author_association: "COLLABORATOR",
        url: `${fx.sim.url}/repos/acme/app/issues/${data.number}`,
        html_url: `${fx.sim.url}/acme/app/issues/${data.number}`,
        repository_url: `${fx.sim.url}/repos/acme/app`,
        node_id: `I_${data.id}`,
        sub_issues_summary: { total: 0, completed: 0, percent_completed: 0 },
        issue_dependencies_summary: { blocked_by: 0, total_blocked_by: 0, blocking: 0, total_blocking: 0 },
        reactions: { total_count: 0, "+1": 0, eyes: 0 },
        parent_issue_url: null,
      });
      expect(data).not.toHaveProperty("pull_request");
    });

    it("numbers issues one after another", async () => {
      const a = await fx.dev.rest.issues.create({ ...at, title: "A" });
      const b = await fx.dev.rest.issues.create({ ...at, title: "B" });
      expect(b.data.number).toBe(a.data.number + 1);
      expect(b.data.id).not.toBe(a.data.id);
    });

    it("applies labels by name, creating unknown ones with colour ededed, and assignees and a milestone", async () => {
      await fx.admin.rest.issues.createLabel({ ...at, name: "bug", color: "d73a4a" });
      const ms = await fx.admin.rest.issues.createMilestone({ ...at, title: "v1" });
      const { data } = await fx.dev.rest.issues.create({
        ...at,
        title: "Labelled",
        labels: ["BUG", "brand-new", { name: "other" }],
        assignees: ["dev", "acme"],
        milestone: ms.data.number,
      });
      expect(data.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual([
        "bug",
        "brand-new",
        "other",
      ]);
      expect(data.labels[1]).toMatchObject({
        name: "brand-new",
        color: "ededed",
        default: false,
        description: null,
      });
      expect(data.assignees?.map((a) => a.login)).toEqual(["dev", "acme"]);
      expect(data.assignee?.login).toBe("dev");
      expect(data.milestone).toMatchObject({
        number: ms.data.number,
        title: "v1",
        open_issues: 1,
        closed_issues: 0,
      });
      const created = fx.eventsOf("label", "created").map((e) => (e.payload.label as { name: string }).name);
      expect(created).toEqual(expect.arrayContaining(["brand-new", "other"]));
      const mine = fx.events.filter(
        (e) => e.event === "issues" && (e.payload.issue as { number: number }).number === data.number,
      );
      expect(mine.map((e) => e.action)).toEqual([
        "opened",
        "labeled",
        "labeled",
        "labeled",
        "assigned",
        "assigned",
        "milestoned",
      ]);
      expect(mine[1]?.payload.label).toMatchObject({ name: "bug" });
      expect(mine[4]?.payload.assignee).toMatchObject({ login: "dev" });
      expect(mine[0]?.sender).toBe("dev");
    });

    it("refuses a missing or empty title with 422", async () => {
      const route: string = "POST /repos/{owner}/{repo}/issues";
      expect((await statusOf(fx.dev.request(route, { ...at, body: "no title" }))).status).toBe(422);
      expect(fx.forgiveRequests()).toBe(1);
      const empty = await statusOf(fx.dev.rest.issues.create({ ...at, title: "  " }));
      expect(empty.status).toBe(422);
      expect(empty.data).toMatchObject({
        errors: [{ resource: "Issue", field: "title", code: "missing_field" }],
      });
    });

    it("refuses a body over 65536 characters and an assignee who cannot be assigned", async () => {
      const long = await statusOf(
        fx.dev.rest.issues.create({ ...at, title: "Long", body: "x".repeat(65537) }),
      );
      expect(long.status).toBe(422);
      expect(long.data).toMatchObject({
        errors: [{ message: "body is too long (maximum is 65536 characters)" }],
      });
      const who = await statusOf(fx.dev.rest.issues.create({ ...at, title: "Who", assignees: ["stranger"] }));
      expect(who.status).toBe(422);
      expect(who.data).toMatchObject({
        errors: [{ field: "assignees", code: "invalid", value: "stranger" }],
      });
    });

    it("lets anyone who can see a public repo open an issue, silently dropping labels they may not set", async () => {
      const { status, data } = await fx.stranger.rest.issues.create({
        ...at,
        title: "Outsider",
        labels: ["bug"],
        assignees: ["acme"],
      });
      expect(status).toBe(201);
      expect(data.labels).toEqual([]);
      expect(data.assignees).toEqual([]);
      expect(data.author_association).toBe("NONE");
    });
  });

  describe("when an issue is read", () => {
    it("answers 404 for a number that does not exist", async () => {
      expect((await statusOf(fx.dev.rest.issues.get({ ...at, issue_number: 9999 }))).status).toBe(404);
    });

    it("answers a pull request's number with its issue record carrying pull_request", async () => {
      const main = await fx.dev.rest.git.getRef({ ...at, ref: "heads/main" });
      await fx.dev.rest.git.createRef({ ...at, ref: "refs/heads/feature", sha: main.data.object.sha });
      await fx.dev.rest.repos.createOrUpdateFileContents({
        ...at,
        path: "feature.txt",
        message: "Add feature",
        content: Buffer.from("feature\n").toString("base64"),
        branch: "feature",
      });
      const pr = await fx.dev.rest.pulls.create({ ...at, title: "A PR", head: "feature", base: "main" });
      const { data } = await fx.dev.rest.issues.get({ ...at, issue_number: pr.data.number });
      expect(data.number).toBe(pr.data.number);
      expect(data.pull_request).toMatchObject({
        url: `${fx.sim.url}/repos/acme/app/pulls/${pr.data.number}`,
        html_url: `${fx.sim.url}/acme/app/pull/${pr.data.number}`,
        merged_at: null,
      });
      expect(data.html_url).toBe(`${fx.sim.url}/acme/app/pull/${pr.data.number}`);
      const listed = await fx.dev.paginate(fx.dev.rest.issues.listForRepo, {
        ...at,
        state: "all",
        per_page: 100,
      });
      expect(listed.some((i) => i.number === pr.data.number && i.pull_request !== undefined)).toBe(true);
    });
  });

  describe("when an issue is updated", () => {
    it("edits title and body, emitting edited with the previous values", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({ ...at, title: "Old", body: "old body" });
      const { data } = await fx.dev.rest.issues.update({
        ...at,
        issue_number: issue.number,
        title: "New",
        body: "new body",
      });
      expect(data).toMatchObject({ title: "New", body: "new body" });
      const edited = fx.eventsOf("issues", "edited").at(-1);
      expect(edited?.payload.changes).toEqual({ title: { from: "Old" }, body: { from: "old body" } });
    });

    it("closes with a reason and closed_by, then reopens with state_reason reopened", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({ ...at, title: "Close me" });
      const closed = await fx.triager.rest.issues.update({
        ...at,
        issue_number: issue.number,
        state: "closed",
        state_reason: "not_planned",
      });
      expect(closed.data).toMatchObject({
        state: "closed",
        state_reason: "not_planned",
        closed_by: { login: "tri" },
      });
      expect(closed.data.closed_at).not.toBeNull();
      expect(fx.eventsOf("issues", "closed").at(-1)?.payload.issue).toMatchObject({
        number: issue.number,
        state: "closed",
      });
      const reopened = await fx.triager.rest.issues.update({
        ...at,
        issue_number: issue.number,
        state: "open",
      });
      expect(reopened.data).toMatchObject({
        state: "open",
        state_reason: "reopened",
        closed_at: null,
        closed_by: null,
      });
      expect(fx.eventsOf("issues", "reopened").at(-1)?.payload.issue).toMatchObject({ number: issue.number });
    });

    it("closes as completed by default", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({ ...at, title: "Done" });
      const { data } = await fx.dev.rest.issues.update({
        ...at,
        issue_number: issue.number,
        state: "closed",
      });
      expect(data.state_reason).toBe("completed");
    });

    it("replaces labels and assignees and clears the milestone with null, emitting each change", async () => {
      const ms = await fx.admin.rest.issues.createMilestone({ ...at, title: "Patch target" });
      const { data: issue } = await fx.dev.rest.issues.create({
        ...at,
        title: "Patch me",
        labels: ["keep", "drop"],
        assignees: ["dev"],
        milestone: ms.data.number,
      });
      const before = fx.events.length;
      const { data } = await fx.dev.rest.issues.update({
        ...at,
        issue_number: issue.number,
        labels: ["keep", "added"],
        assignees: ["acme"],
        milestone: null,
      });
      expect(data.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["keep", "added"]);
      expect(data.assignees?.map((a) => a.login)).toEqual(["acme"]);
      expect(data.milestone).toBeNull();
      const actions = fx.events
        .slice(before)
        .filter((e) => e.event === "issues")
        .map((e) => e.action);
      expect(actions).toEqual(["unlabeled", "labeled", "unassigned", "assigned", "demilestoned"]);
      const unlabeled = fx.events.slice(before).find((e) => e.action === "unlabeled");
      expect(unlabeled?.payload.label).toMatchObject({ name: "drop" });
    });

    it("lets the author edit their own issue but not someone else's (403)", async () => {
      const { data: mine } = await fx.reader.rest.issues.create({ ...at, title: "Reader's" });
      const edit = await fx.reader.rest.issues.update({
        ...at,
        issue_number: mine.number,
        title: "Reader's, edited",
        state: "closed",
      });
      expect(edit.data).toMatchObject({ title: "Reader's, edited", state: "closed" });
      const { data: theirs } = await fx.dev.rest.issues.create({ ...at, title: "Dev's" });
      expect(
        (
          await statusOf(
            fx.reader.rest.issues.update({ ...at, issue_number: theirs.number, title: "hijack" }),
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await statusOf(
            fx.reader.rest.issues.update({ ...at, issue_number: theirs.number, state: "closed" }),
          )
        ).status,
      ).toBe(403);
    });

    it("lets triage close and label but not retitle someone else's issue", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({ ...at, title: "Triage me" });
      const labelled = await fx.triager.rest.issues.update({
        ...at,
        issue_number: issue.number,
        labels: ["triaged"],
      });
      expect(labelled.data.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["triaged"]);
      expect(
        (await statusOf(fx.triager.rest.issues.update({ ...at, issue_number: issue.number, title: "Nope" })))
          .status,
      ).toBe(403);
    });

    it("refuses an unknown state or milestone with 422", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({ ...at, title: "Bad patch" });
      const route: string = "PATCH /repos/{owner}/{repo}/issues/{issue_number}";
      const state = await statusOf(
        fx.dev.request(route, { ...at, issue_number: issue.number, state: "shut" }),
      );
      expect(state.status).toBe(422);
      expect(fx.forgiveRequests()).toBe(1);
      const milestone = await statusOf(
        fx.dev.rest.issues.update({ ...at, issue_number: issue.number, milestone: 4242 }),
      );
      expect(milestone.status).toBe(422);
    });
  });

  describe("when assignees are added and removed", () => {
    it("adds assignable users (ignoring the rest) and removes them, emitting assigned and unassigned", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({ ...at, title: "Assign" });
      const added = await fx.dev.rest.issues.addAssignees({
        ...at,
        issue_number: issue.number,
        assignees: ["dev", "stranger"],
      });
      expect(added.status).toBe(201);
      expect(added.data.assignees?.map((a) => a.login)).toEqual(["dev"]);
      expect(fx.eventsOf("issues", "assigned").at(-1)?.payload.assignee).toMatchObject({ login: "dev" });
      const removed = await fx.dev.rest.issues.removeAssignees({
        ...at,
        issue_number: issue.number,
        assignees: ["dev"],
      });
      expect(removed.status).toBe(200);
      expect(removed.data.assignees).toEqual([]);
      expect(fx.eventsOf("issues", "unassigned").at(-1)?.payload.assignee).toMatchObject({ login: "dev" });
    });

    it("checks whether a user can be assigned (204 or 404)", async () => {
      expect((await fx.dev.rest.issues.checkUserCanBeAssigned({ ...at, assignee: "tri" })).status).toBe(204);
      expect(
        (await statusOf(fx.dev.rest.issues.checkUserCanBeAssigned({ ...at, assignee: "stranger" }))).status,
      ).toBe(404);
    });
  });
});

describe("listing issues on the loopback GitHub", () => {
  let fx: IssueFixture;
  const at = { owner: "acme", repo: "app" } as const;
  const numbers = (issues: { number: number }[]): number[] => issues.map((i) => i.number);
  let n: Record<string, number>;
  beforeAll(async () => {
    fx = await startIssueFixture();
    const ms = await fx.admin.rest.issues.createMilestone({ ...at, title: "M1" });
    const make = async (title: string, extra: Record<string, unknown> = {}): Promise<number> =>
      (await fx.dev.rest.issues.create({ ...at, title, ...extra })).data.number;
    n = {
      plain: await make("plain"),
      bug: await make("bug", { labels: ["bug"] }),
      bugUrgent: await make("bug urgent", { labels: ["bug", "urgent"], assignees: ["acme"] }),
      milestoned: await make("milestoned", { milestone: ms.data.number, assignees: ["dev"] }),
      mention: await make("mention", { body: "ping @Tri please" }),
    };
    n.byAdmin = (await fx.admin.rest.issues.create({ ...at, title: "by admin" })).data.number;
    await fx.dev.rest.issues.update({ ...at, issue_number: n.plain ?? 0, state: "closed" });
    await fx.dev.rest.issues.createComment({ ...at, issue_number: n.bug ?? 0, body: "one" });
    await fx.dev.rest.issues.createComment({ ...at, issue_number: n.bug ?? 0, body: "two" });
    await fx.dev.rest.issues.createComment({ ...at, issue_number: n.milestoned ?? 0, body: "hey @reader" });
  });
  afterAll(async () => {
    await fx.stop();
  });

  const list = async (params: Record<string, unknown>) =>
    numbers(
      (await fx.dev.request("GET /repos/{owner}/{repo}/issues", { ...at, per_page: 100, ...params }))
        .data as { number: number }[],
    );

  it("lists open issues newest first by default", async () => {
    expect(await list({})).toEqual([n.byAdmin, n.mention, n.milestoned, n.bugUrgent, n.bug]);
  });

  it("filters by state closed and all", async () => {
    expect(await list({ state: "closed" })).toEqual([n.plain]);
    expect(await list({ state: "all", direction: "asc" })).toEqual([
      n.plain,
      n.bug,
      n.bugUrgent,
      n.milestoned,
      n.mention,
      n.byAdmin,
    ]);
  });

  it("requires every listed label, matching names case-insensitively", async () => {
    expect(await list({ labels: "bug" })).toEqual([n.bugUrgent, n.bug]);
    expect(await list({ labels: "BUG,urgent" })).toEqual([n.bugUrgent]);
    expect(await list({ labels: "bug,nonexistent" })).toEqual([]);
  });

  it("filters by milestone number, * and none", async () => {
    const ms = [...fx.repo.milestones.values()][0]?.number;
    expect(await list({ milestone: String(ms) })).toEqual([n.milestoned]);
    expect(await list({ milestone: "*" })).toEqual([n.milestoned]);
    expect(await list({ milestone: "none" })).toEqual([n.byAdmin, n.mention, n.bugUrgent, n.bug]);
  });

  it("filters by assignee login, * and none, by creator and by mention", async () => {
    expect(await list({ assignee: "acme" })).toEqual([n.bugUrgent]);
    expect(await list({ assignee: "*" })).toEqual([n.milestoned, n.bugUrgent]);
    expect(await list({ assignee: "none" })).toEqual([n.byAdmin, n.mention, n.bug]);
    expect(await list({ creator: "acme" })).toEqual([n.byAdmin]);
    expect(await list({ mentioned: "tri" })).toEqual([n.mention]);
    expect(await list({ mentioned: "reader" })).toEqual([n.milestoned]);
  });

  it("sorts by comments and filters by since", async () => {
    expect((await list({ sort: "comments", direction: "desc" }))[0]).toBe(n.bug);
    expect(await list({ since: "2999-01-01T00:00:00Z" })).toEqual([]);
    expect((await list({ since: "2000-01-01T00:00:00Z" })).length).toBe(5);
  });

  it("sorts by the last update and filters by since on it", async () => {
    // Seconds are GitHub's resolution, so the test dates the records itself rather than wait.
    const stamp = (number: number | undefined, iso: string): void => {
      const issue = fx.repo.issues.get(number ?? 0);
      if (!issue) throw new Error(`no issue ${number}`);
      issue.updated_at = iso;
    };
    stamp(n.bug, "2031-01-03T00:00:00Z");
    stamp(n.byAdmin, "2031-01-02T00:00:00Z");
    stamp(n.mention, "2031-01-01T00:00:00Z");
    expect(await list({ since: "2031-01-02T00:00:00Z" })).toEqual([n.byAdmin, n.bug]);
    expect(await list({ since: "2031-01-01T00:00:00Z", sort: "updated" })).toEqual([
      n.bug,
      n.byAdmin,
      n.mention,
    ]);
    expect(await list({ since: "2031-01-01T00:00:00Z", sort: "updated", direction: "asc" })).toEqual([
      n.mention,
      n.byAdmin,
      n.bug,
    ]);
    expect((await list({ sort: "updated" })).slice(0, 3)).toEqual([n.bug, n.byAdmin, n.mention]);
  });

  it("refuses an unknown state or sort with 422", async () => {
    // Typed Octokit would not let these through; the sim must still refuse them.
    const route: string = "GET /repos/{owner}/{repo}/issues";
    expect((await statusOf(fx.dev.request(route, { ...at, state: "shut" }))).status).toBe(422);
    expect((await statusOf(fx.dev.request(route, { ...at, sort: "title" }))).status).toBe(422);
    // Both queries are off GitHub's description on purpose; take those findings back.
    expect(fx.forgiveRequests()).toBe(2);
  });

  it("counts comments on the issue", async () => {
    const { data } = await fx.dev.rest.issues.get({ ...at, issue_number: n.bug ?? 0 });
    expect(data.comments).toBe(2);
  });
});
