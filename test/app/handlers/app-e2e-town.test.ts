// The app end to end on the loopback GitHub, beyond a single sling: concurrency and the polecat
// cap through real signed webhooks, feeding convoys, gates opened by workflow runs, the commands
// that write mail and escalations, and an invalid config reported as a check run.
import { afterEach, describe, expect, it } from "vitest";
import { getBead } from "../../../src/github/issues.ts";
import {
  awaitReplies,
  botReplies,
  closeIssue,
  comment,
  eventually,
  LONG,
  openIssue,
  QUICK,
  startWorld,
  type World,
} from "./e2e-world.ts";

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const runs = (w: World) => [...w.repo.runs.values()];
const OWNER = { owner: "acme", repo: "rig" } as const;

describe("when 20 /sling comments on one bead arrive at once", () => {
  it("dispatches exactly one run and tells the others who holds it", async () => {
    world = await startWorld();
    const w = world;
    const issue = await openIssue(w, "Contested");
    await Promise.all(Array.from({ length: 20 }, () => comment(w, "alice", issue, "/sling", false)));
    const replies = await awaitReplies(w, issue, 20);
    expect(runs(w)).toHaveLength(1);
    expect(replies.filter((r) => r.includes("Slung"))).toHaveLength(1);
    expect(
      replies.filter((r) => r.includes("already on a hook") || r.includes("already claimed")),
    ).toHaveLength(19);
  }, 120_000);
});

describe("with max_polecats 3, when 10 beads are slung", () => {
  it("runs 3, queues 7, and slings the oldest queued one when a run ends", async () => {
    world = await startWorld({ files: { ".github/gastown.yml": "max_polecats: 3\n" }, workflow: LONG });
    const w = world;
    const issues: number[] = [];
    for (let i = 0; i < 10; i++) issues.push(await openIssue(w, `Work ${i}`));
    await Promise.all(issues.map((n) => comment(w, "alice", n, "/sling", false)));
    const first = await Promise.all(issues.map(async (n) => (await awaitReplies(w, n, 1))[0] ?? ""));
    expect(runs(w)).toHaveLength(3);
    expect(first.filter((r) => r.includes("Slung"))).toHaveLength(3);
    const queued = issues.filter((_, i) => first[i]?.includes("queued"));
    expect(queued).toHaveLength(7);

    await w.sim.killRun(runs(w)[0]?.id as number);
    const next = await eventually(async () => {
      const slung = [];
      for (const n of queued) if ((await botReplies(w, n)).some((r) => r.includes("Slung"))) slung.push(n);
      if (slung.length === 0) throw new Error("nothing slung from the queue yet");
      return slung;
    });
    expect(next).toHaveLength(1);
    expect(runs(w).filter((r) => r.status !== "completed")).toHaveLength(3);
  }, 180_000);
});

describe("a feeding convoy", () => {
  it("slings its beads one after another and lands once when the last closes", async () => {
    world = await startWorld();
    const w = world;
    const a = await openIssue(w, "Step A");
    const b = await openIssue(w, "Step B");
    await comment(w, "alice", a, `/convoy create "Ship it" #${a} #${b} --feed`);
    const [created] = await awaitReplies(w, a, 1);
    expect(created).toContain('Convoy "Ship it"');
    expect(created).toContain("feeds itself");
    expect(created).toContain(`Slung #${a}`);
    expect(runs(w)).toHaveLength(1);
    expect((await getBead(w.town, b)).status).toBe("open");

    await closeIssue(w, a);
    const [fed] = await awaitReplies(w, b, 1);
    expect(fed).toContain(`Slung #${b}`);
    expect(runs(w)).toHaveLength(2);

    await closeIssue(w, b);
    const convoy = (await getBead(w.town, b)).milestone?.number as number;
    await eventually(async () => {
      const { data } = await w.town.octokit.rest.issues.getMilestone({ ...OWNER, milestone_number: convoy });
      expect(data.state).toBe("closed");
    });
    const closed = w.sim.deliveries().filter((d) => d.event === "issues" && d.action === "closed");
    for (const delivery of closed) await w.sim.redeliver(delivery.id);
    await w.sim.idle();
    const { data: comments } = await w.town.octokit.rest.issues.listCommentsForRepo({
      ...OWNER,
      per_page: 100,
    });
    expect(comments.filter((c) => c.body?.includes("Convoy landed: Ship it"))).toHaveLength(1);
  }, 120_000);
});

