import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  claimHook,
  createMarker,
  getHookHolder,
  listHookedBeads,
  releaseHook,
} from "../../src/github/refs.ts";
import type { Octokit } from "@octokit/rest";
import { createOctokit, type GitHubContext } from "../../src/github/octokit.ts";
import { encodeHolder, type HookHolder } from "../../src/model/hook.ts";
import { github, repoPath, TOKEN, testContext } from "./context.ts";
import { gitRefPayload, gitTagPayload } from "./payloads.ts";

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

const gh = testContext();
const COMMIT = "c3d0be41ecbe669545ee3e94d31ed9a4bc91ee3c";
const ours: HookHolder = { polecat: "rust", bead: 12, attempt: 1, at: "2026-01-10T12:00:00Z" };
const theirs: HookHolder = { polecat: "nux", bead: 12, attempt: 1, run: 42, at: "2026-01-10T11:59:59Z" };
const exists = {
  message: "Reference already exists",
  documentation_url: "https://docs.github.com/rest/git/refs",
};

function expectTag(holder: HookHolder, sha: string) {
  github()
    .post(`${repoPath}/git/tags`, {
      tag: "gastown-hook-12",
      message: encodeHolder(holder),
      object: COMMIT,
      type: "commit",
    })
    .reply(201, gitTagPayload({ sha, message: encodeHolder(holder), object: COMMIT }));
}

