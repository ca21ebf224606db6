import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IssueFixture, startIssueFixture, statusOf } from "../helpers/issue-fixtures.ts";

describe("collaborators on the loopback GitHub", () => {
  let fx: IssueFixture;
  const at = { owner: "acme", repo: "app" } as const;
  beforeAll(async () => {
    fx = await startIssueFixture();
  });
  afterAll(async () => {
    await fx.stop();
  });

  it("answers a user's permission with the legacy level, the role and the user", async () => {
    const tri = await fx.app.rest.repos.getCollaboratorPermissionLevel({ ...at, username: "tri" });
    expect(tri.data).toMatchObject({
      permission: "read",
      role_name: "triage",
      user: { login: "tri", role_name: "triage", permissions: { triage: true, push: false, pull: true } },
    });
    const owner = await fx.app.rest.repos.getCollaboratorPermissionLevel({ ...at, username: "acme" });
    expect(owner.data).toMatchObject({ permission: "admin", role_name: "admin" });
    const dev = await fx.app.rest.repos.getCollaboratorPermissionLevel({ ...at, username: "dev" });
    expect(dev.data).toMatchObject({ permission: "write", role_name: "write" });
    const stranger = await fx.app.rest.repos.getCollaboratorPermissionLevel({ ...at, username: "stranger" });
    expect(stranger.data).toMatchObject({ permission: "read", role_name: "read" });
    expect(
      (await statusOf(fx.app.rest.repos.getCollaboratorPermissionLevel({ ...at, username: "nobody-here" })))
        .status,
    ).toBe(404);
  });

  it("lists collaborators with their roles, filtered by permission", async () => {
    const all = await fx.dev.paginate(fx.dev.rest.repos.listCollaborators, { ...at, per_page: 100 });
    expect(all.map((c) => [c.login, c.role_name])).toEqual([
      ["acme", "admin"],
      ["dev", "write"],
      ["tri", "triage"],
      ["reader", "read"],
    ]);
    const pushers = await fx.dev.rest.repos.listCollaborators({ ...at, permission: "push" });
    expect(pushers.data.map((c) => c.login)).toEqual(["acme", "dev"]);
  });

  it("checks a collaborator with 204 or 404", async () => {
    expect((await fx.dev.rest.repos.checkCollaborator({ ...at, username: "reader" })).status).toBe(204);
    expect(
      (await statusOf(fx.dev.rest.repos.checkCollaborator({ ...at, username: "stranger" }))).status,
    ).toBe(404);
  });

  it("adds a collaborator directly and removes them (admin only)", async () => {
    expect((await statusOf(fx.dev.rest.repos.addCollaborator({ ...at, username: "stranger" }))).status).toBe(
      403,
    );
    expect(
      (await fx.admin.rest.repos.addCollaborator({ ...at, username: "stranger", permission: "maintain" }))
        .status,
    ).toBe(204);
    const level = await fx.dev.rest.repos.getCollaboratorPermissionLevel({ ...at, username: "stranger" });
    expect(level.data).toMatchObject({ permission: "write", role_name: "maintain" });
    // The new role takes effect at once: a maintainer may create labels.
    expect((await fx.stranger.rest.issues.createLabel({ ...at, name: "by-stranger" })).status).toBe(201);
    expect((await fx.admin.rest.repos.removeCollaborator({ ...at, username: "stranger" })).status).toBe(204);
    expect(
      (await statusOf(fx.dev.rest.repos.checkCollaborator({ ...at, username: "stranger" }))).status,
    ).toBe(404);
  });
});
