import { existsSync, readFileSync } from "node:fs";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseFileCommand } from "../../src/sim/runner-process.ts";
import { resolveRef } from "../../src/sim/git.ts";
import type { SimRepo } from "../../src/sim/index.ts";
import { type HookReceiver, startHookReceiver } from "../helpers/hook-receiver.ts";
import { startTestSim, type TestSim } from "../helpers/sim.ts";

// The job a workflow runs, committed in the repo: it reads the runner's environment and the
// event file, writes outputs (both syntaxes) and a step summary, and behaves per JOB_MODE.
const JOB = `
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { execFileSync, spawn } from "node:child_process";
const env = process.env;
const out = (k, v) => appendFileSync(env.GITHUB_OUTPUT, k + "=" + v + "\\n");
const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8"));
const mode = env.JOB_MODE ?? "ok";
if (mode === "wait" || mode === "orphan") {
  if (mode === "orphan") {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    console.log("grandchild " + child.pid);
  }
  console.log("ready");
  setInterval(() => {}, 1000);
} else if (mode === "fail") {
  console.error("something broke");
  process.exit(3);
} else if (mode === "push") {
  const git = (...args) => execFileSync("git", args, { stdio: "pipe", env: { ...env, GIT_TERMINAL_PROMPT: "0" } });
  git("-c", "user.name=Job", "-c", "user.email=job@example.com", "commit", "--allow-empty", "-q", "-m", "from the job");
  git("push", "-q", "origin", "HEAD:refs/heads/from-job");
  out("pushed", "yes");
} else {
  out("bead", env.INPUT_BEAD);
  out("polecat", env["INPUT_POLECAT-NAME"]);
  out("event_inputs", JSON.stringify(event.inputs));
  out("event_ref", event.ref);
  out("event_workflow", event.workflow);
  out("event_repository", event.repository.full_name);
  out("event_sender", event.sender.login);
  out("in_workspace", String(process.cwd() === env.GITHUB_WORKSPACE && existsSync("README.md")));
  out("branch", execFileSync("git", ["rev-parse", "--abbrev-ref", "HEAD"], { encoding: "utf8" }).trim());
  out("temp_exists", String(existsSync(env.RUNNER_TEMP)));
  const names = ["CI", "GITHUB_ACTIONS", "GITHUB_REPOSITORY", "GITHUB_REPOSITORY_OWNER", "GITHUB_RUN_ID",
    "GITHUB_RUN_NUMBER", "GITHUB_RUN_ATTEMPT", "GITHUB_JOB", "GITHUB_WORKFLOW", "GITHUB_EVENT_NAME", "GITHUB_REF",
    "GITHUB_SHA", "GITHUB_ACTOR", "GITHUB_SERVER_URL", "GITHUB_API_URL", "RUNNER_OS", "EXTRA"];
  out("env", JSON.stringify(Object.fromEntries(names.map((n) => [n, env[n]]))));
  const res = await fetch(env.GITHUB_API_URL + "/repos/" + env.GITHUB_REPOSITORY, {
    headers: { authorization: "token " + env.GITHUB_TOKEN },
  });
  out("api_status", res.status);
  out("token", env.GITHUB_TOKEN);
  appendFileSync(env.GITHUB_OUTPUT, "notes<<EOF_1\\nline one\\nline two\\nEOF_1\\n");
  appendFileSync(env.GITHUB_STEP_SUMMARY, "### Polecat run\\n\\n- bead " + env.INPUT_BEAD + "\\n");
  console.log("token " + env.GITHUB_TOKEN);
  console.log("::add-mask::hunter2");
  console.log("the password is hunter2");
}
`;

