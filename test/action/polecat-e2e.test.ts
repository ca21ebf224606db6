// The bundled action run as a process with the runner's environment against the loopback
// GitHub: a real checkout, the Claude Code stand-in as the agent, `gt` in outbox mode, a real push.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listComments } from "../../src/github/comments.ts";
import { getBead } from "../../src/github/issues.ts";
import { getHookHolder } from "../../src/github/refs.ts";
import { parseMergeRequestMarker } from "../../src/runner/branch.ts";
import { parseProgressMarker } from "../../src/runner/progress.ts";
import { parseHandoffComment } from "../../src/runner/summary.ts";
import { createBead } from "../../src/town/beads.ts";
import { claimBead, detachHook } from "../../src/town/hooks.ts";
import { loadMolecule, pourMolecule } from "../../src/town/molecule/index.ts";
import { startTown, type TestTown } from "../town/helpers.ts";
import { cookToml } from "../town/molecule-helpers.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const ENTRY = resolve(ROOT, "action/dist/index.js");
const STANDIN = resolve(ROOT, "test/bin/claude");
const API_KEY = "sk-ant-api03-test-key-0123456789abcdef";

const SCENARIO = {
  steps: [
    { say: "I will add the greeting." },
    { write: { path: "greeting.txt", content: "hello from nux\n" } },
    { gt: ["mail", "send", "mayor/", "-s", "Greeting added", "-m", "The greeting file is in place."] },
    { gt: ["done", "-m", "Added greeting.txt."] },
  ],
  result: { text: "Added the greeting." },
};

interface Dispatch {
  bead: number;
  polecat: string;
  attempt: number;
  apiKey?: string;
  /** A built-in stand-in scenario instead of SCENARIO. */
  scenario?: string;
  env?: Record<string, string>;
}

