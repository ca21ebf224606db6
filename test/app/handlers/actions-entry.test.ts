// The app as a workflow: the entry runs as a process with a job's environment, reads the event
// file and acts on the loopback GitHub with the token it was given.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBead, getBead } from "../../../src/github/issues.ts";
import { createOctokit } from "../../../src/github/octokit.ts";
import type { SimRepo } from "../../../src/sim/index.ts";
import { type HookReceiver, startHookReceiver } from "../../helpers/hook-receiver.ts";
import { startTestSim, type TestSim } from "../../helpers/sim.ts";

const run = promisify(execFile);
const ENTRY = join(import.meta.dirname, "../../../src/app/actions-entry.ts");

let sim: TestSim;
let repo: SimRepo;
let receiver: HookReceiver;
let dir: string;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  sim = await startTestSim();
  repo = await sim.createRepo({ owner: "acme", name: "rig" });
  sim.registerWorkflow(repo, { path: "polecat.yml", command: [process.execPath, "-e", "process.exit(0)"] });
  sim.setPermission(repo, "alice", "write");
  receiver = await startHookReceiver();
  sim.addAppHook({ url: receiver.url, secret: "s" });
  dir = await mkdtemp(join(tmpdir(), "gastown-actions-entry-"));
});
afterAll(async () => {
  await receiver?.close();
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  nock.enableNetConnect();
});

describe("the app as a workflow", () => {
  describe("when the job's event is a /sling comment", () => {
    it("slings the bead with the job's token and replies", async () => {
      const alice = createOctokit({
        baseUrl: sim.url,
        auth: sim.token({ kind: "user", login: "alice" }),
        retry: false,
        throttle: false,
      });
      const { data: issue } = await alice.rest.issues.create({
        owner: "acme",
        repo: "rig",
        title: "From a workflow",
      });
      await alice.rest.issues.createComment({
        owner: "acme",
        repo: "rig",
        issue_number: issue.number,
        body: "/sling",
      });
      await sim.idle();
      const delivery = receiver.received.find((d) => d.event === "issue_comment");
      if (!delivery) throw new Error("no issue_comment delivery");
      const eventPath = join(dir, "event.json");
      await writeFile(eventPath, delivery.body);

      const token = sim.token({ kind: "installation" });
      await run(process.execPath, [ENTRY], {
        env: {
          PATH: process.env.PATH ?? "",
          GITHUB_EVENT_NAME: "issue_comment",
          GITHUB_EVENT_PATH: eventPath,
          GITHUB_REPOSITORY: "acme/rig",
          GITHUB_API_URL: sim.url,
          GITHUB_RUN_ID: "77",
          GASTOWN_TOKEN: token,
          GASTOWN_APP_LOGIN: "gastown[bot]",
          LOG_LEVEL: "silent",
        },
      });
      await sim.idle();

      expect([...repo.runs.values()]).toHaveLength(1);
      const town = {
        octokit: createOctokit({ baseUrl: sim.url, auth: token, retry: false, throttle: false }),
        repo: { owner: "acme", repo: "rig" },
      };
      const bead = await getBead(town, issue.number);
      expect(bead.status).toBe("hooked");
      const { data: comments } = await town.octokit.rest.issues.listComments({
        owner: "acme",
        repo: "rig",
        issue_number: issue.number,
        per_page: 100,
      });
      expect(comments.filter((c) => c.user?.login === "gastown[bot]").map((c) => c.body)).toEqual([
        expect.stringContaining("Slung"),
      ]);
    }, 60_000);
  });

  describe("when the job's event is the schedule", () => {
    it("patrols: a timer gate whose time has come opens", async () => {
      const token = sim.token({ kind: "installation" });
      const town = {
        octokit: createOctokit({ baseUrl: sim.url, auth: token, retry: false, throttle: false }),
        repo: { owner: "acme", repo: "rig" },
      };
      const gate = await createBead(town, {
        title: "Gate (timer): cool down",
        type: "gate",
        metadata: { others: { gate: { type: "timer", timeout: "1s" }, gateFor: "cool-down" } },
      });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const eventPath = join(dir, "schedule.json");
      await writeFile(eventPath, JSON.stringify({ schedule: "*/15 * * * *" }));
      await run(process.execPath, [ENTRY], {
        env: {
          PATH: process.env.PATH ?? "",
          GITHUB_EVENT_NAME: "schedule",
          GITHUB_EVENT_PATH: eventPath,
          GITHUB_REPOSITORY: "acme/rig",
          GITHUB_API_URL: sim.url,
          GITHUB_RUN_ID: "78",
          GASTOWN_TOKEN: token,
          LOG_LEVEL: "silent",
        },
      });
      expect((await getBead(town, gate.number)).status).toBe("closed");
    }, 60_000);
  });

  describe("when the environment lacks the token", () => {
    it("fails and says what to set", async () => {
      const failed = await run(process.execPath, [ENTRY], {
        env: { PATH: process.env.PATH ?? "", GITHUB_EVENT_NAME: "issue_comment" },
      }).catch((error: unknown) => error as { code: number; stderr: string });
      expect(failed).toMatchObject({ code: 1 });
      expect((failed as { stderr: string }).stderr).toContain("GASTOWN_TOKEN or GITHUB_TOKEN");
    }, 30_000);
  });
});
