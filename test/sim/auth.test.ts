import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IssueFixture, startIssueFixture, statusOf } from "../helpers/issue-fixtures.ts";

describe("authentication and permissions on the loopback GitHub's issue API", () => {
  let fx: IssueFixture;
  const at = { owner: "acme", repo: "app" } as const;
  const vault = { owner: "acme", repo: "vault" } as const;
  beforeAll(async () => {
    fx = await startIssueFixture();
  });
  afterAll(async () => {
    await fx.stop();
  });

  describe("when the token is bad", () => {
    it("answers 401 Bad credentials", async () => {
      const bad = await statusOf(fx.kit("ghp_not-a-real-token").rest.issues.listForRepo(at));
      expect(bad.status).toBe(401);
      expect(bad.data).toMatchObject({ message: "Bad credentials" });
    });
  });

  describe("when the repo is private", () => {
    it("hides it (404) from those without access, even for writes", async () => {
      await fx.dev.rest.issues.create({ ...vault, title: "hidden" });
      expect((await statusOf(fx.reader.rest.issues.listForRepo(vault))).status).toBe(404);
      expect((await statusOf(fx.reader.rest.repos.get(vault))).status).toBe(404);
      expect((await statusOf(fx.reader.rest.issues.create({ ...vault, title: "sneak" }))).status).toBe(404);
      expect((await statusOf(fx.kit("").rest.issues.get({ ...vault, issue_number: 1 }))).status).toBe(404);
    });

    it("shows it to collaborators and to an installation token scoped to it", async () => {
      expect((await fx.dev.rest.issues.listForRepo(vault)).data.map((i) => i.title)).toEqual(["hidden"]);
      const scoped = fx.kit(fx.sim.token({ kind: "installation", repos: ["acme/vault"] }));
      expect((await scoped.rest.repos.get(vault)).data).toMatchObject({
        private: true,
        permissions: { push: true },
      });
    });

    it("hides it from an installation token scoped to other repos", async () => {
      const elsewhere = fx.kit(fx.sim.token({ kind: "installation", repos: ["acme/app"] }));
      expect((await statusOf(elsewhere.rest.issues.listForRepo(vault))).status).toBe(404);
    });
  });

  describe("when a write needs more than the caller holds", () => {
    it("answers 403 to a read user writing labels, milestones and others' issues", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({ ...at, title: "dev's" });
      expect((await statusOf(fx.reader.rest.issues.createLabel({ ...at, name: "x" }))).status).toBe(403);
      expect((await statusOf(fx.reader.rest.issues.createMilestone({ ...at, title: "x" }))).status).toBe(403);
      expect(
        (await statusOf(fx.reader.rest.issues.update({ ...at, issue_number: issue.number, state: "closed" })))
          .status,
      ).toBe(403);
    });

    it("answers 403 to an installation token carrying read, even for opening issues", async () => {
      expect((await statusOf(fx.appRead.rest.issues.create({ ...at, title: "x" }))).status).toBe(403);
      expect((await fx.appRead.rest.issues.listForRepo(at)).status).toBe(200);
    });

    it("answers 401 to anonymous writes on a public repo", async () => {
      expect((await statusOf(fx.kit("").rest.issues.create({ ...at, title: "anon" }))).status).toBe(401);
    });
  });

  describe("when the caller asks who they are", () => {
    it("answers GET /user for a user token and 403 for an installation token", async () => {
      const { data } = await fx.dev.rest.users.getAuthenticated();
      expect(data).toMatchObject({ login: "dev", type: "User" });
      expect((await statusOf(fx.app.rest.users.getAuthenticated())).status).toBe(403);
    });

    it("answers GET /users/{username} for known users and 404 otherwise", async () => {
      expect((await fx.app.rest.users.getByUsername({ username: "acme" })).data).toMatchObject({
        login: "acme",
        public_repos: 1,
      });
      expect((await statusOf(fx.app.rest.users.getByUsername({ username: "ghost-of-nobody" }))).status).toBe(
        404,
      );
    });

    it("lists the repositories an installation token can reach", async () => {
      const all = await fx.app.rest.apps.listReposAccessibleToInstallation();
      expect(all.data).toMatchObject({ total_count: 2, repository_selection: "all" });
      expect(all.data.repositories.map((r) => r.full_name).sort()).toEqual(["acme/app", "acme/vault"]);
      const scoped = fx.kit(fx.sim.token({ kind: "installation", repos: ["acme/app"] }));
      const one = await scoped.rest.apps.listReposAccessibleToInstallation();
      expect(one.data).toMatchObject({ total_count: 1, repository_selection: "selected" });
      expect((await statusOf(fx.dev.rest.apps.listReposAccessibleToInstallation())).status).toBe(403);
    });
  });
});
