// The polecat's job run in-process against the loopback GitHub, with a real checkout and git, and
// a fake agent the test drives line by line: what the runner does *while* the agent runs.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SpawnAgent } from "../../action/src/agent.ts";
import type { PolecatInputs } from "../../action/src/inputs.ts";
import { runPolecat } from "../../action/src/polecat.ts";
import { exec } from "../../action/src/runner.ts";
import { listComments } from "../../src/github/comments.ts";
import { createBead as createIssueBead, getBead } from "../../src/github/issues.ts";
import { fixUpMetadata } from "../../src/model/fixup.ts";
import { renderPrBody } from "../../src/runner/branch.ts";
import { getHookHolder } from "../../src/github/refs.ts";
import { silentLogger } from "../../src/log.ts";
import { createBead } from "../../src/town/beads.ts";
import { claimBead, detachHook } from "../../src/town/hooks.ts";
import { startTown, type TestTown } from "../town/helpers.ts";
import { fakeAgent, until } from "./fake-agent.ts";

const KEY = "sk-ant-api03-run-test-key-0123456789";

const init = { type: "system", subtype: "init", session_id: "s-1", tools: [], model: "m", cwd: "." };
const say = (id: string, text: string) => ({
  type: "assistant",
  message: { id, type: "message", role: "assistant", content: [{ type: "text", text }] },
  parent_tool_use_id: null,
  session_id: "s-1",
});
const result = {
  type: "result",
  subtype: "success",
  is_error: false,
  num_turns: 2,
  total_cost_usd: 0.02,
  duration_ms: 900,
  result: "Done.",
};
const line = (message: unknown) => `${JSON.stringify(message)}\n`;

