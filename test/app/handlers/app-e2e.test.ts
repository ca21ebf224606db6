// The Probot app end to end on the loopback GitHub: the sim signs and delivers real webhooks to
// Probot's node middleware, and the app acts back on the sim with an installation token.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getBead } from "../../../src/github/issues.ts";
import { getHookHolder } from "../../../src/github/refs.ts";
import * as w from "./e2e-world.ts";

let world: w.World;

const startWorld = (files: Record<string, string> = {}) => w.startWorld({ files });
const stopWorld = async (started: w.World | undefined) => started?.stop();
const openIssue = (title: string) => w.openIssue(world, title);
const comment = (login: string, issue: number, body: string, settle = true) =>
  w.comment(world, login, issue, body, settle);
const awaitReplies = (issue: number, count: number) => w.awaitReplies(world, issue, count);
const botReplies = (issue: number) => w.botReplies(world, issue);
const { LONG } = w;

const runs = () => [...world.repo.runs.values()];

describe("the Gas Town app", () => {
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    await stopWorld(world);
  });

  describe("when a writer comments /sling", () => {
    it("reacts, dispatches one run, hooks the bead and replies with the run link", async () => {
      const issue = await openIssue("Fix the parser");
      const id = await comment("alice", issue, "/sling");
      const replies = await awaitReplies(issue, 1);
      const { data: reactions } = await world.town.octokit.rest.reactions.listForIssueComment({
        owner: "acme",
        repo: "rig",
        comment_id: id,
      });
      expect(reactions.map((r) => r.content)).toEqual(["eyes"]);
      expect(runs()).toHaveLength(1);
      const run = runs()[0];
      const bead = await getBead(world.town, issue);
      expect(bead.status).toBe("hooked");
      expect(bead.metadata.run).toBe(run?.id);
      expect(replies).toHaveLength(1);
      expect(replies[0]).toContain(`/actions/runs/${run?.id}`);
    }, 60_000);

    it("changes nothing when the same delivery arrives twice", async () => {
      const issue = await openIssue("Once only");
      await comment("alice", issue, "/sling");
      await awaitReplies(issue, 1);
      const delivery = world.sim.deliveries().find((d) => d.event === "issue_comment");
      if (!delivery) throw new Error("no issue_comment delivery");
      await world.sim.redeliver(delivery.id);
      await world.sim.idle();
      expect(runs()).toHaveLength(1);
      expect(await botReplies(issue)).toHaveLength(1);
    }, 60_000);
  });

  describe("when a reader comments /sling", () => {
    it("refuses politely and changes nothing", async () => {
      const issue = await openIssue("Not yours");
      await comment("rita", issue, "/sling");
      expect(runs()).toHaveLength(0);
      expect((await getHookHolder(world.town, issue)).held).toBe(false);
      const replies = await botReplies(issue);
      expect(replies).toHaveLength(1);
      expect(replies[0]).toContain("Sorry @rita");
      expect(replies[0]).toContain("Nothing was changed");
    }, 60_000);
  });

  describe("when the app's own comment holds a command", () => {
    it("ignores it", async () => {
      const issue = await openIssue("Quiet");
      await world.town.octokit.rest.issues.createComment({
        owner: "acme",
        repo: "rig",
        issue_number: issue,
        body: "/sling",
      });
      await world.sim.idle();
      expect(runs()).toHaveLength(0);
      expect(await botReplies(issue)).toHaveLength(1);
    }, 60_000);
  });

  describe("when a writer adds the gt/sling label", () => {
    it("slings the bead, takes the label off and replies", async () => {
      const issue = await openIssue("Label me");
      await world
        .as("alice")
        .rest.issues.addLabels({ owner: "acme", repo: "rig", issue_number: issue, labels: ["gt/sling"] });
      const replies = await awaitReplies(issue, 1);
      expect(runs()).toHaveLength(1);
      const bead = await getBead(world.town, issue);
      expect(bead.status).toBe("hooked");
      expect(bead.labels).not.toContain("gt/sling");
      expect(replies[0]).toContain("Slung");
    }, 60_000);
  });

  describe("when the slung bead closes", () => {
    it("lands its convoy", async () => {
      const issue = await openIssue("Finish line");
      await comment("alice", issue, "/sling");
      await awaitReplies(issue, 1);
      const bead = await getBead(world.town, issue);
      const convoy = bead.milestone?.number;
      expect(convoy).toBeDefined();
      await world
        .as("alice")
        .rest.issues.update({ owner: "acme", repo: "rig", issue_number: issue, state: "closed" });
      await world.sim.idle();
      const { data } = await world.town.octokit.rest.issues.getMilestone({
        owner: "acme",
        repo: "rig",
        milestone_number: convoy as number,
      });
      expect(data.state).toBe("closed");
    }, 60_000);
  });
});

describe("the Gas Town app with max_polecats 1", () => {
  beforeEach(async () => {
    world = await startWorld({ ".github/gastown.yml": "max_polecats: 1\n" });
  });
  afterEach(async () => {
    await stopWorld(world);
  });

  describe("when a second bead is slung while the first polecat runs", () => {
    it("queues it, and slings it when the first run completes", async () => {
      world.sim.registerWorkflow(world.repo, { path: "polecat.yml", command: LONG });
      const first = await openIssue("First");
      const second = await openIssue("Second");
      await comment("alice", first, "/sling", false);
      await awaitReplies(first, 1);
      await comment("alice", second, "/sling", false);
      const [queued] = await awaitReplies(second, 1);
      expect(queued).toContain("queued");
      expect(runs()).toHaveLength(1);

      await world.sim.killRun(runs()[0]?.id as number);
      const replies = await awaitReplies(second, 2);
      expect(replies[1]).toContain("Slung");
      expect(runs()).toHaveLength(2);
      const bead = await getBead(world.town, second);
      expect(bead.status).toBe("hooked");
      expect(bead.labels).not.toContain("status/queued");
    }, 90_000);
  });
});

describe("the Gas Town app with an invalid config", () => {
  beforeEach(async () => {
    world = await startWorld({ ".github/gastown.yml": "max_polecats: many\n" });
  });
  afterEach(async () => {
    await stopWorld(world);
  });

  it("reports the problem with its location and still answers", async () => {
    const issue = await openIssue("Config check");
    await comment("alice", issue, "/ready");
    const replies = await awaitReplies(issue, 2);
    expect(replies.some((r) => r.includes(".github/gastown.yml") && r.includes("max_polecats"))).toBe(true);
    expect(replies.some((r) => r.includes("ready"))).toBe(true);
  }, 60_000);
});
