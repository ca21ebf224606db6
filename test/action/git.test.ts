// The runner's git work against a checkout the agent has had its hands on: hooks, an fsmonitor
// command and a new origin planted in .git must neither run with the runner's environment nor
// redirect the push.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as git from "../../action/src/git.ts";
import { exec } from "../../action/src/runner.ts";
import { withoutSecrets } from "../../src/runner/env.ts";

const TOKEN = "runner-token-0123456789abcdef";
const BRANCH = "polecat/nux/7";

describe("the runner's git", () => {
  let dir: string;
  let ws: string;
  let origin: string;
  let evil: string;
  let marker: string;
  let g: git.GitParams;
  const run = (args: string[], cwd = ws) => execa("git", args, { cwd, env: { LC_ALL: "C" } });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "runner-git-"));
    origin = join(dir, "origin.git");
    evil = join(dir, "evil.git");
    ws = join(dir, "ws");
    marker = join(dir, "ran");
    await run(["init", "--quiet", "--bare", "-b", "main", origin], dir);
    await run(["init", "--quiet", "--bare", "-b", "main", evil], dir);
    await run(["clone", "--quiet", origin, ws], dir);
    await run([
      "-c",
      "user.name=t",
      "-c",
      "user.email=t@t",
      "commit",
      "--quiet",
      "--allow-empty",
      "-m",
      "base",
    ]);
    await run(["push", "--quiet", "origin", "HEAD:refs/heads/main"]);
    g = {
      exec,
      cwd: ws,
      token: TOKEN,
      env: withoutSecrets({ ...process.env, GITHUB_TOKEN: TOKEN, "INPUT_GITHUB-TOKEN": TOKEN }),
    };
    await git.ensureIdentity({ ...g, name: "nux", email: "nux@polecats.invalid" });
    await git.checkoutBranch({ ...g, branch: BRANCH, base: "main" });
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** What an agent could leave behind: hooks and an fsmonitor that print their environment. */
  async function plant(): Promise<void> {
    const script = join(dir, "spy.sh");
    writeFileSync(script, `#!/bin/sh\nenv >> '${marker}'\nexit 0\n`);
    chmodSync(script, 0o755);
    for (const hook of ["post-commit", "pre-push", "pre-commit"]) {
      writeFileSync(join(ws, ".git/hooks", hook), `#!/bin/sh\nexec '${script}'\n`);
      chmodSync(join(ws, ".git/hooks", hook), 0o755);
    }
    await run(["config", "core.fsmonitor", script]);
    await run(["remote", "set-url", "origin", evil]);
    writeFileSync(join(ws, "left.txt"), "uncommitted\n");
  }

  describe("when the agent planted hooks and an fsmonitor", () => {
    it("runs none of them, and commits the leftovers all the same", async () => {
      await plant();
      // The plant works on an ordinary git command…
      await run(["status", "--porcelain"]);
      expect(existsSync(marker)).toBe(true);
      rmSync(marker);
      // …but not on the runner's.
      expect(await git.commitLeftovers({ ...g, message: "leftovers" })).toBe(true);
      expect(await git.isDirty(g)).toBe(false);
      expect(existsSync(marker)).toBe(false);
    });
  });

  describe("when the agent pointed origin elsewhere", () => {
    it("puts .git/config back, so the push goes to the real origin only", async () => {
      const restore = await git.snapshotConfig(g);
      await plant();
      expect(await restore()).toBe(true);
      expect(await restore()).toBe(false);
      await git.commitLeftovers({ ...g, message: "leftovers" });
      await git.pushBranch({ ...g, branch: BRANCH });
      expect(existsSync(marker)).toBe(false);
      const pushed = await run(["ls-remote", "--heads", origin, BRANCH], dir);
      expect(pushed.stdout).toContain(`refs/heads/${BRANCH}`);
      const elsewhere = await run(["ls-remote", "--heads", evil], dir);
      expect(elsewhere.stdout).toBe("");
    });
  });

  describe("the environment its commands run with", () => {
    it("holds none of the runner's secrets", async () => {
      // Whatever git starts (a helper, a hook that slipped through) inherits this environment.
      const seen = await exec("sh", ["-c", "env"], { cwd: ws, env: g.env });
      expect(seen.stdout).not.toContain(TOKEN);
      expect(Object.keys(g.env).filter((k) => /TOKEN|^INPUT_/i.test(k))).toEqual([]);
    });
  });

  describe("when the branch exists on origin", () => {
    it("checks it out with every commit, instead of starting again from the base", async () => {
      writeFileSync(join(ws, "work.txt"), "one\n");
      await git.commitLeftovers({ ...g, message: "first part" });
      await git.pushBranch({ ...g, branch: BRANCH });
      await run(["checkout", "--quiet", "main"]);
      await run(["branch", "--quiet", "-D", BRANCH]);
      const start = await git.checkoutBranch({ ...g, branch: BRANCH, base: "main" });
      expect(start.reused).toBe(true);
      expect(await git.commitSubjects({ ...g, base: "main", max: 10 })).toEqual(["first part"]);
    });
  });
});