describe("the polecat's job, while the agent runs", () => {
  let t: TestTown;
  let token: string;
  const scratch = mkdtempSync(join(tmpdir(), "polecat-run-"));
  beforeAll(async () => {
    t = await startTown({ name: "polecat-run" });
    token = t.sim.token({ kind: "installation" });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A checkout of the repository the way the workflow leaves it: origin without credentials. */
  async function checkout(name: string): Promise<string> {
    const ws = join(scratch, name);
    await execa("git", ["clone", "--quiet", t.sim.cloneUrl(t.repo, token), ws]);
    await execa("git", ["remote", "set-url", "origin", `${t.sim.url}/acme/polecat-run.git`], { cwd: ws });
    return ws;
  }

  function inputs(bead: number, polecat: string, workspace: string): PolecatInputs {
    return {
      githubToken: token,
      anthropicApiKey: KEY,
      claudeCodeOauthToken: "",
      bead,
      polecat,
      formula: "",
      vars: {},
      attempt: 1,
      model: "",
      maxTurns: 20,
      allowedTools: "",
      agentCommand: "claude",
      timeLimitMs: 60_000,
      baseBranch: "",
      repository: "acme/polecat-run",
      apiUrl: t.sim.url,
      serverUrl: t.sim.url,
      runId: bead,
      workspace,
      tempDir: scratch,
    };
  }

  /** Runs the job with `script` as the agent: it gets the fake process and what the runner gave it. */
  function job(
    bead: number,
    polecat: string,
    workspace: string,
    script: (agent: ReturnType<typeof fakeAgent>, given: Parameters<SpawnAgent>[0]) => Promise<void>,
  ) {
    const spawnAgent: SpawnAgent = (given) => {
      const agent = fakeAgent();
      script(agent, given).catch((error: unknown) => {
        agent.stderr.write(`script failed: ${String(error)}\n`);
        agent.process.kill("SIGKILL");
      });
      return agent.process;
    };
    return runPolecat({
      inputs: inputs(bead, polecat, workspace),
      octokit: t.town.octokit,
      exec,
      spawnAgent,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", GITHUB_TOKEN: token },
      cliEntry: { node: process.execPath, script: join(scratch, "no-cli.js") },
      now: () => Date.now(),
      log: silentLogger,
      outboxPollMs: 20,
    });
  }

  async function commit(cwd: string, file: string): Promise<void> {
    writeFileSync(join(cwd, file), `${file}\n`);
    await execa("git", ["add", "-A"], { cwd });
    await execa("git", ["-c", "user.name=a", "-c", "user.email=a@a", "commit", "-q", "-m", `add ${file}`], {
      cwd,
    });
  }

  const outboxEntry = (fields: Record<string, unknown>) =>
    line({
      v: 1,
      id: `e-${Math.random().toString(36).slice(2, 10)}`,
      at: new Date().toISOString(),
      ...fields,
    });

  describe("when the agent sends mail and keeps working", () => {
    it("applies the mail before the agent finishes", async () => {
      const bead = (await createBead(t.town, { title: "Mail while working" })).number;
      expect((await claimBead(t.town, { bead, polecat: "max" })).claimed).toBe(true);
      const ws = await checkout("mail");
      let seenWhileRunning = false;
      let agentWaitedFor = false;
      const running = job(bead, "max", ws, async (agent, given) => {
        agent.stdout.write(line(init));
        const outbox = given.env.GASTOWN_OUTBOX ?? "";
        appendFileSync(
          outbox,
          outboxEntry({ kind: "mail", to: "mayor/", subject: "Halfway", body: "Half of it is done.", bead }),
        );
        agent.stdout.write(line(say("m1", "Sent a note; carrying on.")));
        // The agent is still running: the runner must have posted the mail already.
        await until(() => seenWhileRunning, "the mail is posted while the agent runs");
        agentWaitedFor = true;
        await commit(given.cwd, "work.txt");
        appendFileSync(outbox, outboxEntry({ kind: "done", summary: "Did it." }));
        agent.stdout.write(line(result));
        agent.exit({ exitCode: 0, signal: null, startError: null });
      });
      // Watches the bead from the outside, as a person would.
      for (let i = 0; i < 400 && !seenWhileRunning; i += 1) {
        const comments = await listComments(t.town, { issue: bead });
        seenWhileRunning = comments.some((c) => c.body.includes("Half of it is done."));
        if (!seenWhileRunning) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const outcome = await running;
      expect(agentWaitedFor).toBe(true);
      expect(outcome.status).toBe("done");
    }, 60_000);
  });

  describe("when the hook moves on while the agent runs", () => {
    it("pushes the work but opens no PR and leaves the new holder's hook alone", async () => {
      const bead = (await createBead(t.town, { title: "Reslung meanwhile" })).number;
      expect((await claimBead(t.town, { bead, polecat: "joe" })).claimed).toBe(true);
      const ws = await checkout("moved");
      const outcome = await job(bead, "joe", ws, async (agent, given) => {
        agent.stdout.write(line(init));
        await detachHook(t.town, { bead });
        expect((await claimBead(t.town, { bead, polecat: "ann" })).claimed).toBe(true);
        await commit(given.cwd, "late.txt");
        appendFileSync(given.env.GASTOWN_OUTBOX ?? "", outboxEntry({ kind: "done" }));
        agent.stdout.write(line(result));
        agent.exit({ exitCode: 0, signal: null, startError: null });
      });
      expect(outcome.status).toBe("failed");
      expect(outcome.reasons[0]).toContain("hook moved on while the agent ran");
      expect(outcome.pr).toBeNull();
      const holder = await getHookHolder(t.town, bead);
      expect(holder.held && holder.holder?.polecat).toBe("ann");
      const { data: pulls } = await t.town.octokit.rest.pulls.list({
        owner: "acme",
        repo: "polecat-run",
        state: "all",
      });
      expect(pulls.filter((p) => p.head.ref === `polecat/joe/${bead}`)).toEqual([]);
      const { data: ref } = await t.town.octokit.rest.git.getRef({
        owner: "acme",
        repo: "polecat-run",
        ref: `heads/polecat/joe/${bead}`,
      });
      expect(ref.object.sha).toMatch(/^[0-9a-f]{40}$/);
    }, 60_000);
  });
  describe("when the bead is a refinery fix-up for a polecat's pull request", () => {
    it("works on that pull request's branch, leaves its body alone, and closes the fix-up", async () => {
      const original = (await createBead(t.town, { title: "Feature with a conflict" })).number;
      const branch = `polecat/ace/${original}`;
      const ws0 = await checkout("fixup-seed");
      await execa("git", ["checkout", "-q", "-b", branch], { cwd: ws0 });
      await commit(ws0, "feature.txt");
      await execa("git", ["push", "-q", t.sim.cloneUrl(t.repo, token), `HEAD:refs/heads/${branch}`], {
        cwd: ws0,
      });
      const oldHead = (await execa("git", ["rev-parse", "HEAD"], { cwd: ws0 })).stdout.trim();
      const body = renderPrBody({
        bead: original,
        polecat: "ace",
        branch,
        attempt: 1,
        convoy: null,
        summary: "Feature.",
      });
      const { data: pull } = await t.town.octokit.rest.pulls.create({
        owner: "acme",
        repo: "polecat-run",
        head: branch,
        base: "main",
        title: "Feature with a conflict",
        body,
      });
      const fixUp = await createIssueBead(t.town, {
        title: `resolve conflicts with main in #${pull.number}`,
        body: "Merge main into the PR's branch.",
        metadata: fixUpMetadata({ pr: pull.number, bead: original, branch }),
      });
      expect((await claimBead(t.town, { bead: fixUp.number, polecat: "ace" })).claimed).toBe(true);
      const ws = await checkout("fixup");
      const outcome = await job(fixUp.number, "ace", ws, async (agent, given) => {
        agent.stdout.write(line(init));
        await commit(given.cwd, "fix.txt");
        appendFileSync(
          given.env.GASTOWN_OUTBOX ?? "",
          outboxEntry({ kind: "done", summary: "Merged main." }),
        );
        agent.stdout.write(line(result));
        agent.exit({ exitCode: 0, signal: null, startError: null });
      });
      expect(outcome.status).toBe("done");
      expect(outcome.branch).toBe(branch);
      expect(outcome.pr?.number).toBe(pull.number);
      const { data: after } = await t.town.octokit.rest.pulls.get({
        owner: "acme",
        repo: "polecat-run",
        pull_number: pull.number,
      });
      expect(after.body).toBe(body);
      const { data: head } = await t.town.octokit.rest.git.getCommit({
        owner: "acme",
        repo: "polecat-run",
        commit_sha: after.head.sha,
      });
      expect(head.parents.map((p) => p.sha)).toEqual([oldHead]);
      const comments = await listComments(t.town, { issue: pull.number });
      expect(comments.map((c) => c.body).join("\n")).toContain(
        `pushed a fix for #${fixUp.number} to \`${branch}\``,
      );
      const closed = await getBead(t.town, fixUp.number);
      expect(closed.status).toBe("closed");
      const { data: pulls } = await t.town.octokit.rest.pulls.list({
        owner: "acme",
        repo: "polecat-run",
        state: "all",
      });
      expect(pulls.filter((p) => p.head.ref === `polecat/ace/${fixUp.number}`)).toEqual([]);
    }, 60_000);
  });
});
