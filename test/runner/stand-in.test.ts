// The scripted stand-in for Claude Code (test/bin/claude), run as a process the way the runner
// will run the real CLI: with the agent's environment, the prompt on stdin, `gt` on PATH in
// outbox mode, its stdout read by the stream parser. These tests hold the stand-in to the real
// CLI's shapes, and show the runner's building blocks working together on its output.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { unwrap } from "../../src/model/errors.ts";
import { buildAgentInvocation } from "../../src/runner/agent-command.ts";
import { buildAgentEnv, findSecretVariables } from "../../src/runner/env.ts";
import { createOutboxReader, type OutboxEntry } from "../../src/runner/outbox.ts";
import { buildPrompt, type PromptInput } from "../../src/runner/prompt.ts";
import { EMPTY_PROGRESS_TALLY, renderProgressComment, tallyEvent } from "../../src/runner/progress.ts";
import { decideStatus, type StatusDecision } from "../../src/runner/status.ts";
import { parseTranscript, type StreamEvent } from "../../src/runner/stream.ts";
import { readAgentStream, type StreamReport } from "../../src/runner/stream-watchdog.ts";
import { runGit } from "../helpers/git-cli.ts";
import { fixture, STANDIN } from "./helpers.ts";

// A minimal `gt` in outbox mode for these tests (the real one is the CLI's): it appends the two
// entries the built-in scenarios write.
const FAKE_GT = `#!/usr/bin/env node
const { appendFileSync } = require("node:fs");
const { randomBytes } = require("node:crypto");
const args = process.argv.slice(2);
let entry;
if (args[0] === "mol" && args[1] === "step" && args[2] === "done" && args[3]) entry = { kind: "step-done", step: args[3] };
else if (args[0] === "done") { const i = args.indexOf("-m"); entry = { kind: "done", ...(i >= 0 ? { summary: args[i + 1] } : {}) }; }
else { process.stderr.write("gt: unsupported command " + args.join(" ") + "\\n"); process.exit(2); }
appendFileSync(process.env.GASTOWN_OUTBOX, JSON.stringify({ v: 1, id: randomBytes(9).toString("base64url"), at: new Date().toISOString(), ...entry }) + "\\n");
process.stdout.write("Recorded: " + entry.kind + "\\n");
`;

const STEPS = [
  { id: "design", title: "Design", done: true },
  { id: "implement", title: "Implement the fix", done: false },
  { id: "review", title: "Self-review", done: false },
];

const PROMPT: PromptInput = {
  repo: "acme/app",
  bead: { number: 12, title: "Login redirects to other sites", body: "Fix it." },
  polecat: "rust",
  address: "app/polecats/rust",
  attempt: 1,
  branch: "polecat/rust/12",
  baseBranch: "main",
  molecule: { root: 10, formula: "mol-polecat-work", steps: STEPS },
};

interface Run {
  report: StreamReport;
  events: StreamEvent[];
  exitCode: number | null;
  entries: OutboxEntry[];
  commits: string[];
  hasChanges: boolean;
  decision: StatusDecision;
}

let dir: string;
let work: string;
let outbox: string;
let record: string;
let gtBin: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "stand-in-"));
  work = join(dir, "work");
  gtBin = join(dir, "bin");
  outbox = join(dir, "outbox.jsonl");
  record = join(dir, "record.json");
  await mkdir(work);
  await mkdir(gtBin);
  await writeFile(join(gtBin, "gt"), FAKE_GT);
  await chmod(join(gtBin, "gt"), 0o755);
  await runGit(["init", "-q", "-b", "polecat/rust/12", work]);
  await writeFile(join(work, "README.md"), "# app\n");
  await runGit(["add", "-A"], work);
  await runGit(["commit", "-q", "-m", "base"], work);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function agentEnv(extra: Record<string, string> = {}, withKey = true): Record<string, string> {
  return buildAgentEnv({
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GITHUB_TOKEN: "ghs_thisMustNeverReachTheAgent0123456789",
      "INPUT_GITHUB-TOKEN": "ghs_norThisOne0123456789abcdefghijklmn",
      ...(withKey ? { ANTHROPIC_API_KEY: "sk-ant-api03-test-key-0123456789" } : {}),
      CLAUDE_STANDIN_RECORD: record,
      ...extra,
    },
    gtBinDir: gtBin,
    outboxPath: outbox,
    polecat: "rust",
    address: "app/polecats/rust",
    bead: 12,
    repo: "acme/app",
  }).env;
}