describe("claimHook", () => {
  describe("when nobody holds the bead", () => {
    it("creates the tag and the ref, and wins", async () => {
      expectTag(ours, "aaa1");
      github()
        .post(`${repoPath}/git/refs`, { ref: "refs/gastown/hooks/12", sha: "aaa1" })
        .reply(201, gitRefPayload({ ref: "refs/gastown/hooks/12", sha: "aaa1" }));
      expect(await claimHook(gh, { holder: ours, commitSha: COMMIT })).toEqual({
        claimed: true,
        holder: ours,
      });
    });
  });

  describe("when another polecat got there first", () => {
    it("loses and learns who holds it", async () => {
      expectTag(ours, "aaa1");
      github().post(`${repoPath}/git/refs`).reply(422, exists);
      github()
        .get(`${repoPath}/git/ref/gastown%2Fhooks%2F12`)
        .reply(200, gitRefPayload({ ref: "refs/gastown/hooks/12", sha: "bbb2" }));
      github()
        .get(`${repoPath}/git/tags/bbb2`)
        .reply(200, gitTagPayload({ sha: "bbb2", message: encodeHolder(theirs), object: COMMIT }));
      expect(await claimHook(gh, { holder: ours, commitSha: COMMIT })).toEqual({
        claimed: false,
        holder: theirs,
      });
    });
  });

  describe("when our own earlier try went through but its answer was lost", () => {
    it("counts the claim as won", async () => {
      expectTag(ours, "aaa1");
      github().post(`${repoPath}/git/refs`).reply(422, exists);
      github()
        .get(`${repoPath}/git/ref/gastown%2Fhooks%2F12`)
        .reply(200, gitRefPayload({ ref: "refs/gastown/hooks/12", sha: "aaa1" }));
      github()
        .get(`${repoPath}/git/tags/aaa1`)
        .reply(200, gitTagPayload({ sha: "aaa1", message: encodeHolder(ours), object: COMMIT }));
      expect(await claimHook(gh, { holder: ours, commitSha: COMMIT })).toEqual({
        claimed: true,
        holder: ours,
      });
    });
  });

  describe("when the connection drops during our create", () => {
    /**
     * A client whose ref creates lose their answer, as a reset connection does (Octokit reports a
     * 500 without a response): `drops` says, per create, whether it reached GitHub first.
     */
    function droppingClient(drops: Array<"after" | "before">): GitHubContext {
      const octokit = createOctokit({ auth: TOKEN, retry: false, throttle: false });
      (octokit as unknown as Octokit).hook.wrap("request", async (request, options) => {
        const drop =
          options.method === "POST" && options.url.endsWith("/git/refs") ? drops.shift() : undefined;
        if (drop === "after") await request(options);
        if (drop) throw Object.assign(new Error("read ECONNRESET"), { status: 500 });
        return request(options);
      });
      return { octokit, repo: gh.repo };
    }

    it("sends it again, and a create that went through is recognised as ours", async () => {
      expectTag(ours, "aaa1");
      github()
        .post(`${repoPath}/git/refs`, { ref: "refs/gastown/hooks/12", sha: "aaa1" })
        .reply(201, gitRefPayload({ ref: "refs/gastown/hooks/12", sha: "aaa1" }));
      github().post(`${repoPath}/git/refs`).reply(422, exists);
      github()
        .get(`${repoPath}/git/ref/gastown%2Fhooks%2F12`)
        .reply(200, gitRefPayload({ ref: "refs/gastown/hooks/12", sha: "aaa1" }));
      github()
        .get(`${repoPath}/git/tags/aaa1`)
        .reply(200, gitTagPayload({ sha: "aaa1", message: encodeHolder(ours), object: COMMIT }));
      const result = await createMarker(droppingClient(["after"]), {
        ref: "refs/gastown/hooks/12",
        tag: "gastown-hook-12",
        message: encodeHolder(ours),
        commitSha: COMMIT,
      });
      expect(result).toEqual({ created: true, tagSha: "aaa1" });
    });

    it("sends it again, and wins when the first never arrived", async () => {
      expectTag(ours, "aaa1");
      github()
        .post(`${repoPath}/git/refs`, { ref: "refs/gastown/hooks/12", sha: "aaa1" })
        .reply(201, gitRefPayload({ ref: "refs/gastown/hooks/12", sha: "aaa1" }));
      expect(await claimHook(droppingClient(["before"]), { holder: ours, commitSha: COMMIT })).toEqual({
        claimed: true,
        holder: ours,
      });
    });

    it("loses to another claim that got in meanwhile, and names it", async () => {
      expectTag(ours, "aaa1");
      github().post(`${repoPath}/git/refs`).reply(422, exists);
      github()
        .get(`${repoPath}/git/ref/gastown%2Fhooks%2F12`)
        .reply(200, gitRefPayload({ ref: "refs/gastown/hooks/12", sha: "bbb2" }));
      github()
        .get(`${repoPath}/git/tags/bbb2`)
        .reply(200, gitTagPayload({ sha: "bbb2", message: encodeHolder(theirs), object: COMMIT }));
      expect(await claimHook(droppingClient(["before"]), { holder: ours, commitSha: COMMIT })).toEqual({
        claimed: false,
        holder: theirs,
      });
    });

    it("gives up with a clear error when it keeps dropping", async () => {
      expectTag(ours, "aaa1");
      const failing = droppingClient(["before", "before", "before"]);
      await expect(claimHook(failing, { holder: ours, commitSha: COMMIT })).rejects.toMatchObject({
        code: "unavailable",
        message: "Could not create refs/gastown/hooks/12 in acme/app: GitHub answered 500 (read ECONNRESET).",
      });
    });
  });

  describe("when the holder released it between our create and our read", () => {
    it("tries again and wins", async () => {
      expectTag(ours, "aaa1");
      github().post(`${repoPath}/git/refs`).reply(422, exists);
      github().get(`${repoPath}/git/ref/gastown%2Fhooks%2F12`).reply(404, { message: "Not Found" });
      github().post(`${repoPath}/git/refs`, { ref: "refs/gastown/hooks/12", sha: "aaa1" }).reply(201, {});
      expect((await claimHook(gh, { holder: ours, commitSha: COMMIT })).claimed).toBe(true);
    });
  });

  describe("when the ref holds something that is not a claim", () => {
    it("loses with a problem that says how to clear it", async () => {
      expectTag(ours, "aaa1");
      github().post(`${repoPath}/git/refs`).reply(422, exists);
      github()
        .get(`${repoPath}/git/ref/gastown%2Fhooks%2F12`)
        .reply(200, gitRefPayload({ ref: "refs/gastown/hooks/12", sha: COMMIT, type: "commit" }));
      const claim = await claimHook(gh, { holder: ours, commitSha: COMMIT });
      expect(claim).toMatchObject({ claimed: false, holder: null });
      expect(!claim.claimed && claim.problem?.hint).toContain("gt hook detach");
    });
  });

  describe("when no commit is given", () => {
    it("tags the head of the default branch", async () => {
      github().get(repoPath).reply(200, { default_branch: "trunk" });
      github()
        .get(`${repoPath}/git/ref/heads%2Ftrunk`)
        .reply(200, gitRefPayload({ ref: "refs/heads/trunk", sha: COMMIT, type: "commit" }));
      expectTag(ours, "aaa1");
      github().post(`${repoPath}/git/refs`).reply(201, {});
      expect((await claimHook(gh, { holder: ours })).claimed).toBe(true);
    });

    it("explains that an empty repo cannot hold hooks yet", async () => {
      github().get(repoPath).reply(200, { default_branch: "main" });
      github().get(`${repoPath}/git/ref/heads%2Fmain`).reply(409, { message: "Git Repository is empty." });
      await expect(claimHook(gh, { holder: ours })).rejects.toMatchObject({
        message: "acme/app has no commits, so hooks cannot be claimed yet.",
      });
    });
  });
});

