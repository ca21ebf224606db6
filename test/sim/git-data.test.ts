import type { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sim } from "../../src/sim/index.ts";
import { branchSha, failure, recordRefUpdates, simOctokit } from "../helpers/git-cli.ts";
import { startTestSim } from "../helpers/sim.ts";

const owner = "acme";
const name = "data-town";

describe("git data API", () => {
  let sim: Sim;
  let octokit: Octokit;
  let main: string;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    sim = await startTestSim();
    await sim.createRepo({ owner, name, files: { "README.md": "# data\n", "docs/guide.md": "guide\n" } });
    recordRefUpdates(sim);
    octokit = simOctokit(sim, sim.token({ kind: "installation" }));
    main = await branchSha(octokit, owner, name, "main");
  });
  afterAll(async () => {
    await sim.stop();
    nock.enableNetConnect();
  });

  describe("when a hook is claimed with a tag object and a ref", () => {
    it("lets the first claimant hold it and shows every later one who does", async () => {
      const claim = async (holder: string): Promise<number> => {
        const { data: tag } = await octokit.rest.git.createTag({
          owner,
          repo: name,
          tag: "hook-42",
          message: JSON.stringify({ bead: 42, polecat: holder }),
          object: main,
          type: "commit",
        });
        return octokit.rest.git
          .createRef({ owner, repo: name, ref: "refs/gastown/hooks/42", sha: tag.sha })
          .then((r) => r.status)
          .catch((error: { status?: number }) => error.status ?? 0);
      };
      const outcomes = await Promise.all(["nux", "slit", "toast", "furiosa"].map(claim));
      expect(outcomes.filter((s) => s === 201)).toHaveLength(1);
      expect(outcomes.filter((s) => s === 422)).toHaveLength(3);

      const { data: ref } = await octokit.rest.git.getRef({ owner, repo: name, ref: "gastown/hooks/42" });
      expect(ref.object.type).toBe("tag");
      const { data: tag } = await octokit.rest.git.getTag({ owner, repo: name, tag_sha: ref.object.sha });
      const holder = ["nux", "slit", "toast", "furiosa"][outcomes.indexOf(201)];
      expect(JSON.parse(tag.message)).toEqual({ bead: 42, polecat: holder });
      expect(tag).toMatchObject({
        tag: "hook-42",
        sha: ref.object.sha,
        object: { sha: main, type: "commit" },
        tagger: {
          name: "gastown[bot]",
          email: expect.stringMatching(/\+gastown\[bot\]@users\.noreply\.github\.com$/),
        },
        verification: { verified: false, reason: "unsigned" },
      });
      expect(tag.tagger.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it("refuses a tag of an unknown object or of the wrong type", async () => {
      const unknown = await failure(
        octokit.rest.git.createTag({
          owner,
          repo: name,
          tag: "t",
          message: "m",
          object: "3".repeat(40),
          type: "commit",
        }),
      );
      expect(unknown).toEqual({ status: 422, message: "Object does not exist" });
      const wrong = await failure(
        octokit.rest.git.createTag({ owner, repo: name, tag: "t", message: "m", object: main, type: "blob" }),
      );
      expect(wrong.status).toBe(422);
      expect((await failure(octokit.rest.git.getTag({ owner, repo: name, tag_sha: main }))).status).toBe(404);
    });
  });

  describe("when a commit is built from blobs and trees", () => {
    it("writes blobs, a tree on a base tree, and a commit the branch can move to", async () => {
      const { data: blob } = await octokit.rest.git.createBlob({
        owner,
        repo: name,
        content: Buffer.from([0, 1, 2, 255]).toString("base64"),
        encoding: "base64",
      });
      const { data: readBack } = await octokit.rest.git.getBlob({ owner, repo: name, file_sha: blob.sha });
      expect(readBack).toMatchObject({ sha: blob.sha, size: 4, encoding: "base64" });
      expect(Buffer.from(readBack.content, "base64")).toEqual(Buffer.from([0, 1, 2, 255]));

      const { data: base } = await octokit.rest.git.getCommit({ owner, repo: name, commit_sha: main });
      const { data: tree } = await octokit.rest.git.createTree({
        owner,
        repo: name,
        base_tree: base.tree.sha,
        tree: [
          { path: "bin/data.bin", mode: "100644", type: "blob", sha: blob.sha },
          { path: "src/index.ts", mode: "100644", type: "blob", content: "export {};\n" },
          { path: "docs", mode: "040000", type: "tree", sha: null },
        ],
      });
      expect(tree.tree.map((e) => `${e.type} ${e.path}`)).toEqual(["blob README.md", "tree bin", "tree src"]);

      const { data: commit } = await octokit.rest.git.createCommit({
        owner,
        repo: name,
        message: "Build through the API",
        tree: tree.sha,
        parents: [main],
        author: { name: "Nux", email: "nux@example.com", date: "2025-03-04T05:06:07Z" },
      });
      expect(commit).toMatchObject({
        message: "Build through the API",
        tree: { sha: tree.sha },
        parents: [{ sha: main }],
        author: { name: "Nux", email: "nux@example.com", date: "2025-03-04T05:06:07Z" },
        committer: { name: "Nux", email: "nux@example.com" },
      });
      const { data: read } = await octokit.rest.git.getCommit({ owner, repo: name, commit_sha: commit.sha });
      expect(read).toEqual(commit);

      await octokit.rest.git.updateRef({ owner, repo: name, ref: "heads/main", sha: commit.sha });
      const { data: all } = await octokit.rest.git.getTree({
        owner,
        repo: name,
        tree_sha: "main",
        recursive: "1",
      });
      expect(all.tree.map((e) => e.path)).toEqual([
        "README.md",
        "bin",
        "bin/data.bin",
        "src",
        "src/index.ts",
      ]);
      expect(all.tree.find((e) => e.path === "bin/data.bin")).toMatchObject({ size: 4, sha: blob.sha });
      const { data: top } = await octokit.rest.git.getTree({ owner, repo: name, tree_sha: tree.sha });
      expect(top.truncated).toBe(false);
      expect(top.tree).toHaveLength(3);
      main = commit.sha;
    });

    it("refuses a commit whose tree or parent does not exist", async () => {
      const badTree = await failure(
        octokit.rest.git.createCommit({ owner, repo: name, message: "x", tree: "4".repeat(40), parents: [] }),
      );
      expect(badTree).toEqual({ status: 422, message: "Tree SHA does not exist" });
      const { data: head } = await octokit.rest.git.getCommit({ owner, repo: name, commit_sha: main });
      const badParent = await failure(
        octokit.rest.git.createCommit({
          owner,
          repo: name,
          message: "x",
          tree: head.tree.sha,
          parents: ["5".repeat(40)],
        }),
      );
      expect(badParent).toEqual({
        status: 422,
        message: "Parent SHA does not exist or is not a commit object",
      });
    });

    it("answers 404 for objects of the wrong kind", async () => {
      expect((await failure(octokit.rest.git.getBlob({ owner, repo: name, file_sha: main }))).status).toBe(
        404,
      );
      expect(
        (await failure(octokit.rest.git.getCommit({ owner, repo: name, commit_sha: "6".repeat(40) }))).status,
      ).toBe(404);
      expect(
        (await failure(octokit.rest.git.getTree({ owner, repo: name, tree_sha: "no-such-branch" }))).status,
      ).toBe(404);
    });
  });
});
