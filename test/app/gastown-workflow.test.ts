// The app as a workflow (.github/workflows/gastown.yml) as GitHub would read it: the events it
// starts on are the app's (those Actions can trigger on), it never drops one to a concurrency
// group, it asks for least permissions, and it runs the bundled app with an app token.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROUTED_EVENTS } from "../../src/app/index.ts";

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  "working-directory"?: string;
}

interface Workflow {
  on: Record<
    string,
    { types?: string[]; workflows?: string[]; paths?: string[] } | null | Array<{ cron: string }>
  >;
  permissions: Record<string, string>;
  concurrency?: unknown;
  jobs: Record<string, { concurrency?: unknown; "timeout-minutes"?: number; steps: Step[]; if?: string }>;
}

const ROOT = resolve(import.meta.dirname, "../..");
const workflow = parse(await readFile(resolve(ROOT, ".github/workflows/gastown.yml"), "utf8")) as Workflow;
const [job] = Object.values(workflow.jobs);
if (!job) throw new Error("gastown.yml has no job");

/** Webhook events Actions cannot start a workflow on; the hosted app alone receives them. */
const APP_ONLY = ["workflow_job", "installation", "installation_repositories"];
/**
 * Routed actions the workflow does not list: GitHub's merge queue's enqueued/dequeued are not
 * documented for `pull_request_target`, so the Actions runtime reads them on its patrol.
 */
const PATROLLED = ["pull_request.enqueued", "pull_request.dequeued"];
/** How the workflow names the routed events it takes under another trigger. */
const TRIGGER: Record<string, string> = { pull_request: "pull_request_target" };

describe(".github/workflows/gastown.yml", () => {
  it("starts on every routed event Actions can trigger on, with the routed actions", () => {
    for (const routed of ROUTED_EVENTS) {
      const [event = "", action] = routed.split(".");
      if (APP_ONLY.includes(event) || PATROLLED.includes(routed)) continue;
      const trigger = workflow.on[TRIGGER[event] ?? event];
      expect(trigger, `${routed} starts no run`).toBeDefined();
      const types = (trigger as { types?: string[] } | null)?.types;
      if (action && types) expect(types, routed).toContain(action);
    }
  });

  it("patrols on a schedule and by hand", () => {
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/\S+ \S+ \S+ \S+ \S+/) }]);
    expect(workflow.on).toHaveProperty("workflow_dispatch");
  });

  it("has no concurrency group, which would drop pending events", () => {
    expect(workflow.concurrency).toBeUndefined();
    expect(job.concurrency).toBeUndefined();
  });

  it("gives its own token read access to contents only, with a time limit", () => {
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(job["timeout-minutes"]).toBeLessThanOrEqual(15);
  });

  it("mints an app token and runs the bundled app with it, never the workflow token", async () => {
    const mint = job.steps.find((s) => s.uses?.startsWith("actions/create-github-app-token@"));
    expect(mint?.id).toBe("token");
    const checkout = job.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with?.["persist-credentials"]).toBe(false);
    const run = job.steps.find((s) => s.run?.includes("dist/app-actions.js"));
    expect(run?.env?.GASTOWN_TOKEN).toContain("steps.token.outputs.token");
    expect(run?.env?.GASTOWN_APP_LOGIN).toContain("steps.token.outputs.app-slug");
    expect(JSON.stringify(workflow)).not.toContain("secrets.GITHUB_TOKEN");
    const build = await readFile(resolve(ROOT, "scripts/build.ts"), "utf8");
    expect(build).toContain('{ input: "src/app/actions-entry.ts", file: "dist/app-actions.js" }');
  });

  it("skips the town's own comments and labels, but not the closes its merges make", () => {
    expect(job.if).toContain("github.event.sender.type == 'Bot'");
    expect(job.if).toContain("issue_comment");
    expect(job.if).not.toContain("closed");
  });
});
