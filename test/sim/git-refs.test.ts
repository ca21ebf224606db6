import type { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RefUpdate } from "../../src/sim/context.ts";
import { commitFiles, createTag } from "../../src/sim/git.ts";
import type { Sim, SimRepo } from "../../src/sim/index.ts";
import { branchSha, failure, recordRefUpdates, simOctokit } from "../helpers/git-cli.ts";
import { startTestSim } from "../helpers/sim.ts";

const owner = "acme";
const ZERO = "0000000000000000000000000000000000000000";

describe("git refs API", () => {
  let sim: Sim;
  let repo: SimRepo;
  let octokit: Octokit;
  let main: string;
  let updates: RefUpdate[];
  const name = "refs-town";

  /** A new commit on top of `parent`, written straight into the bare repo. */
  const commitOn = (parent: string, file: string): Promise<string> =>
    commitFiles({ gitDir: repo.gitDir, parent, files: { [file]: `${file}\n` }, message: `add ${file}` });

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    sim = await startTestSim();
    repo = await sim.createRepo({ owner, name });
    octokit = simOctokit(sim, sim.token({ kind: "installation" }));
    main = await branchSha(octokit, owner, name, "main");
  });
  afterAll(async () => {
    await sim.stop();
    nock.enableNetConnect();
  });
  beforeEach(() => {
    updates = recordRefUpdates(sim);
  });

  describe("reading", () => {
    it("answers a branch in GitHub's ref shape", async () => {
      const { data } = await octokit.rest.git.getRef({ owner, repo: name, ref: "heads/main" });
      expect(data).toEqual({
        ref: "refs/heads/main",
        node_id: expect.any(String),
        url: `${sim.url}/repos/${owner}/${name}/git/refs/heads/main`,
        object: { type: "commit", sha: main, url: `${sim.url}/repos/${owner}/${name}/git/commits/${main}` },
      });
    });

    it("reads refs in any namespace and 404s on missing ones", async () => {
      await octokit.rest.git.createRef({ owner, repo: name, ref: "refs/gastown/hooks/12", sha: main });
      const { data } = await octokit.rest.git.getRef({ owner, repo: name, ref: "gastown/hooks/12" });
      expect(data.object.sha).toBe(main);
      expect(
        (await failure(octokit.rest.git.getRef({ owner, repo: name, ref: "gastown/hooks/13" }))).status,
      ).toBe(404);
      // A prefix of an existing ref is not that ref.
      expect(
        (await failure(octokit.rest.git.getRef({ owner, repo: name, ref: "gastown/hooks" }))).status,
      ).toBe(404);
    });

    it("lists refs matching a string prefix, and nothing when none match", async () => {
      for (const ref of ["refs/heads/feat-a", "refs/heads/feat/b", "refs/heads/other"]) {
        await octokit.rest.git.createRef({ owner, repo: name, ref, sha: main });
      }
      const { data } = await octokit.rest.git.listMatchingRefs({ owner, repo: name, ref: "heads/feat" });
      expect(data.map((r) => r.ref)).toEqual(["refs/heads/feat-a", "refs/heads/feat/b"]);
      const none = await octokit.rest.git.listMatchingRefs({ owner, repo: name, ref: "heads/zzz" });
      expect(none.data).toEqual([]);
    });

    it("says object type tag for a ref that points at a tag object", async () => {
      const tag = await createTag({ gitDir: repo.gitDir, tag: "v1", object: main, message: "v1" });
      await octokit.rest.git.createRef({ owner, repo: name, ref: "refs/tags/v1", sha: tag });
      const { data } = await octokit.rest.git.getRef({ owner, repo: name, ref: "tags/v1" });
      expect(data.object).toEqual({
        type: "tag",
        sha: tag,
        url: `${sim.url}/repos/${owner}/${name}/git/tags/${tag}`,
      });
    });
  });

  describe("creating", () => {
    it("answers 201 and announces a new branch", async () => {
      const response = await octokit.rest.git.createRef({
        owner,
        repo: name,
        ref: "refs/heads/fresh",
        sha: main,
      });
      expect(response.status).toBe(201);
      expect(response.data.ref).toBe("refs/heads/fresh");
      expect(updates).toEqual([
        expect.objectContaining({ repo, ref: "refs/heads/fresh", before: ZERO, after: main }),
      ]);
      expect(updates[0]?.principal.login).toBe("gastown[bot]");
    });

    it("moves refs outside heads and tags silently", async () => {
      await octokit.rest.git.createRef({ owner, repo: name, ref: "refs/gastown/hooks/99", sha: main });
      expect(updates).toEqual([]);
    });

    it("refuses an existing ref, a malformed name and an unknown object with 422", async () => {
      const exists = await failure(
        octokit.rest.git.createRef({ owner, repo: name, ref: "refs/heads/main", sha: main }),
      );
      expect(exists).toEqual({ status: 422, message: "Reference already exists" });
      for (const ref of ["heads/x", "refs/x", "refs/heads/bad..name"]) {
        expect(
          (await failure(octokit.rest.git.createRef({ owner, repo: name, ref, sha: main }))).status,
        ).toBe(422);
      }
      const unknown = await failure(
        octokit.rest.git.createRef({ owner, repo: name, ref: "refs/heads/ghost", sha: "1".repeat(40) }),
      );
      expect(unknown).toEqual({ status: 422, message: "Object does not exist" });
      expect(updates).toEqual([]);
    });

    it("gives exactly one 201 to 50 concurrent creators of the same ref", async () => {
      const attempts = await Promise.all(
        Array.from({ length: 50 }, () =>
          octokit.rest.git
            .createRef({ owner, repo: name, ref: "refs/gastown/hooks/claim", sha: main })
            .then((r) => r.status)
            .catch((error: { status?: number }) => error.status ?? 0),
        ),
      );
      expect(attempts.filter((s) => s === 201)).toHaveLength(1);
      expect(attempts.filter((s) => s === 422)).toHaveLength(49);
    });

    it("refuses callers who may only read", async () => {
      sim.setPermission(repo, "watcher", "read");
      const reader = simOctokit(sim, sim.token({ kind: "user", login: "watcher" }));
      const refused = await failure(
        reader.rest.git.createRef({ owner, repo: name, ref: "refs/heads/r", sha: main }),
      );
      expect(refused.status).toBe(403);
    });
  });

  describe("updating", () => {
    it("fast-forwards a branch and announces the move", async () => {
      await octokit.rest.git.createRef({ owner, repo: name, ref: "refs/heads/ff", sha: main });
      const next = await commitOn(main, "ff.txt");
      const { data } = await octokit.rest.git.updateRef({
        owner,
        repo: name,
        ref: "heads/ff",
        sha: next,
        force: false,
      });
      expect(data.object.sha).toBe(next);
      expect(updates.at(-1)).toMatchObject({ ref: "refs/heads/ff", before: main, after: next });
      expect(updates.at(-1)?.forced).toBeUndefined();
    });

    it("refuses a non-fast-forward unless forced", async () => {
      const ahead = await commitOn(main, "ahead.txt");
      const sideways = await commitOn(main, "sideways.txt");
      await octokit.rest.git.createRef({ owner, repo: name, ref: "refs/heads/nff", sha: ahead });
      const refused = await failure(
        octokit.rest.git.updateRef({ owner, repo: name, ref: "heads/nff", sha: sideways, force: false }),
      );
      expect(refused).toEqual({ status: 422, message: "Update is not a fast forward" });
      expect(await branchSha(octokit, owner, name, "nff")).toBe(ahead);

      const forced = await octokit.rest.git.updateRef({
        owner,
        repo: name,
        ref: "heads/nff",
        sha: sideways,
        force: true,
      });
      expect(forced.data.object.sha).toBe(sideways);
      expect(updates.at(-1)).toMatchObject({
        ref: "refs/heads/nff",
        before: ahead,
        after: sideways,
        forced: true,
      });
    });

    it("answers 422 for a missing ref or an unknown object", async () => {
      const missing = await failure(
        octokit.rest.git.updateRef({ owner, repo: name, ref: "heads/nope", sha: main }),
      );
      expect(missing).toEqual({ status: 422, message: "Reference does not exist" });
      const unknown = await failure(
        octokit.rest.git.updateRef({ owner, repo: name, ref: "heads/main", sha: "2".repeat(40) }),
      );
      expect(unknown).toEqual({ status: 422, message: "Object does not exist" });
    });

    it("keeps a protected default branch to commits whose required checks passed", async () => {
      const next = await commitOn(main, "protected.txt");
      repo.requiredChecks = ["ci/test"];
      try {
        const refused = await failure(
          octokit.rest.git.updateRef({ owner, repo: name, ref: "heads/main", sha: next }),
        );
        expect(refused.status).toBe(422);
        expect(refused.message).toContain('Required status check "ci/test" is expected.');
        repo.statuses.push({
          id: sim.state.nextId(),
          sha: next,
          state: "success",
          context: "ci/test",
          description: null,
          target_url: null,
          creator: "ci",
          created_at: "2025-01-01T00:00:00Z",
          updated_at: "2025-01-01T00:00:00Z",
        });
        const { data } = await octokit.rest.git.updateRef({
          owner,
          repo: name,
          ref: "heads/main",
          sha: next,
        });
        expect(data.object.sha).toBe(next);
        main = next;
      } finally {
        repo.requiredChecks = [];
      }
    });
  });

  describe("deleting", () => {
    it("answers 204, announces the deletion, then 422 for the gone ref", async () => {
      await octokit.rest.git.createRef({ owner, repo: name, ref: "refs/heads/doomed", sha: main });
      const deleted = await octokit.rest.git.deleteRef({ owner, repo: name, ref: "heads/doomed" });
      expect(deleted.status).toBe(204);
      expect(updates.at(-1)).toMatchObject({ ref: "refs/heads/doomed", before: main, after: ZERO });
      // GitHub's description documents this 422 without a body.
      const again = await failure(octokit.rest.git.deleteRef({ owner, repo: name, ref: "heads/doomed" }));
      expect(again.status).toBe(422);
      expect(
        (await failure(octokit.rest.git.deleteRef({ owner, repo: name, ref: "heads/main" }))).status,
      ).toBe(422);
      expect(await branchSha(octokit, owner, name, "main")).toBe(main);
    });

    it("frees a hook ref so it can be claimed again", async () => {
      await octokit.rest.git.createRef({ owner, repo: name, ref: "refs/gastown/hooks/5", sha: main });
      await octokit.rest.git.deleteRef({ owner, repo: name, ref: "gastown/hooks/5" });
      const again = await octokit.rest.git.createRef({
        owner,
        repo: name,
        ref: "refs/gastown/hooks/5",
        sha: main,
      });
      expect(again.status).toBe(201);
    });
  });
});
