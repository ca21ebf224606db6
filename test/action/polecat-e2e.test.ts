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
import { parseProgressMarker } from "../../src/runner/progress.ts";
import { parseHandoffComment } from "../../src/runner/summary.ts";
import { createBead } from "../../src/town/beads.ts";
import { claimBead } from "../../src/town/hooks.ts";
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

  async function hookedBead(title: string, polecat: string): Promise<number> {
    const bead = await createBead(t.town, { title });
    const claim = await claimBead(t.town, { bead: bead.number, polecat });
    expect(claim.claimed).toBe(true);
    return bead.number;
  }

  describe("when the bead is hooked to the polecat and the agent finishes", () => {
    it("pushes the branch, opens a PR that closes the bead, sends the mail and reports done", async () => {
      const bead = await hookedBead("Add a greeting", "nux");
      const runId = await dispatch({ bead, polecat: "nux", attempt: 1, apiKey: API_KEY });
      const outputs = t.sim.runOutputs(runId);
      expect(outputs).toMatchObject({
        status: "done",
        branch: `polecat/nux/${bead}`,
        "pr-number": expect.stringMatching(/^\d+$/),
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

      expect((await getHookHolder(t.town, bead)).held).toBe(false);
      const agent = JSON.parse(readFileSync(record, "utf8")) as {
        env: Record<string, string>;
        prompt: string;
      };
      expect(agent.prompt).toContain("Add a greeting");
      expect(agent.env.GASTOWN_OUTBOX).toMatch(/outbox\.jsonl$/);
      expect(agent.env.ANTHROPIC_API_KEY).toBe(API_KEY);
      expect(Object.keys(agent.env).filter((k) => /GITHUB_TOKEN|GH_TOKEN|^INPUT_/.test(k))).toEqual([]);
      expect(JSON.stringify(agent.env)).not.toContain(token);
      expect(t.sim.runSummary(runId)).toContain("Done");
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
    it("keeps it out of every comment, the PR and the summary", async () => {
      const bead = await hookedBead("Leaky work", "dag");
      const runId = await dispatch({
        bead,
        polecat: "dag",
        attempt: 1,
        apiKey: API_KEY,
        scenario: "leak",
        env: { CLAUDE_STANDIN_LEAK_VAR: "ANTHROPIC_API_KEY" },
      });
      const outputs = t.sim.runOutputs(runId);
      expect(outputs.status).toBe("done");
      const texts = [
        t.sim.runSummary(runId),
        ...(await listComments(t.town, { issue: bead })).map((c) => c.body),
      ];
      if (outputs["pr-number"]) {
        const { data: pr } = await t.town.octokit.rest.pulls.get({
          owner: "acme",
          repo: "polecat-e2e",
          pull_number: Number(outputs["pr-number"]),
        });
        texts.push(pr.body ?? "");
      }
      expect(texts.length).toBeGreaterThan(1);
      texts.push(t.sim.runLog(runId));
      for (const text of texts) expect(text).not.toContain(API_KEY);
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
  });
});
