// The polecat workflow (.github/workflows/polecat.yml) as GitHub would read it: what it is
// dispatched with, what it may do, how long it may run, and how it runs the action.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { jobPaths } from "../../action/src/setup.ts";
import { ACTION_YML, readActionMetadata } from "../../scripts/action-docs.ts";

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  "timeout-minutes"?: number;
}

interface Workflow {
  on: { workflow_dispatch: { inputs: Record<string, { required?: boolean; default?: string }> } };
  permissions: unknown;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<
    string,
    { permissions: Record<string, string>; "timeout-minutes": number; steps: Step[]; concurrency?: unknown }
  >;
}

const ROOT = resolve(import.meta.dirname, "../..");
const workflow = parse(await readFile(resolve(ROOT, ".github/workflows/polecat.yml"), "utf8")) as Workflow;
const action = readActionMetadata(await readFile(ACTION_YML, "utf8"));
const [job] = Object.values(workflow.jobs);
if (!job) throw new Error("polecat.yml has no job");
const step = (match: (s: Step) => boolean): Step => {
  const found = job.steps.find(match);
  if (!found) throw new Error("step not found");
  return found;
};
const polecatStep = step((s) => s.uses === "./action");

/** Minutes in a `time-limit` such as 60m, 90s or 2h. */
function minutes(limit: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(limit);
  if (!match) throw new Error(`bad time-limit ${limit}`);
  return Number(match[1]) * { s: 1 / 60, m: 1, h: 60 }[(match[2] ?? "m") as "s" | "m" | "h"];
}

describe(".github/workflows/polecat.yml", () => {
  it("is dispatched with the inputs the sling sends, within GitHub's 25", () => {
    const inputs = workflow.on.workflow_dispatch.inputs;
    expect(Object.keys(inputs)).toEqual(["bead", "polecat", "formula", "vars", "attempt"]);
    expect(inputs.bead?.required).toBe(true);
    expect(inputs.polecat?.required).toBe(true);
  });

  it("asks for no permission at the top and only what the runner writes in the job", () => {
    expect(workflow.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: "write", issues: "write", "pull-requests": "write" });
  });

  it("groups runs per bead, never per rig, and never cancels a running polecat", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
    expect(workflow.concurrency.group).toBe("polecat-${{ inputs.bead }}");
    expect(workflow.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("limits the job and the step, the step above the agent's own time limit", () => {
    const jobMinutes = job["timeout-minutes"];
    const stepMinutes = polecatStep["timeout-minutes"] ?? Number.POSITIVE_INFINITY;
    const limit = minutes(String(polecatStep.with?.["time-limit"] ?? action.inputs["time-limit"]?.default));
    expect(jobMinutes).toBeGreaterThan(0);
    expect(stepMinutes).toBeLessThan(jobMinutes);
    // Room to stop the agent, push, open the PR and write the handoff.
    expect(stepMinutes - limit).toBeGreaterThanOrEqual(5);
  });

  it("checks out without leaving credentials in .git/config, on Node 24", () => {
    const checkout = step((s) => s.uses?.startsWith("actions/checkout@") === true);
    expect(checkout.with?.["persist-credentials"]).toBe(false);
    const node = step((s) => s.uses?.startsWith("actions/setup-node@") === true);
    expect(String(node.with?.["node-version"])).toBe("24");
  });

  it("installs Claude Code from the npm registry before the action runs", () => {
    const install = job.steps.findIndex((s) =>
      /npm install -g @anthropic-ai\/claude-code\b/.test(s.run ?? ""),
    );
    expect(install).toBeGreaterThan(-1);
    expect(install).toBeLessThan(job.steps.indexOf(polecatStep));
  });

  it("gives the action only inputs it declares, every required one, and the dispatch's own", () => {
    const given = Object.keys(polecatStep.with ?? {});
    expect(given.filter((name) => !(name in action.inputs))).toEqual([]);
    const required = Object.entries(action.inputs)
      .filter(([, input]) => input.required)
      .map(([name]) => name);
    expect(required.filter((name) => !given.includes(name))).toEqual([]);
    for (const name of ["bead", "polecat", "formula", "vars", "attempt"])
      expect(polecatStep.with?.[name]).toBe(`\${{ inputs.${name} }}`);
  });

  it("uploads the raw stream the runner writes, whatever the job's outcome", () => {
    const upload = step((s) => s.uses?.startsWith("actions/upload-artifact@") === true);
    expect(upload.if).toBe("always()");
    const glob = String(upload.with?.path);
    const temp = "/home/runner/work/_temp";
    const pattern = new RegExp(
      `^${glob
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
        .replace("${{ runner.temp }}", temp)
        .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, "[^/]*")}$`,
    );
    expect(jobPaths({ tempDir: temp, bead: 12, attempt: 2, runKey: 99 }).rawStream).toMatch(pattern);
  });
});