/** Whether a process runs (a zombie awaiting its reaper has died already). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : "";
  return !/^\d+ \(.*\) Z/.test(stat);
}

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const ACTIONS_EVENTS = ["workflow_dispatch", "workflow_run", "workflow_job"];

/** Polls until `check` holds; fails the test after a while with `what`. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe("GitHub Actions on the loopback GitHub", () => {
  let sim: TestSim;
  let repo: SimRepo;
  let receiver: HookReceiver;
  let app: Octokit;
  const owner = "acme";
  const name = "app";

  beforeEach(async () => {
    sim = await startTestSim();
    repo = await sim.createRepo({ owner, name, files: { "README.md": "# app\n", "job.mjs": JOB } });
    receiver = await startHookReceiver();
    sim.addHook(repo, { url: receiver.url, secret: "s", events: ACTIONS_EVENTS });
    app = new Octokit({ baseUrl: sim.url, auth: sim.token({ kind: "installation" }), log: quiet });
  });
  afterEach(async () => {
    await sim.stop();
    await receiver.close();
  });

  const register = (
    path: string,
    mode: string,
    extra: Partial<Parameters<TestSim["registerWorkflow"]>[1]> = {},
  ) =>
    sim.registerWorkflow(repo, {
      path,
      name: `${mode} job`,
      command: ["node", "job.mjs"],
      env: { JOB_MODE: mode },
      ...extra,
    });

  const dispatch = async (workflow_id: string | number, inputs: Record<string, string> = {}) => {
    const { data } = await app.request(
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      {
        owner,
        repo: name,
        workflow_id,
        ref: "main",
        inputs,
        return_run_details: true,
      },
    );
    return data as { workflow_run_id: number; run_url: string; html_url: string };
  };
  const getRun = async (run_id: number) =>
    (await app.rest.actions.getWorkflowRun({ owner, repo: name, run_id })).data;
  const jobsOf = async (run_id: number, filter: "latest" | "all" = "latest") =>
    (await app.rest.actions.listJobsForWorkflowRun({ owner, repo: name, run_id, filter })).data.jobs;

  describe("when a workflow is dispatched", () => {
    it("runs its command in a checkout with the runner's environment, inputs and event file", async () => {
      register("polecat.yml", "ok", { env: { JOB_MODE: "ok", EXTRA: "from the workflow" } });
      const details = await dispatch("polecat.yml", { bead: "42", "polecat-name": "nux" });
      await sim.idle();

      const run = await getRun(details.workflow_run_id);
      expect(run).toMatchObject({
        status: "completed",
        conclusion: "success",
        event: "workflow_dispatch",
        head_branch: "main",
      });
      expect(details.run_url).toBe(run.url);
      expect(details.html_url).toBe(run.html_url);
      const outputs = sim.runOutputs(run.id);
      expect(outputs).toMatchObject({
        bead: "42",
        polecat: "nux",
        event_inputs: JSON.stringify({ bead: "42", "polecat-name": "nux" }),
        event_ref: "refs/heads/main",
        event_workflow: ".github/workflows/polecat.yml",
        event_repository: "acme/app",
        event_sender: "gastown[bot]",
        in_workspace: "true",
        branch: "main",
        temp_exists: "true",
        api_status: "200",
        notes: "line one\nline two",
      });
      expect(JSON.parse(outputs.env ?? "{}")).toEqual({
        CI: "true",
        GITHUB_ACTIONS: "true",
        GITHUB_REPOSITORY: "acme/app",
        GITHUB_REPOSITORY_OWNER: "acme",
        GITHUB_RUN_ID: String(run.id),
        GITHUB_RUN_NUMBER: "1",
        GITHUB_RUN_ATTEMPT: "1",
        GITHUB_JOB: "run",
        GITHUB_WORKFLOW: "ok job",
        GITHUB_EVENT_NAME: "workflow_dispatch",
        GITHUB_REF: "refs/heads/main",
        GITHUB_SHA: await resolveRef(repo.gitDir, "refs/heads/main"),
        GITHUB_ACTOR: "gastown[bot]",
        GITHUB_SERVER_URL: sim.url,
        GITHUB_API_URL: sim.url,
        RUNNER_OS: "Linux",
        EXTRA: "from the workflow",
      });
      expect(sim.runSummary(run.id)).toBe("### Polecat run\n\n- bead 42\n");
    });

    it("masks the job token and ::add-mask:: values in the log, and revokes the token when the job ends", async () => {
      register("polecat.yml", "ok");
      const { workflow_run_id } = await dispatch("polecat.yml", { bead: "7" });
      await sim.idle();

      const log = sim.runLog(workflow_run_id);
      expect(log).toContain("token ***");
      expect(log).toContain("the password is ***");
      expect(log).not.toContain("hunter2");
      const token = sim.runOutputs(workflow_run_id).token ?? "";
      expect(log).not.toContain(token);
      const late = new Octokit({ baseUrl: sim.url, auth: token, log: quiet });
      await expect(late.rest.repos.get({ owner, repo: name })).rejects.toMatchObject({ status: 401 });
    });

    it("emits workflow_dispatch, then the run's and the job's events in GitHub's order", async () => {
      register("polecat.yml", "ok");
      const { workflow_run_id } = await dispatch("polecat.yml", { bead: "1" });
      await sim.idle();

      expect(receiver.names()).toEqual([
        "workflow_dispatch",
        "workflow_run.requested",
        "workflow_job.queued",
        "workflow_run.in_progress",
        "workflow_job.in_progress",
        "workflow_job.completed",
        "workflow_run.completed",
      ]);
      const completed = receiver.received.at(-1)?.payload;
      expect(completed).toMatchObject({
        workflow: { path: ".github/workflows/polecat.yml" },
        workflow_run: { id: workflow_run_id, status: "completed", conclusion: "success" },
      });
      const job = receiver.received.at(-2)?.payload.workflow_job as {
        steps: { name: string; conclusion: string }[];
      };
      expect(job.steps.map((s) => [s.name, s.conclusion])).toEqual([
        ["Set up job", "success"],
        ["Run node job.mjs", "success"],
        ["Complete job", "success"],
      ]);
    });

    it("answers 204 without return_run_details, and finds the workflow by id too", async () => {
      const workflow = register("polecat.yml", "ok");
      const answer = await app.request(
        "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
        {
          owner,
          repo: name,
          workflow_id: workflow.id,
          ref: "refs/heads/main",
        },
      );
      await sim.idle();

      expect(answer.status).toBe(204);
      const runs = await app.rest.actions.listWorkflowRuns({ owner, repo: name, workflow_id: workflow.id });
      expect(runs.data.total_count).toBe(1);
      expect(runs.data.workflow_runs[0]).toMatchObject({ conclusion: "success", workflow_id: workflow.id });
    });

    it("refuses an unknown ref and undeclared inputs with 422, and an unknown workflow with 404", async () => {
      register("polecat.yml", "ok", { inputs: { bead: { required: true } } });
      const post = (workflow_id: string, body: { ref: string; inputs?: Record<string, string> }) =>
        app.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
          owner,
          repo: name,
          workflow_id,
          ...body,
        });

      await expect(post("polecat.yml", { ref: "nope", inputs: { bead: "1" } })).rejects.toMatchObject({
        status: 422,
        response: { data: { message: "No ref found for: nope" } },
      });
      await expect(
        post("polecat.yml", { ref: "main", inputs: { bead: "1", color: "red" } }),
      ).rejects.toMatchObject({
        status: 422,
        response: { data: { message: 'Unexpected inputs provided: ["color"]' } },
      });
      await expect(post("polecat.yml", { ref: "main" })).rejects.toMatchObject({ status: 422 });
      await expect(post("missing.yml", { ref: "main" })).rejects.toMatchObject({ status: 404 });
      expect(repo.runs.size).toBe(0);
    });

    it("concludes failure when the command exits non-zero", async () => {
      register("polecat.yml", "fail");
      const { workflow_run_id } = await dispatch("polecat.yml");
      await sim.idle();

      expect(await getRun(workflow_run_id)).toMatchObject({ status: "completed", conclusion: "failure" });
      expect(sim.runLog(workflow_run_id)).toContain("something broke");
      expect(sim.runLog(workflow_run_id)).toContain("##[error]Process completed with exit code 3.");
    });

    it("pushes from the job through the sim with the job token", async () => {
      register("polecat.yml", "push");
      const { workflow_run_id } = await dispatch("polecat.yml");
      await sim.idle();

      expect(await getRun(workflow_run_id)).toMatchObject({ conclusion: "success" });
      const branch = await app.rest.repos.getBranch({ owner, repo: name, branch: "from-job" });
      expect(branch.data.commit.commit.message).toBe("from the job");
    });
  });

  describe("when a run is killed mid-way", () => {
    it("ends as failed, its process group gone, with completed events of conclusion failure", async () => {
      register("polecat.yml", "orphan");
      const { workflow_run_id } = await dispatch("polecat.yml");
      await until("the job to start", () => sim.runLog(workflow_run_id).includes("ready"));
      const grandchild = Number(/grandchild (\d+)/.exec(sim.runLog(workflow_run_id))?.[1]);

      await sim.killRun(workflow_run_id);
      await sim.idle();

      expect(await getRun(workflow_run_id)).toMatchObject({ status: "completed", conclusion: "failure" });
      expect((await jobsOf(workflow_run_id))[0]).toMatchObject({
        status: "completed",
        conclusion: "failure",
      });
      await until("the job's child process to die", () => !isAlive(grandchild));
      const completed = receiver.received.filter((d) => d.payload.action === "completed");
      expect(
        completed.map((d) => [d.event, (d.payload.workflow_run ?? d.payload.workflow_job) as object]),
      ).toEqual([
        ["workflow_job", expect.objectContaining({ conclusion: "failure" })],
        ["workflow_run", expect.objectContaining({ conclusion: "failure" })],
      ]);
    });
  });

  describe("when a run is cancelled", () => {
    it("answers 202, stops the process and concludes cancelled; a second cancel is a 409", async () => {
      register("polecat.yml", "wait");
      const { workflow_run_id } = await dispatch("polecat.yml");
      await until("the job to start", () => sim.runLog(workflow_run_id).includes("ready"));

      const { status } = await app.rest.actions.cancelWorkflowRun({
        owner,
        repo: name,
        run_id: workflow_run_id,
      });
      await sim.idle();

      expect(status).toBe(202);
      expect(await getRun(workflow_run_id)).toMatchObject({ status: "completed", conclusion: "cancelled" });
      expect((await jobsOf(workflow_run_id))[0]).toMatchObject({ conclusion: "cancelled" });
      expect(sim.runLog(workflow_run_id)).toContain("##[error]The operation was canceled.");
      await expect(
        app.rest.actions.cancelWorkflowRun({ owner, repo: name, run_id: workflow_run_id }),
      ).rejects.toMatchObject({ status: 409 });
    });
  });

  describe("when a run outlives its timeout", () => {
    it("stops it and concludes timed_out, its job cancelled", async () => {
      register("polecat.yml", "wait", { timeoutMinutes: 0.005 });
      const { workflow_run_id } = await dispatch("polecat.yml");
      await sim.idle();

      expect(await getRun(workflow_run_id)).toMatchObject({ conclusion: "timed_out" });
      expect((await jobsOf(workflow_run_id))[0]).toMatchObject({ conclusion: "cancelled" });
      expect(sim.runLog(workflow_run_id)).toContain("exceeded the maximum execution time");
    });
  });

  describe("when a run is re-run", () => {
    it("runs a new attempt of the same run with a new job, keeping the first attempt's job", async () => {
      register("polecat.yml", "ok");
      const { workflow_run_id } = await dispatch("polecat.yml", { bead: "9" });
      await sim.idle();

      const { status } = await app.rest.actions.reRunWorkflow({ owner, repo: name, run_id: workflow_run_id });
      await sim.idle();

      expect(status).toBe(201);
      const run = await getRun(workflow_run_id);
      expect(run).toMatchObject({
        run_attempt: 2,
        conclusion: "success",
        previous_attempt_url: `${run.url}/attempts/1`,
      });
      expect(JSON.parse(sim.runOutputs(workflow_run_id).env ?? "{}")).toMatchObject({
        GITHUB_RUN_ATTEMPT: "2",
      });
      expect(sim.runOutputs(workflow_run_id).bead).toBe("9");
      expect((await jobsOf(workflow_run_id)).map((j) => j.run_attempt)).toEqual([2]);
      expect((await jobsOf(workflow_run_id, "all")).map((j) => j.run_attempt)).toEqual([1, 2]);
    });
  });

  describe("when runs are listed", () => {
    it("filters by event, status, branch and head SHA, newest first", async () => {
      register("ok.yml", "ok");
      register("fail.yml", "fail");
      const first = await dispatch("ok.yml");
      const second = await dispatch("fail.yml");
      await sim.idle();
      const sha = (await resolveRef(repo.gitDir, "refs/heads/main")) ?? "";
      const list = async (query: Record<string, string>) =>
        (
          await app.rest.actions.listWorkflowRunsForRepo({ owner, repo: name, ...query })
        ).data.workflow_runs.map((r) => r.id);

      expect(await list({})).toEqual([second.workflow_run_id, first.workflow_run_id]);
      expect(await list({ status: "success" })).toEqual([first.workflow_run_id]);
      expect(await list({ status: "failure" })).toEqual([second.workflow_run_id]);
      expect(
        await list({ status: "completed", event: "workflow_dispatch", branch: "main", head_sha: sha }),
      ).toHaveLength(2);
      expect(await list({ event: "push" })).toEqual([]);
      expect(await list({ branch: "other" })).toEqual([]);
      const workflows = await app.rest.actions.listRepoWorkflows({ owner, repo: name });
      expect(workflows.data.workflows.map((w) => w.path)).toEqual([
        ".github/workflows/ok.yml",
        ".github/workflows/fail.yml",
      ]);
    });
  });

  describe("when a workflow is disabled", () => {
    it("refuses dispatches with 422 until it is enabled again", async () => {
      const workflow = register("polecat.yml", "ok");
      const toggle = (on: boolean) =>
        on
          ? app.rest.actions.enableWorkflow({ owner, repo: name, workflow_id: workflow.id })
          : app.rest.actions.disableWorkflow({ owner, repo: name, workflow_id: "polecat.yml" });

      expect((await toggle(false)).status).toBe(204);
      expect(
        (await app.rest.actions.getWorkflow({ owner, repo: name, workflow_id: workflow.id })).data.state,
      ).toBe("disabled_manually");
      await expect(dispatch("polecat.yml")).rejects.toMatchObject({ status: 422 });
      expect((await toggle(true)).status).toBe(204);
      const { workflow_run_id } = await dispatch("polecat.yml");
      await sim.idle();
      expect(await getRun(workflow_run_id)).toMatchObject({ conclusion: "success" });
    });
  });

  describe("when a workflow runs on push", () => {
    it("starts for the app's pushes but not for pushes made with a workflow token", async () => {
      sim.registerWorkflow(repo, { path: "on-push.yml", command: ["node", "-e", "0"], on: ["push"] });
      const sha = (await resolveRef(repo.gitDir, "refs/heads/main")) ?? "";
      const workflowKit = new Octokit({
        baseUrl: sim.url,
        auth: sim.token({ kind: "workflow", repos: ["acme/app"], permission: "write" }),
        log: quiet,
      });

      await workflowKit.rest.git.createRef({ owner, repo: name, ref: "refs/heads/by-workflow", sha });
      await sim.idle();
      expect(repo.runs.size).toBe(0);

      await app.rest.git.createRef({ owner, repo: name, ref: "refs/heads/by-app", sha });
      await sim.idle();
      const runs = [...repo.runs.values()];
      expect(runs.map((r) => [r.event, r.head_branch, r.conclusion])).toEqual([
        ["push", "by-app", "success"],
      ]);
    });
  });
});

describe("parseFileCommand", () => {
  it("reads name=value lines and name<<DELIMITER blocks", () => {
    expect(parseFileCommand("a=1\nb=x=y\n\nc<<EOF\nline 1\nline 2\nEOF\nd=\n")).toEqual({
      a: "1",
      b: "x=y",
      c: "line 1\nline 2",
      d: "",
    });
  });

  it("refuses a line of neither form and a block without its delimiter", () => {
    expect(() => parseFileCommand("just text\n")).toThrow("Invalid format 'just text'");
    expect(() => parseFileCommand("a<<EOF\nnever closed\n")).toThrow("Matching delimiter not found 'EOF'");
  });
});