async function runStandIn(options: {
  scenario: string;
  maxTurns?: number;
  idleMs?: number;
  withKey?: boolean;
  extraEnv?: Record<string, string>;
}): Promise<Run> {
  const invocation = unwrap(buildAgentInvocation({ maxTurns: options.maxTurns ?? null }));
  const child = execa(STANDIN, invocation.args, {
    cwd: work,
    env: agentEnv(
      { CLAUDE_STANDIN_SCENARIO: options.scenario, ...options.extraEnv },
      options.withKey ?? true,
    ),
    extendEnv: false,
    input: buildPrompt(PROMPT),
    reject: false,
    buffer: false,
  });
  const events: StreamEvent[] = [];
  const report = await readAgentStream({
    source: child.stdout,
    deadlineMs: 60_000,
    idleMs: options.idleMs ?? 30_000,
    onEvent: (event) => events.push(event),
  });
  if (report.outcome.kind === "timeout") child.kill("SIGKILL");
  const exit = await child;
  const { entries, problems } = await createOutboxReader(outbox).read();
  expect(problems).toEqual([]);
  const log = await runGit(["log", "--format=%s", "polecat/rust/12"], work);
  const commits = log.stdout.trim().split("\n").slice(0, -1);
  const decision = decideStatus({
    result: report.outcome.kind === "result" ? report.outcome.result : null,
    timeout: report.outcome.kind === "timeout" ? report.outcome.expiry : null,
    exitCode: exit.exitCode ?? null,
    signal: exit.signal ?? null,
    entries,
    hasChanges: commits.length > 0,
    maxTurns: options.maxTurns ?? null,
  });
  return {
    report,
    events,
    exitCode: exit.exitCode ?? null,
    entries,
    commits,
    hasChanges: commits.length > 0,
    decision,
  };
}

function keysOf(events: readonly Record<string, unknown>[], type: string): string[] {
  return Object.keys(events.find((e) => e.type === type) ?? {});
}

