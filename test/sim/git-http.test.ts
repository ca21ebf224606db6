import { request } from "node:http";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RefUpdate } from "../../src/sim/context.ts";
import type { Sim, SimRepo } from "../../src/sim/index.ts";
import {
  branchSha,
  commitIn,
  mustGit,
  recordRefUpdates,
  runGit,
  scratchDir,
  simOctokit,
} from "../helpers/git-cli.ts";
import { startTestSim } from "../helpers/sim.ts";

const ZERO = "0000000000000000000000000000000000000000";

/** A raw HTTP exchange with the sim, for what git hides (status codes, challenge headers). */
function raw(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const basic = (token: string): string => `Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;

describe("git smart HTTP", () => {
  let sim: Sim;
  let repo: SimRepo;
  let secret: SimRepo;
  let writer: string;
  let octokit: Octokit;
  let scratch: { path: string; cleanup: () => Promise<void> };
  let updates: RefUpdate[];

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    sim = await startTestSim();
    repo = await sim.createRepo({ owner: "acme", name: "town", files: { "README.md": "# town\n" } });
    secret = await sim.createRepo({ owner: "acme", name: "vault", private: true });
    writer = sim.token({ kind: "installation" });
    octokit = simOctokit(sim, writer);
  });
  afterAll(async () => {
    await sim.stop();
    nock.enableNetConnect();
  });
  beforeEach(async () => {
    scratch = await scratchDir();
    updates = recordRefUpdates(sim);
  });
  afterEach(async () => {
    await scratch.cleanup();
  });

  describe("when the token may write", () => {
    it("clones, commits and pushes, and the push shows up through the REST API", async () => {
      const work = join(scratch.path, "town");
      await mustGit(["clone", "-q", sim.cloneUrl(repo, writer), work]);
      const before = await mustGit(["rev-parse", "HEAD"], work);
      const after = await commitIn(work, { "src/app.ts": "export const x = 1;\n" }, "Add app");
      await mustGit(["push", "-q", "origin", "HEAD:refs/heads/feature/app"], work);

      expect(await branchSha(octokit, "acme", "town", "feature/app")).toBe(after);
      const { data: branch } = await octokit.rest.repos.getBranch({
        owner: "acme",
        repo: "town",
        branch: "feature/app",
      });
      expect(branch.commit.sha).toBe(after);
      expect(branch.commit.commit.message).toBe("Add app");
      const { data: compared } = await octokit.rest.repos.compareCommitsWithBasehead({
        owner: "acme",
        repo: "town",
        basehead: "main...feature/app",
      });
      expect(compared).toMatchObject({ status: "ahead", ahead_by: 1, behind_by: 0, total_commits: 1 });
      expect(compared.files?.map((f) => f.filename)).toEqual(["src/app.ts"]);
      expect(before).toBe(compared.merge_base_commit.sha);
    });

    it("reports each moved ref once, with who pushed it and whether it was forced", async () => {
      const work = join(scratch.path, "town");
      await mustGit(["clone", "-q", sim.cloneUrl(repo, writer), work]);
      const base = await mustGit(["rev-parse", "HEAD"], work);
      const first = await commitIn(work, { "a.txt": "a\n" }, "a");
      await mustGit(["push", "-q", "origin", "HEAD:refs/heads/topic", "HEAD:refs/tags/v1"], work);
      await mustGit(["reset", "-q", "--hard", base], work);
      const rewritten = await commitIn(work, { "b.txt": "b\n" }, "b");
      await mustGit(["push", "-q", "--force", "origin", "HEAD:refs/heads/topic"], work);
      await mustGit(["push", "-q", "origin", ":refs/heads/topic"], work);

      const seen = updates.map((u) => ({
        ref: u.ref,
        before: u.before,
        after: u.after,
        forced: u.forced === true,
      }));
      expect(seen).toEqual(
        expect.arrayContaining([
          { ref: "refs/heads/topic", before: ZERO, after: first, forced: false },
          { ref: "refs/tags/v1", before: ZERO, after: first, forced: false },
        ]),
      );
      expect(seen.slice(2)).toEqual([
        { ref: "refs/heads/topic", before: first, after: rewritten, forced: true },
        { ref: "refs/heads/topic", before: rewritten, after: ZERO, forced: false },
      ]);
      expect(updates.every((u) => u.principal.login === "gastown[bot]" && u.repo === repo)).toBe(true);
    });

    it("fetches what the REST API wrote (one repository behind both)", async () => {
      const work = join(scratch.path, "town");
      await mustGit(["clone", "-q", sim.cloneUrl(repo, writer), work]);
      await octokit.rest.repos.createOrUpdateFileContents({
        owner: "acme",
        repo: "town",
        path: "notes/api.md",
        message: "Written through the API",
        content: Buffer.from("from the api\n").toString("base64"),
      });
      await mustGit(["pull", "-q", "--ff-only"], work);
      expect(await mustGit(["show", "HEAD:notes/api.md"], work)).toBe("from the api");
    });
  });

  describe("when the credentials are wrong", () => {
    it("refuses the push with a Basic challenge and leaves the branch alone", async () => {
      const work = join(scratch.path, "town");
      await mustGit(["clone", "-q", sim.cloneUrl(repo, writer), work]);
      await commitIn(work, { "evil.txt": "x\n" }, "evil");
      const main = await branchSha(octokit, "acme", "town", "main");
      const pushed = await runGit(["push", sim.cloneUrl(repo, "ghs_not_a_real_token"), "HEAD:main"], work);
      expect(pushed.code).not.toBe(0);
      expect(pushed.stderr).toMatch(/Authentication failed|Invalid username or token/);
      expect(await branchSha(octokit, "acme", "town", "main")).toBe(main);
      expect(updates).toEqual([]);

      const answer = await raw(`${sim.url}/acme/town.git/info/refs?service=git-receive-pack`, {
        authorization: basic("ghs_not_a_real_token"),
      });
      expect(answer.status).toBe(401);
      expect(answer.headers["www-authenticate"]).toBe('Basic realm="GitHub"');
    });

    it("asks anonymous pushers for credentials", async () => {
      const answer = await raw(`${sim.url}/acme/town.git/info/refs?service=git-receive-pack`);
      expect(answer.status).toBe(401);
      expect(answer.headers["www-authenticate"]).toBe('Basic realm="GitHub"');
    });
  });

  describe("when the token may only read", () => {
    it("clones but refuses the push with 403", async () => {
      sim.setPermission(repo, "reader", "read");
      const reader = sim.token({ kind: "user", login: "reader" });
      const work = join(scratch.path, "town");
      await mustGit(["clone", "-q", sim.cloneUrl(repo, reader), work]);
      await commitIn(work, { "nope.txt": "x\n" }, "nope");
      const main = await branchSha(octokit, "acme", "town", "main");
      const pushed = await runGit(["push", "origin", "HEAD:main"], work);
      expect(pushed.code).not.toBe(0);
      expect(pushed.stderr).toMatch(/403/);
      expect(await branchSha(octokit, "acme", "town", "main")).toBe(main);

      const answer = await raw(`${sim.url}/acme/town.git/info/refs?service=git-receive-pack`, {
        authorization: basic(reader),
      });
      expect(answer).toMatchObject({ status: 403, body: "Permission to acme/town.git denied to reader.\n" });
    });
  });

  describe("when the repository is private", () => {
    it("clones with a token that can read it", async () => {
      const work = join(scratch.path, "vault");
      await mustGit(["clone", "-q", sim.cloneUrl(secret, writer), work]);
      expect(await mustGit(["log", "--format=%s"], work)).toBe("Initial commit");
    });

    it("hides it from tokens without access and challenges anonymous callers", async () => {
      const stranger = sim.token({ kind: "user", login: "stranger" });
      const work = join(scratch.path, "vault");
      const cloned = await runGit(["clone", "-q", sim.cloneUrl(secret, stranger), work]);
      expect(cloned.code).not.toBe(0);
      const hidden = await raw(`${sim.url}/acme/vault.git/info/refs?service=git-upload-pack`, {
        authorization: basic(stranger),
      });
      expect(hidden).toMatchObject({ status: 404, body: "Repository not found.\n" });
      const anonymous = await raw(`${sim.url}/acme/vault.git/info/refs?service=git-upload-pack`);
      expect(anonymous.status).toBe(401);
    });
  });

  describe("when a fetch request body is gzip-compressed", () => {
    it("inflates it and answers with a pack, as git clients send large fetches", async () => {
      const main = await branchSha(octokit, "acme", "town", "main");
      const want = `want ${main}\n`;
      const pkt = (line: string): string => `${(line.length + 4).toString(16).padStart(4, "0")}${line}`;
      const body = gzipSync(Buffer.from(`${pkt(want)}0000${pkt("done\n")}`));
      const answer = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
        const req = request(
          `${sim.url}/acme/town.git/git-upload-pack`,
          {
            method: "POST",
            headers: {
              authorization: basic(writer),
              "content-type": "application/x-git-upload-pack-request",
              "content-encoding": "gzip",
              "content-length": String(body.length),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
      expect(answer.status).toBe(200);
      expect(answer.body.subarray(0, 8).toString("latin1")).toBe("0008NAK\n");
      expect(answer.body.subarray(8, 12).toString("latin1")).toBe("PACK");
    });
  });

  describe("when the repository is public", () => {
    it("lets anyone clone it without credentials", async () => {
      const work = join(scratch.path, "anon");
      await mustGit(["clone", "-q", `${sim.url}/acme/town.git`, work]);
      expect(await mustGit(["rev-parse", "HEAD"], work)).toBe(
        await branchSha(octokit, "acme", "town", "main"),
      );
    });

    it("refuses the dumb protocol and unknown paths", async () => {
      expect((await raw(`${sim.url}/acme/town.git/info/refs`)).status).toBe(403);
      expect((await raw(`${sim.url}/acme/town.git/HEAD`)).status).toBe(404);
      expect(
        (
          await raw(`${sim.url}/acme/nowhere.git/info/refs?service=git-upload-pack`, {
            authorization: basic(writer),
          })
        ).status,
      ).toBe(404);
    });
  });
});
