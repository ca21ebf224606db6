// `gt mq` in-process against the loopback GitHub, on a rig whose CI really runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGt } from "../../src/cli/run.ts";
import { startYard, type Yard } from "../helpers/refinery-yard.ts";
import { startTestSim, type TestSim } from "../helpers/sim.ts";

let sim: TestSim;
let yard: Yard;
let env: Record<string, string>;
const gt = (args: string[]) => runGt(args, { env });

beforeAll(async () => {
  sim = await startTestSim();
  yard = await startYard(sim);
  env = {
    GITHUB_TOKEN: sim.token({ kind: "installation" }),
    GASTOWN_REPO: "acme/rig",
    GITHUB_API_URL: sim.url,
  };
  // The rig's config turns reviews off, as the yard's refinery runs.
  await yard.pushToBase({
    ".github/gastown.yml": "refinery:\n  require_review: false\n  required_checks: [ci/test]\n",
  });
});
afterAll(async () => {
  await yard?.stop();
  await sim?.stop();
});

describe("gt mq", () => {
  it("lists an empty queue", async () => {
    const result = await gt(["mq", "list"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Merge queue into main (batch mode)");
    expect(result.stdout).toContain("nothing queued");
  });

  it("queues a pull request, shows it under test, and lists it as landed once CI passed", async () => {
    const pr = await yard.openPr({ outcome: "pass", marker: "label" });
    const retry = await gt(["mq", "retry", `#${pr.number}`]);
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain(`testing #${pr.number} on `);
    const status = await gt(["mq", "status", String(pr.number)]);
    expect(status.stdout).toBe(`#${pr.number} is being tested\n`);
    await sim.idle();
    const tick = await gt(["mq", "tick"]);
    expect(tick.stdout).toMatch(new RegExp(`#${pr.number} merged in [0-9a-f]{7}`));
    const list = await gt(["mq", "list", "--json"]);
    const view = JSON.parse(list.stdout) as {
      entries: unknown[];
      history: Array<{ pr: number; outcome: string }>;
    };
    expect(view.entries).toEqual([]);
    expect(view.history).toContainEqual(expect.objectContaining({ pr: pr.number, outcome: "merged" }));
  });

  it("takes a pull request out and keeps it out", async () => {
    const pr = await yard.openPr({ outcome: "pass", marker: "label" });
    const removed = await gt(["mq", "remove", String(pr.number)]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`#${pr.number} is out of the queue.`);
    const status = await gt(["mq", "status", String(pr.number)]);
    expect(status.stdout).toMatch(new RegExp(`#${pr.number} left the queue: dequeued by @`));
    const { data } = await yard.dev.rest.issues.listLabelsOnIssue({
      owner: "acme",
      repo: "rig",
      issue_number: pr.number,
    });
    expect(data.map((l) => l.name)).not.toContain("gt/queue");
  });

  it("refuses a priority out of range as a usage error, changing nothing", async () => {
    const result = await gt(["mq", "retry", "1", "--priority", "7"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"7" is not a queue priority.');
  });

  it("says so when there is no such pull request", async () => {
    const result = await gt(["mq", "retry", "999"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("There is no pull request #999.");
  });
});
