import type { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RefUpdate } from "../../src/sim/context.ts";
import type { Sim } from "../../src/sim/index.ts";
import { Router } from "../../src/sim/router.ts";
import { branchSha, failure, recordRefUpdates, simOctokit } from "../helpers/git-cli.ts";
import { startTestSim } from "../helpers/sim.ts";

const owner = "acme";
const name = "contents-town";
const LONG = `${"x".repeat(100)}\n`;

describe("contents and commits API", () => {
  let sim: Sim;
  let octokit: Octokit;
  let updates: RefUpdate[];

  const b64 = (text: string): string => Buffer.from(text).toString("base64");

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    sim = await startTestSim();
    await sim.createRepo({
      owner,
      name,
      files: {
        "README.md": "# contents\n",
        ".github/gastown.yml": "rig: town\n",
        "formulas/long.toml": LONG,
      },
    });
    octokit = simOctokit(sim, sim.token({ kind: "installation" }));
  });
  afterAll(async () => {
    await sim.stop();
    nock.enableNetConnect();
  });
  beforeEach(() => {
    updates = recordRefUpdates(sim);
  });

  describe("reading", () => {
    it("answers a file base64-encoded in 60-character lines, as GitHub does", async () => {
      const { data } = await octokit.rest.repos.getContent({ owner, repo: name, path: "formulas/long.toml" });
      if (Array.isArray(data) || data.type !== "file") throw new Error("expected a file");
      const lines = data.content.split("\n");
      expect(lines.slice(0, -1).every((line) => line.length === 60 || line === lines.at(-2))).toBe(true);
      expect(lines.at(-1)).toBe("");
      expect(Buffer.from(data.content, "base64").toString()).toBe(LONG);
      expect(data).toMatchObject({
        encoding: "base64",
        name: "long.toml",
        path: "formulas/long.toml",
        size: LONG.length,
        sha: expect.stringMatching(/^[0-9a-f]{40}$/),
        url: `${sim.url}/repos/${owner}/${name}/contents/formulas/long.toml?ref=main`,
        html_url: `${sim.url}/${owner}/${name}/blob/main/formulas/long.toml`,
      });
    });

    it("lists a directory and answers 404 for a missing path or ref", async () => {
      const { data } = await octokit.rest.repos.getContent({ owner, repo: name, path: ".github" });
      expect(Array.isArray(data) && data.map((e) => [e.type, e.path])).toEqual([
        ["file", ".github/gastown.yml"],
      ]);
      expect(
        (await failure(octokit.rest.repos.getContent({ owner, repo: name, path: "nope.md" }))).status,
      ).toBe(404);
      expect(
        (await failure(octokit.rest.repos.getContent({ owner, repo: name, path: "README.md", ref: "ghost" })))
          .status,
      ).toBe(404);
    });
  });

  describe("writing", () => {
    it("creates a file as a commit on the branch (201) and announces the move", async () => {
      const before = await branchSha(octokit, owner, name, "main");
      const response = await octokit.rest.repos.createOrUpdateFileContents({
        owner,
        repo: name,
        path: "docs/new.md",
        message: "Add docs",
        content: b64("hello\n"),
      });
      expect(response.status).toBe(201);
      expect(response.data.content).toMatchObject({ path: "docs/new.md", type: "file" });
      expect(response.data.commit).toMatchObject({ message: "Add docs", parents: [{ sha: before }] });
      const after = await branchSha(octokit, owner, name, "main");
      expect(after).toBe(response.data.commit.sha);
      expect(updates).toEqual([expect.objectContaining({ ref: "refs/heads/main", before, after })]);
    });

    it("needs the current blob sha to update: 422 without it, 409 when stale, 200 when right", async () => {
      const { data } = await octokit.rest.repos.getContent({ owner, repo: name, path: "docs/new.md" });
      if (Array.isArray(data)) throw new Error("expected a file");
      const update = {
        owner,
        repo: name,
        path: "docs/new.md",
        message: "Edit docs",
        content: b64("edited\n"),
      };
      const missing = await failure(octokit.rest.repos.createOrUpdateFileContents(update));
      expect(missing.status).toBe(422);
      expect(missing.message).toContain('"sha" wasn\'t supplied');
      const stale = await failure(
        octokit.rest.repos.createOrUpdateFileContents({ ...update, sha: "7".repeat(40) }),
      );
      expect(stale.status).toBe(409);
      const ok = await octokit.rest.repos.createOrUpdateFileContents({ ...update, sha: data.sha });
      expect(ok.status).toBe(200);
      const read = await octokit.rest.repos.getContent({ owner, repo: name, path: "docs/new.md" });
      if (Array.isArray(read.data) || read.data.type !== "file") throw new Error("expected a file");
      expect(Buffer.from(read.data.content, "base64").toString()).toBe("edited\n");
    });

    it("writes to another branch and leaves the default one alone", async () => {
      const main = await branchSha(octokit, owner, name, "main");
      await octokit.rest.git.createRef({ owner, repo: name, ref: "refs/heads/polecat/nux", sha: main });
      await octokit.rest.repos.createOrUpdateFileContents({
        owner,
        repo: name,
        path: "work.txt",
        message: "Work",
        content: b64("work\n"),
        branch: "polecat/nux",
      });
      expect(await branchSha(octokit, owner, name, "main")).toBe(main);
      const { data } = await octokit.rest.repos.getContent({
        owner,
        repo: name,
        path: "work.txt",
        ref: "polecat/nux",
      });
      expect(Array.isArray(data) ? undefined : data.path).toBe("work.txt");
      const missing = await failure(
        octokit.rest.repos.createOrUpdateFileContents({
          owner,
          repo: name,
          path: "x.txt",
          message: "x",
          content: b64("x"),
          branch: "ghost",
        }),
      );
      expect(missing.status).toBe(404);
    });

    it("deletes a file given its sha and answers 404 for a missing one", async () => {
      const { data } = await octokit.rest.repos.getContent({ owner, repo: name, path: "docs/new.md" });
      if (Array.isArray(data)) throw new Error("expected a file");
      const response = await octokit.rest.repos.deleteFile({
        owner,
        repo: name,
        path: "docs/new.md",
        message: "Remove docs",
        sha: data.sha,
      });
      expect(response.data.content).toBeNull();
      expect(
        (await failure(octokit.rest.repos.getContent({ owner, repo: name, path: "docs/new.md" }))).status,
      ).toBe(404);
      const gone = await failure(
        octokit.rest.repos.deleteFile({
          owner,
          repo: name,
          path: "docs/new.md",
          message: "again",
          sha: data.sha,
        }),
      );
      expect(gone.status).toBe(404);
    });

    it("keeps concurrent writers of different files from losing each other's commits", async () => {
      await Promise.all(
        ["p1", "p2", "p3", "p4"].map((file) =>
          octokit.rest.repos.createOrUpdateFileContents({
            owner,
            repo: name,
            path: `parallel/${file}.txt`,
            message: `Add ${file}`,
            content: b64(file),
          }),
        ),
      );
      const { data } = await octokit.rest.repos.getContent({ owner, repo: name, path: "parallel" });
      expect(Array.isArray(data) && data.map((e) => e.name)).toEqual([
        "p1.txt",
        "p2.txt",
        "p3.txt",
        "p4.txt",
      ]);
    });
  });

  describe("commits", () => {
    it("answers one commit with its files and stats, by SHA or branch", async () => {
      const sha = await branchSha(octokit, owner, name, "main");
      const { data } = await octokit.rest.repos.getCommit({ owner, repo: name, ref: "main" });
      expect(data.sha).toBe(sha);
      expect(data.stats).toEqual({ total: 1, additions: 1, deletions: 0 });
      expect(data.files).toHaveLength(1);
      expect(data.author?.login).toBe("gastown[bot]");
      const bySha = await octokit.rest.repos.getCommit({ owner, repo: name, ref: sha.slice(0, 12) });
      expect(bySha.data.sha).toBe(sha);
      expect((await failure(octokit.rest.repos.getCommit({ owner, repo: name, ref: "ghost" }))).status).toBe(
        422,
      );
    });

    it("lists history newest first, from a branch, by path, paginated", async () => {
      const all = await octokit.paginate(octokit.rest.repos.listCommits, { owner, repo: name, per_page: 2 });
      expect(all.at(-1)?.commit.message).toBe("Initial commit");
      expect(all[0]?.sha).toBe(await branchSha(octokit, owner, name, "main"));
      const docs = await octokit.rest.repos.listCommits({ owner, repo: name, path: "docs/new.md" });
      expect(docs.data.map((c) => c.commit.message)).toEqual(["Remove docs", "Edit docs", "Add docs"]);
      const branch = await octokit.rest.repos.listCommits({
        owner,
        repo: name,
        sha: "polecat/nux",
        per_page: 1,
      });
      expect(branch.data[0]?.commit.message).toBe("Work");
    });

    it("leaves /commits/{ref}/status to its own route", () => {
      const router = new Router();
      router.get("/repos/{owner}/{repo}/commits/{ref}", () => ({ status: 200, body: "commit" }));
      router.get("/repos/{owner}/{repo}/commits/{ref}/status", () => ({ status: 200, body: "status" }));
      expect(router.match("GET", "/repos/a/b/commits/main/status")?.template).toBe(
        "/repos/{owner}/{repo}/commits/{ref}/status",
      );
      expect(router.match("GET", "/repos/a/b/commits/abc")?.template).toBe(
        "/repos/{owner}/{repo}/commits/{ref}",
      );
    });
  });
});