describe("a gate of a poured molecule", () => {
  it("opens when the workflow run it waits for succeeds", async () => {
    world = await startWorld();
    const w = world;
    w.sim.registerWorkflow(w.repo, { path: "release.yml", name: "release", command: QUICK });
    const issue = await openIssue(w, "Release 1.2.3");
    await comment(w, "alice", issue, "/pour release --var version=1.2.3");
    const [poured] = await awaitReplies(w, issue, 1);
    expect(poured).toMatch(/Poured release as molecule #\d+: 6 steps and 1 gate/);
    const { data: gates } = await w.town.octokit.rest.issues.listForRepo({ ...OWNER, labels: "type/gate" });
    expect(gates).toHaveLength(1);
    const gate = gates[0]?.number as number;

    await w
      .as("alice")
      .rest.actions.createWorkflowDispatch({ ...OWNER, workflow_id: "release.yml", ref: "main" });
    await eventually(async () => {
      const { data } = await w.town.octokit.rest.issues.get({ ...OWNER, issue_number: gate });
      expect(data.state).toBe("closed");
    });
    const notes = await botReplies(w, gate);
    expect(notes[0]).toMatch(/^Gate open: \[run \d+\]/);
  }, 120_000);
});

describe("the commands that write to people", () => {
  it("/escalate files an escalation and mails the overseer, @mentioning the humans", async () => {
    world = await startWorld();
    const w = world;
    const issue = await openIssue(w, "Stuck");
    await comment(w, "alice", issue, "/escalate -s high The tests fail on main\nSince this morning.");
    const [reply] = await awaitReplies(w, issue, 1);
    const number = Number(/Escalated as #(\d+) \(high\)/.exec(reply ?? "")?.[1]);
    const { data: escalation } = await w.town.octokit.rest.issues.get({ ...OWNER, issue_number: number });
    expect(escalation.title).toBe("The tests fail on main");
    expect(escalation.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(
      expect.arrayContaining(["type/escalation", "priority/p1"]),
    );
    expect(reply).toContain("@alice was notified");
  }, 60_000);

  it("/mail sends mail to the address's mailbox", async () => {
    world = await startWorld();
    const w = world;
    const issue = await openIssue(w, "Status");
    await comment(w, "alice", issue, '/mail mayor/ "Status?" How is the convoy doing?');
    const [reply] = await awaitReplies(w, issue, 1);
    expect(reply).toContain("Mail sent to `mayor/`");
    const { data: comments } = await w.town.octokit.rest.issues.listCommentsForRepo({
      ...OWNER,
      per_page: 100,
    });
    expect(
      comments.some((c) => c.body?.includes("How is the convoy doing?") && c.body.includes("@alice")),
    ).toBe(true);
  }, 60_000);

  it("an @mention from a writer is passed to the Mayor and answered with the commands", async () => {
    world = await startWorld();
    const w = world;
    const issue = await openIssue(w, "Question");
    await comment(w, "alice", issue, "@gastown can the mayor plan this?");
    const [reply] = await awaitReplies(w, issue, 1);
    expect(reply).toContain("passed your message to the Mayor");
    expect(reply).toContain("/sling");
  }, 60_000);
});

describe("issue events", () => {
  it("a new issue whose body says /sling is slung for its writer author", async () => {
    world = await startWorld();
    const w = world;
    const issue = await openIssue(w, "Do it now", "The parser drops the last line.\n\n/sling\n");
    const [reply] = await awaitReplies(w, issue, 1);
    expect(reply).toContain("Slung");
    expect(runs(w)).toHaveLength(1);
  }, 60_000);

  it("a writer taking status/hooked off releases the bead as /unsling would", async () => {
    world = await startWorld({ workflow: LONG });
    const w = world;
    const issue = await openIssue(w, "Changed my mind");
    await comment(w, "alice", issue, "/sling", false);
    await awaitReplies(w, issue, 1);
    await w.as("alice").rest.issues.removeLabel({ ...OWNER, issue_number: issue, name: "status/hooked" });
    const replies = await awaitReplies(w, issue, 2);
    expect(replies[1]).toContain("released as `/unsling` would");
    await eventually(async () => expect(runs(w)[0]?.conclusion).toBe("cancelled"));
  }, 60_000);
});

describe("an invalid config", () => {
  it("is reported as a failing check with its location, and the fix as a passing one", async () => {
    world = await startWorld({ files: { ".github/gastown.yml": "max_polecats: many\n" } });
    const w = world;
    const issue = await openIssue(w, "Config check");
    await comment(w, "alice", issue, "/ready");
    await awaitReplies(w, issue, 2);
    const head = (await w.town.octokit.rest.repos.getBranch({ ...OWNER, branch: "main" })).data.commit.sha;
    const { data: failing } = await w.town.octokit.rest.checks.listForRef({ ...OWNER, ref: head });
    const check = failing.check_runs.find((run) => run.name === "Gas Town config");
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.summary).toContain(".github/gastown.yml:1:15");

    const { data: file } = await w.town.octokit.rest.repos.getContent({
      ...OWNER,
      path: ".github/gastown.yml",
    });
    const { data: fixed } = await w.as("alice").rest.repos.createOrUpdateFileContents({
      ...OWNER,
      path: ".github/gastown.yml",
      message: "Fix the config",
      content: Buffer.from("max_polecats: 2\n").toString("base64"),
      sha: (file as { sha: string }).sha,
    });
    await eventually(async () => {
      const { data } = await w.town.octokit.rest.checks.listForRef({
        ...OWNER,
        ref: fixed.commit.sha as string,
      });
      expect(data.check_runs.find((run) => run.name === "Gas Town config")?.conclusion).toBe("success");
    });
  }, 60_000);
});