describe("the Claude Code stand-in", () => {
  describe("in the success scenario", () => {
    it("works through the open steps, reports them through gt, and ends with a result the parser accepts", async () => {
      const run = await runStandIn({ scenario: "success" });
      expect(run.report.noise).toEqual([]);
      expect(run.events[0]?.kind).toBe("init");
      expect(run.events.at(-1)).toMatchObject({
        kind: "result",
        result: { subtype: "success", success: true },
      });
      expect(run.exitCode).toBe(0);
      expect(run.commits).toEqual(["review: Self-review", "implement: Implement the fix"]);
      expect(run.entries.map((e) => (e.kind === "step-done" ? `step ${e.step}` : e.kind))).toEqual([
        "step implement",
        "step review",
        "done",
      ]);
      expect(run.decision.status).toBe("done");
    });

    it("is run with no GitHub token in its environment, and gt on its PATH", async () => {
      await runStandIn({ scenario: "success" });
      const seen = JSON.parse(await readFile(record, "utf8")) as {
        env: Record<string, string>;
        argv: string[];
        prompt: string;
      };
      expect(findSecretVariables(seen.env)).toEqual([]);
      expect(JSON.stringify(seen.env)).not.toContain("ghs_");
      expect(seen.env.ANTHROPIC_API_KEY).toBe("sk-ant-api03-test-key-0123456789");
      expect(seen.env.PATH?.startsWith(gtBin)).toBe(true);
      expect(seen.env.GASTOWN_OUTBOX).toBe(outbox);
      expect(seen.argv).toEqual(["-p", "--output-format", "stream-json", "--verbose"]);
      expect(seen.prompt).toContain("- [ ] implement: Implement the fix  ← current step");
    });

    it("uses only message and field names the real CLI prints", async () => {
      const real = [fixture("not-logged-in"), fixture("success")]
        .join("")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const raw = await execa(STANDIN, ["-p", "--output-format", "stream-json", "--verbose"], {
        cwd: work,
        env: agentEnv({ CLAUDE_STANDIN_SCENARIO: "success" }),
        extendEnv: false,
        input: buildPrompt(PROMPT),
      });
      const mine = raw.stdout.split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const type of ["system", "assistant", "user", "result"]) {
        // `errors` is on the real CLI's error results (anthropics/claude-code#19912).
        const allowed = new Set([...keysOf(real, type), "errors"]);
        expect(keysOf(mine, type).length, type).toBeGreaterThan(0);
        expect(
          keysOf(mine, type).filter((key) => !allowed.has(key)),
          type,
        ).toEqual([]);
      }
    });
  });

  describe("when the turn limit is reached", () => {
    it("ends with error_max_turns, and the runner hands off", async () => {
      const run = await runStandIn({ scenario: "turn-limit", maxTurns: 4 });
      expect(run.events.at(-1)).toMatchObject({
        kind: "result",
        result: { subtype: "error_max_turns", isError: false },
      });
      expect(run.decision).toMatchObject({ status: "handoff", writeHandoff: true, push: true });
    });
  });

  describe("when it crashes mid-molecule", () => {
    it("leaves the first step's commit, no result and a cut line, and the runner reports a failure", async () => {
      const run = await runStandIn({ scenario: "crash" });
      expect(run.report.outcome).toEqual({ kind: "closed" });
      expect(run.report.noise).toHaveLength(1);
      expect(run.exitCode).toBe(1);
      expect(run.commits).toEqual(["implement: Implement the fix"]);
      expect(run.entries.map((e) => e.kind)).toEqual(["step-done"]);
      expect(run.decision).toMatchObject({ status: "failed", push: true, hook: "keep" });
    });
  });

  describe("when nothing needs to change", () => {
    it("succeeds without commits, and the bead goes back to ready", async () => {
      const run = await runStandIn({ scenario: "no-changes" });
      expect(run.commits).toEqual([]);
      expect(run.decision).toMatchObject({ status: "failed", openPr: false, beadBackToReady: true });
    });
  });

  describe("when the run errors", () => {
    it("reports error_during_execution with its cause", async () => {
      const run = await runStandIn({ scenario: "error" });
      expect(run.events.some((e) => e.kind === "tool-result" && e.isError)).toBe(true);
      expect(run.decision.reasons).toEqual([
        "The agent ended with error during execution: API Error: 529 Overloaded",
      ]);
    });
  });

  describe("when it is not logged in", () => {
    it("answers like the real CLI does", async () => {
      const run = await runStandIn({ scenario: "success", withKey: false });
      const real = parseTranscript(fixture("not-logged-in"));
      expect(run.events.map((e) => e.kind)).toEqual(real.map((e) => e.kind));
      expect(run.events[1]).toMatchObject({
        kind: "text",
        text: "Not logged in · Please run /login",
        error: "authentication_failed",
      });
      expect(run.events[2]).toMatchObject({
        kind: "result",
        result: { subtype: "success", isError: true, success: false },
      });
      expect(run.exitCode).toBe(1);
      expect(run.decision.status).toBe("failed");
    });
  });

  describe("when its stream hangs", () => {
    it("is timed out by the watchdog and handed off", async () => {
      const run = await runStandIn({ scenario: "hang", idleMs: 1_500 });
      expect(run.report.outcome).toMatchObject({ kind: "timeout", expiry: { reason: "idle" } });
      expect(run.events.map((e) => e.kind)).toEqual(["init", "text"]);
      expect(run.decision.status).toBe("handoff");
    });
  });

  describe("when other output is mixed into its stream", () => {
    it("has the noise reported and still reaches the result", async () => {
      const run = await runStandIn({ scenario: "noisy" });
      expect(run.report.noise.length).toBeGreaterThan(2);
      expect(run.report.outcome.kind).toBe("result");
      expect(run.decision.status).toBe("done");
    });
  });

  describe("when it prints a secret it was given", () => {
    it("never gets it into the progress comment", async () => {
      const key = "sk-ant-api03-test-key-0123456789";
      const run = await runStandIn({
        scenario: "leak",
        extraEnv: { CLAUDE_STANDIN_LEAK_VAR: "ANTHROPIC_API_KEY" },
      });
      expect(run.events.some((e) => e.kind === "text" && e.text.includes(key))).toBe(true);
      const { secrets } = buildAgentEnv({
        env: { ANTHROPIC_API_KEY: key },
        gtBinDir: gtBin,
        outboxPath: outbox,
        polecat: "rust",
        address: "app/polecats/rust",
        bead: 12,
        repo: "acme/app",
      });
      let tally = EMPTY_PROGRESS_TALLY;
      for (const event of run.events) {
        tally = tallyEvent(tally, event);
        const body = renderProgressComment({
          bead: 12,
          polecat: "rust",
          attempt: 1,
          run: 1,
          phase: "working",
          steps: STEPS,
          activity: tally.activity,
          branch: "polecat/rust/12",
          secrets,
        });
        expect(body).not.toContain(key);
      }
    });
  });

  describe("when it is called the wrong way", () => {
    it("refuses stream-json without --verbose, as the real CLI does", async () => {
      const run = await execa(STANDIN, ["-p", "--output-format", "stream-json"], {
        cwd: work,
        env: agentEnv(),
        extendEnv: false,
        input: "hi",
        reject: false,
      });
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toBe("Error: When using --print, --output-format=stream-json requires --verbose");
    });
  });
});