describe("the polecat action", () => {
  let t: TestTown;
  let token: string;
  const scratch = mkdtempSync(join(tmpdir(), "polecat-e2e-"));
  const record = join(scratch, "agent.json");
  beforeAll(async () => {
    await execa(process.execPath, ["scripts/build.ts"], { cwd: ROOT });
    t = await startTown({ name: "polecat-e2e" });
    token = t.sim.token({ kind: "installation" });
    await t.town.octokit.rest.repos.createOrUpdateFileContents({
      owner: "acme",
      repo: "polecat-e2e",
      path: "CLAUDE.md",
      message: "Agent instructions",
      content: Buffer.from("Run `npm test` before every commit.\n").toString("base64"),
      branch: "main",
    });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function dispatch(d: Dispatch): Promise<number> {
    t.sim.registerWorkflow(t.repo, {
      path: "polecat.yml",
      command: [process.execPath, ENTRY],
      env: {
        "INPUT_GITHUB-TOKEN": token,
        "INPUT_ANTHROPIC-API-KEY": d.apiKey ?? "",
        INPUT_BEAD: String(d.bead),
        INPUT_POLECAT: d.polecat,
        INPUT_ATTEMPT: String(d.attempt),
        "INPUT_AGENT-COMMAND": `${process.execPath} ${STANDIN}`,
        "INPUT_MAX-TURNS": "20",
        ...(d.scenario === undefined
          ? { CLAUDE_STANDIN_SCENARIO_JSON: JSON.stringify(SCENARIO) }
          : { CLAUDE_STANDIN_SCENARIO: d.scenario }),
        CLAUDE_STANDIN_RECORD: record,
        ...d.env,
      },
    });
    await t.town.octokit.rest.actions.createWorkflowDispatch({
      owner: "acme",
      repo: "polecat-e2e",
      workflow_id: "polecat.yml",
      ref: "main",
    });
    await t.sim.idle();
    const runs = [...t.repo.runs.values()];
    const run = runs.at(-1);
    if (!run) throw new Error("no run started");
    return run.id;
  }

  /** What the stand-in was started with in the last run: its prompt and environment. */
  function agentRecord(): { env: Record<string, string>; prompt: string } {
    return JSON.parse(readFileSync(record, "utf8")) as { env: Record<string, string>; prompt: string };
  }

  async function hookedBead(title: string, polecat: string, body?: string): Promise<number> {
    const bead = await createBead(t.town, { title, ...(body === undefined ? {} : { body }) });
    const claim = await claimBead(t.town, { bead: bead.number, polecat });
    expect(claim.claimed).toBe(true);
    return bead.number;
  }

  describe("when the bead is hooked to the polecat and the agent finishes", () => {
    it("pushes the branch, opens a PR that closes the bead, sends the mail and reports done", async () => {
      const bead = await hookedBead(
        "Add a greeting",
        "nux",
        "Greet the visitors.\n\n## Acceptance criteria\n\n- greeting.txt says hello",
      );
      const { data: convoy } = await t.town.octokit.rest.issues.createMilestone({
        owner: "acme",
        repo: "polecat-e2e",
        title: "Friendly repo",
      });
      await t.town.octokit.rest.issues.update({
        owner: "acme",
        repo: "polecat-e2e",
        issue_number: bead,
        milestone: convoy.number,
      });
      const runId = await dispatch({ bead, polecat: "nux", attempt: 1, apiKey: API_KEY });
      const outputs = t.sim.runOutputs(runId);
      expect(outputs).toMatchObject({
        status: "done",
        branch: `polecat/nux/${bead}`,
        "pr-number": expect.stringMatching(/^\d+$/),
        "pr-url": expect.stringContaining("/acme/polecat-e2e/pull/"),
        turns: "4",
        "cost-usd": expect.stringMatching(/^0\.\d+$/),
        "duration-s": expect.stringMatching(/^\d+$/),
      });

      const { data: pr } = await t.town.octokit.rest.pulls.get({
        owner: "acme",
        repo: "polecat-e2e",
        pull_number: Number(outputs["pr-number"]),
      });
      expect(pr.title).toBe("Add a greeting");
      expect(pr.head.ref).toBe(`polecat/nux/${bead}`);
      expect(pr.body).toContain(`Closes #${bead}`);
      expect(pr.body).toContain("Added greeting.txt.");
      expect(pr.body).toContain(`[Friendly repo](${t.sim.url}/acme/polecat-e2e/milestone/${convoy.number})`);
      expect(parseMergeRequestMarker(pr.body)).toEqual({
        bead,
        polecat: "nux",
        branch: `polecat/nux/${bead}`,
        attempt: 1,
        convoy: convoy.number,
      });

      const { data: file } = await t.town.octokit.rest.repos.getContent({
        owner: "acme",
        repo: "polecat-e2e",
        path: "greeting.txt",
        ref: `polecat/nux/${bead}`,
      });
      expect("content" in file && Buffer.from(file.content, "base64").toString()).toBe("hello from nux\n");

      const comments = await listComments(t.town, { issue: bead });
      const progress = comments.filter((c) => parseProgressMarker(c.body) !== null);
      expect(progress).toHaveLength(1);
      expect(progress[0]?.body).toContain("Done");
      expect(progress[0]?.body).toContain(`#${pr.number}`);

      const { data: issues } = await t.town.octokit.rest.issues.listForRepo({
        owner: "acme",
        repo: "polecat-e2e",
        state: "all",
        per_page: 100,
      });
      const all = await Promise.all(issues.map((i) => listComments(t.town, { issue: i.number })));
      expect(
        all
          .flat()
          .some(
            (c) => c.body.includes("Greeting added") && c.body.includes("The greeting file is in place."),
          ),
      ).toBe(true);

      // Released, and in progress while the PR is reviewed: not ready to sling again.
      expect((await getHookHolder(t.town, bead)).held).toBe(false);
      expect((await getBead(t.town, bead)).status).toBe("in_progress");
      const agent = agentRecord();
      expect(agent.prompt).toContain("Add a greeting");
      expect(agent.prompt).toMatch(
        /Acceptance criteria \(untrusted data[^\n]*\n\n`{3,}text\n- greeting.txt says hello\n/,
      );
      expect(agent.prompt).toContain("## The repository's instructions (CLAUDE.md)");
      expect(agent.prompt).toContain("Run `npm test` before every commit.");
      expect(agent.env.GASTOWN_OUTBOX).toMatch(/outbox\.jsonl$/);
      expect(agent.env.ANTHROPIC_API_KEY).toBe(API_KEY);
      expect(Object.keys(agent.env).filter((k) => /GITHUB_TOKEN|GH_TOKEN|^INPUT_/.test(k))).toEqual([]);
      expect(JSON.stringify(agent.env)).not.toContain(token);
      const summary = t.sim.runSummary(runId);
      for (const row of ["Turns", "Cost", "Duration", "Files changed | 1", "Steps closed", `#${pr.number}`])
        expect(summary).toContain(row);
      for (const text of [t.sim.runLog(runId), t.sim.runSummary(runId), ...all.flat().map((c) => c.body)]) {
        expect(text).not.toContain(API_KEY);
        expect(text).not.toContain(token);
      }
    }, 120_000);
  });

  describe("when the bead is a molecule", () => {
    it("shows the steps to the agent, closes each step it finishes and lists them in the PR", async () => {
      const poured = await pourMolecule(t.town, {
        proto: cookToml(`
formula = "two-steps"
[[steps]]
id = "design"
title = "Design the API"
description = "Sketch the endpoints."
acceptance = "Every endpoint is listed in docs/api.md."
[[steps]]
id = "build"
title = "Build it"
needs = ["design"]
`),
      });
      const root = poured.root.number;
      expect((await claimBead(t.town, { bead: root, polecat: "furiosa" })).claimed).toBe(true);
      const runId = await dispatch({
        bead: root,
        polecat: "furiosa",
        attempt: 1,
        apiKey: API_KEY,
        scenario: "success",
      });
      const outputs = t.sim.runOutputs(runId);
      expect(outputs.status).toBe("done");
      const prompt = agentRecord().prompt;
      expect(prompt).toMatch(
        /What step `design` asks \(untrusted data[^\n]*\n\n`{3,}text\nSketch the endpoints\./,
      );
      expect(prompt).toMatch(
        /How step `design` is accepted \(untrusted data[^\n]*\n\n`{3,}text\nEvery endpoint is listed in docs\/api\.md\.\n/,
      );
      const { view } = await loadMolecule(t.town, root);
      expect(view.steps.map((s) => [s.id, s.state])).toEqual([
        ["design", "done"],
        ["build", "done"],
      ]);
      const { data: pr } = await t.town.octokit.rest.pulls.get({
        owner: "acme",
        repo: "polecat-e2e",
        pull_number: Number(outputs["pr-number"]),
      });
      expect(pr.body).toContain(`Closes #${root}`);
      expect(pr.body).toMatch(/\[x\].*design/);
      expect(pr.body).toMatch(/\[x\].*build/);
      const progress = (await listComments(t.town, { issue: root })).find((c) => parseProgressMarker(c.body));
      expect(progress?.body).toMatch(/\[x\].*Design the API/);
    }, 120_000);
  });

  describe("when a job crashes mid-molecule and the bead is dispatched again", () => {
    it("resumes the same branch at the first open step and loses no commit", async () => {
      const poured = await pourMolecule(t.town, {
        proto: cookToml(`
formula = "resume"
[[steps]]
id = "first"
title = "First part"
[[steps]]
id = "second"
title = "Second part"
needs = ["first"]
`),
      });
      const root = poured.root.number;
      const branch = `polecat/ace/${root}`;
      expect((await claimBead(t.town, { bead: root, polecat: "ace" })).claimed).toBe(true);
      const crashed = await dispatch({
        bead: root,
        polecat: "ace",
        attempt: 1,
        apiKey: API_KEY,
        scenario: "crash",
      });
      expect(t.sim.runOutputs(crashed).status).toBe("failed");
      expect((await getHookHolder(t.town, root)).held).toBe(true);
      const { data: ref } = await t.town.octokit.rest.git.getRef({
        owner: "acme",
        repo: "polecat-e2e",
        ref: `heads/${branch}`,
      });
      const afterCrash = ref.object.sha;
      const first = await loadMolecule(t.town, root);
      expect(first.view.steps.map((s) => s.state)).toEqual(["done", "current"]);

      const resumed = await dispatch({
        bead: root,
        polecat: "ace",
        attempt: 1,
        apiKey: API_KEY,
        scenario: "success",
      });
      expect(t.sim.runOutputs(resumed).status).toBe("done");
      // The fresh job was told where the molecule stands: first closed, second current.
      const prompt = agentRecord().prompt;
      expect(prompt).toContain("- [x] first: First part");
      expect(prompt).toContain("- [ ] second: Second part  ← current step");
      expect(prompt).toContain("Work on step `second` now.");
      const { data: commits } = await t.town.octokit.rest.repos.listCommits({
        owner: "acme",
        repo: "polecat-e2e",
        sha: branch,
        per_page: 100,
      });
      expect(commits.map((c) => c.sha)).toContain(afterCrash);
      expect(commits[0]?.sha).not.toBe(afterCrash);
      const second = await loadMolecule(t.town, root);
      expect(second.view.steps.map((s) => s.state)).toEqual(["done", "done"]);
    }, 120_000);
  });

  describe("when the agent prints a secret", () => {
    it("keeps it out of every comment, bead, the PR, the summary and the log", async () => {
      // No known token shape: only the runner's list of secrets can catch it.
      const key = "plain-anthropic-credential-7f3a9c1e5b";
      const bead = await hookedBead("Leaky work", "dag");
      const runId = await dispatch({
        bead,
        polecat: "dag",
        attempt: 1,
        apiKey: key,
        scenario: "leak",
        env: { CLAUDE_STANDIN_LEAK_VAR: "ANTHROPIC_API_KEY" },
      });
      const outputs = t.sim.runOutputs(runId);
      expect(outputs.status).toBe("done");
      const { data: pr } = await t.town.octokit.rest.pulls.get({
        owner: "acme",
        repo: "polecat-e2e",
        pull_number: Number(outputs["pr-number"]),
      });
      // The secret went down these paths, and came out redacted.
      expect(pr.body).toContain("Finished; the key was [REDACTED]");
      const { data: issues } = await t.town.octokit.rest.issues.listForRepo({
        owner: "acme",
        repo: "polecat-e2e",
        state: "all",
        per_page: 100,
      });
      const comments = (
        await Promise.all(issues.map((i) => listComments(t.town, { issue: i.number })))
      ).flat();
      expect(comments.some((c) => c.body.includes("the key is [REDACTED]"))).toBe(true);
      expect(issues.some((i) => i.title.includes("Rotate the key [REDACTED]"))).toBe(true);
      const texts = [
        pr.body ?? "",
        t.sim.runSummary(runId),
        t.sim.runLog(runId),
        ...issues.flatMap((i) => [i.title, i.body ?? ""]),
        ...comments.map((c) => c.body),
      ];
      for (const text of texts) expect(text).not.toContain(key);
    }, 120_000);
  });

  describe("when the agent runs out of turns", () => {
    it("pushes what it did, writes a handoff comment, keeps the hook and reports handoff", async () => {
      const poured = await pourMolecule(t.town, {
        proto: cookToml(`
formula = "long"
[[steps]]
id = "one"
title = "One"
[[steps]]
id = "two"
title = "Two"
needs = ["one"]
[[steps]]
id = "three"
title = "Three"
needs = ["two"]
`),
      });
      const root = poured.root.number;
      expect((await claimBead(t.town, { bead: root, polecat: "keeper" })).claimed).toBe(true);
      const runId = await dispatch({
        bead: root,
        polecat: "keeper",
        attempt: 1,
        apiKey: API_KEY,
        scenario: "turn-limit",
        env: { "INPUT_MAX-TURNS": "3" },
      });
      expect(t.sim.runOutputs(runId)).toMatchObject({ status: "handoff", "pr-number": "" });
      const handoffs = (await listComments(t.town, { issue: root })).filter((c) =>
        parseHandoffComment(c.body),
      );
      expect(handoffs).toHaveLength(1);
      expect(parseHandoffComment(handoffs[0]?.body ?? "")).toMatchObject({ polecat: "keeper", attempt: 1 });
      expect((await getHookHolder(t.town, root)).held).toBe(true);
      const refs = await t.town.octokit.rest.git.listMatchingRefs({
        owner: "acme",
        repo: "polecat-e2e",
        ref: `heads/polecat/keeper/${root}`,
      });
      expect(refs.data).toHaveLength(1);
      // Three turns: step one's commit made, the step not yet closed.
      expect(handoffs[0]?.body).toContain(`commit \`one: One\` on \`polecat/keeper/${root}\``);
      expect(handoffs[0]?.body).toContain("Continue with step `one` (One), the first open step");

      // A fresh job on the same hook starts from the handoff and finishes the molecule.
      const next = await dispatch({
        bead: root,
        polecat: "keeper",
        attempt: 1,
        apiKey: API_KEY,
        scenario: "success",
      });
      const prompt = agentRecord().prompt;
      expect(prompt).toContain("## Where the last job stopped");
      expect(prompt).toContain("Continue with step `one` (One), the first open step");
      expect(t.sim.runOutputs(next).status).toBe("done");
    }, 120_000);
  });

  describe("when the agent's stream never ends", () => {
    it("stops it at the time limit, hands off with a comment and keeps the hook", async () => {
      const bead = await hookedBead("Hangs forever", "capable");
      const runId = await dispatch({
        bead,
        polecat: "capable",
        attempt: 1,
        apiKey: API_KEY,
        scenario: "hang",
        env: { "INPUT_TIME-LIMIT": "2s" },
      });
      expect(t.sim.runOutputs(runId).status).toBe("handoff");
      expect(t.repo.runs.get(runId)?.conclusion).toBe("success");
      const handoff = (await listComments(t.town, { issue: bead })).find((c) => parseHandoffComment(c.body));
      expect(handoff?.body).toContain("The agent ran for 2 s without finishing (time limit 2 s).");
      expect((await getHookHolder(t.town, bead)).held).toBe(true);
    }, 120_000);
  });

  describe("when the agent tampers with the checkout's git config", () => {
    it("still pushes only to the real origin and opens the PR", async () => {
      const bead = await hookedBead("Sneaky", "rictus");
      const runId = await dispatch({
        bead,
        polecat: "rictus",
        attempt: 1,
        apiKey: API_KEY,
        env: {
          CLAUDE_STANDIN_SCENARIO_JSON: JSON.stringify({
            steps: [
              { bash: "git remote set-url origin http://127.0.0.1:9/elsewhere.git" },
              { bash: "git config credential.helper '!echo password=stolen'" },
              { write: { path: "left-over.txt", content: "not committed by the agent\n" } },
              { gt: ["done", "-m", "Left a file."] },
            ],
          }),
        },
      });
      expect(t.sim.runOutputs(runId).status).toBe("done");
      expect(t.sim.runLog(runId)).toContain("the agent changed .git/config; it was put back");
      const { data: file } = await t.town.octokit.rest.repos.getContent({
        owner: "acme",
        repo: "polecat-e2e",
        path: "left-over.txt",
        ref: `polecat/rictus/${bead}`,
      });
      expect("content" in file && Buffer.from(file.content, "base64").toString()).toBe(
        "not committed by the agent\n",
      );
    }, 120_000);
  });

  describe("when the agent changes nothing", () => {
    it("opens no PR and puts the bead back to ready with a note", async () => {
      const bead = await hookedBead("Nothing to do", "cheedo");
      const runId = await dispatch({
        bead,
        polecat: "cheedo",
        attempt: 1,
        apiKey: API_KEY,
        scenario: "no-changes",
      });
      expect(t.sim.runOutputs(runId)).toMatchObject({ status: "failed", "pr-number": "" });
      expect((await getHookHolder(t.town, bead)).held).toBe(false);
      expect((await getBead(t.town, bead)).status).toBe("open");
      const notes = (await listComments(t.town, { issue: bead })).filter((c) => !parseProgressMarker(c.body));
      expect(notes.map((c) => c.body).join("\n")).toContain("without changing anything");
    }, 120_000);
  });

  describe("when the agent ends with an error", () => {
    it("fails with the agent's own words in the progress comment and keeps the hook for a retry", async () => {
      const bead = await hookedBead("Overloaded", "coma");
      const runId = await dispatch({ bead, polecat: "coma", attempt: 1, apiKey: API_KEY, scenario: "error" });
      expect(t.sim.runOutputs(runId)).toMatchObject({ status: "failed", "pr-number": "" });
      expect(t.repo.runs.get(runId)?.conclusion).toBe("failure");
      const progress = (await listComments(t.town, { issue: bead })).find((c) => parseProgressMarker(c.body));
      expect(progress?.body).toContain(
        "The agent ended with error during execution: API Error: 529 Overloaded",
      );
      expect((await getHookHolder(t.town, bead)).held).toBe(true);
    }, 120_000);
  });

  describe("when there is no API key", () => {
    it("ends failed with a clear progress comment and releases the hook", async () => {
      const bead = await hookedBead("Needs a key", "slit");
      const runId = await dispatch({ bead, polecat: "slit", attempt: 1 });
      expect(t.sim.runOutputs(runId).status).toBe("failed");
      const progress = (await listComments(t.town, { issue: bead })).filter(
        (c) => parseProgressMarker(c.body) !== null,
      );
      expect(progress).toHaveLength(1);
      expect(progress[0]?.body).toContain("No Anthropic credentials");
      expect(t.repo.runs.get(runId)?.conclusion).toBe("failure");
      expect((await getBead(t.town, bead)).status).toBe("open");
    }, 120_000);
  });

  describe("when the dispatch is stale", () => {
    it("refuses without touching the branch or the bead", async () => {
      const bead = await hookedBead("Taken by another", "toast");
      const runId = await dispatch({ bead, polecat: "nux", attempt: 1, apiKey: API_KEY });
      expect(t.sim.runOutputs(runId).status).toBe("failed");
      expect(t.sim.runLog(runId)).toContain(
        `Stale dispatch refused: #${bead} is not hooked to nux attempt 1`,
      );
      expect(await listComments(t.town, { issue: bead })).toEqual([]);
      const refs = await t.town.octokit.rest.git.listMatchingRefs({
        owner: "acme",
        repo: "polecat-e2e",
        ref: `heads/polecat/nux/${bead}`,
      });
      expect(refs.data).toEqual([]);
      const holder = await getHookHolder(t.town, bead);
      expect(holder.held && holder.holder?.polecat).toBe("toast");
    }, 120_000);

    it("leaves an earlier attempt's branch exactly where it was", async () => {
      const bead = await hookedBead("Slung twice", "nux");
      const branch = `polecat/nux/${bead}`;
      // Attempt 1 left work on the branch; the bead was then slung again (attempt 2).
      const { data: main } = await t.town.octokit.rest.git.getRef({
        owner: "acme",
        repo: "polecat-e2e",
        ref: "heads/main",
      });
      const { data: commit } = await t.town.octokit.rest.git.createCommit({
        owner: "acme",
        repo: "polecat-e2e",
        message: "attempt 1's work",
        tree: (
          await t.town.octokit.rest.git.getCommit({
            owner: "acme",
            repo: "polecat-e2e",
            commit_sha: main.object.sha,
          })
        ).data.tree.sha,
        parents: [main.object.sha],
      });
      await t.town.octokit.rest.git.createRef({
        owner: "acme",
        repo: "polecat-e2e",
        ref: `refs/heads/${branch}`,
        sha: commit.sha,
      });
      await detachHook(t.town, { bead });
      expect((await claimBead(t.town, { bead, polecat: "nux" })).claimed).toBe(true);

      const runId = await dispatch({ bead, polecat: "nux", attempt: 1, apiKey: API_KEY });
      expect(t.sim.runOutputs(runId)).toMatchObject({ status: "failed", "pr-number": "" });
      expect(t.sim.runLog(runId)).toContain(
        `Stale dispatch refused: #${bead} is not hooked to nux attempt 1`,
      );
      const { data: after } = await t.town.octokit.rest.git.getRef({
        owner: "acme",
        repo: "polecat-e2e",
        ref: `heads/${branch}`,
      });
      expect(after.object.sha).toBe(commit.sha);
      expect(await listComments(t.town, { issue: bead })).toEqual([]);
      const holder = await getHookHolder(t.town, bead);
      expect(holder.held && holder.holder?.attempt).toBe(2);
    }, 120_000);
  });
});