describe("getHookHolder", () => {
  it("is not held when the ref is absent", async () => {
    github().get(`${repoPath}/git/ref/gastown%2Fhooks%2F12`).reply(404, { message: "Not Found" });
    expect(await getHookHolder(gh, 12)).toEqual({ held: false });
  });

  it("reports a damaged record", async () => {
    github()
      .get(`${repoPath}/git/ref/gastown%2Fhooks%2F12`)
      .reply(200, gitRefPayload({ ref: "refs/gastown/hooks/12", sha: "ccc3" }));
    github()
      .get(`${repoPath}/git/tags/ccc3`)
      .reply(200, gitTagPayload({ sha: "ccc3", message: "hello", object: COMMIT }));
    const state = await getHookHolder(gh, 12);
    expect(state).toMatchObject({ held: true, holder: null });
  });
});

describe("releaseHook", () => {
  it("deletes the ref", async () => {
    github().delete(`${repoPath}/git/refs/gastown%2Fhooks%2F12`).reply(204);
    expect(await releaseHook(gh, { bead: 12 })).toEqual({ released: true, holder: null });
  });

  it("treats an already released hook as released before", async () => {
    github()
      .delete(`${repoPath}/git/refs/gastown%2Fhooks%2F12`)
      .reply(422, { message: "Reference does not exist" });
    expect(await releaseHook(gh, { bead: 12 })).toEqual({ released: false, holder: null });
  });

  describe("when only the named holder may release", () => {
    it("leaves a successor's claim alone", async () => {
      github()
        .get(`${repoPath}/git/ref/gastown%2Fhooks%2F12`)
        .reply(200, gitRefPayload({ ref: "refs/gastown/hooks/12", sha: "bbb2" }));
      github()
        .get(`${repoPath}/git/tags/bbb2`)
        .reply(200, gitTagPayload({ sha: "bbb2", message: encodeHolder(theirs), object: COMMIT }));
      expect(await releaseHook(gh, { bead: 12, onlyIf: { polecat: "rust", attempt: 1 } })).toEqual({
        released: false,
        holder: theirs,
      });
    });

    it("releases its own claim", async () => {
      github()
        .get(`${repoPath}/git/ref/gastown%2Fhooks%2F12`)
        .reply(200, gitRefPayload({ ref: "refs/gastown/hooks/12", sha: "aaa1" }));
      github()
        .get(`${repoPath}/git/tags/aaa1`)
        .reply(200, gitTagPayload({ sha: "aaa1", message: encodeHolder(ours), object: COMMIT }));
      github().delete(`${repoPath}/git/refs/gastown%2Fhooks%2F12`).reply(204);
      expect(await releaseHook(gh, { bead: 12, onlyIf: { polecat: "rust", attempt: 1 } })).toEqual({
        released: true,
        holder: ours,
      });
    });
  });
});

describe("listHookedBeads", () => {
  it("lists the beads whose hook ref exists", async () => {
    github()
      .get(`${repoPath}/git/matching-refs/gastown%2Fhooks%2F`)
      .query({ per_page: "100" })
      .reply(200, [
        gitRefPayload({ ref: "refs/gastown/hooks/30", sha: "a" }),
        gitRefPayload({ ref: "refs/gastown/hooks/4", sha: "b" }),
      ]);
    expect(await listHookedBeads(gh)).toEqual([4, 30]);
  });
});

describe("createMarker", () => {
  it("refuses a ref outside refs/gastown/ without a request", async () => {
    await expect(
      createMarker(gh, { ref: "refs/heads/main", tag: "t", message: "m", commitSha: COMMIT }),
    ).rejects.toMatchObject({
      code: "bad-input",
    });
  });
});
