// Running the agent: its stream read as it comes, kept redacted line by line, its stderr passed on
// redacted, and the agent's whole process group ended when it is done or hung.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAgent } from "../../action/src/agent.ts";
import { spawnAgent } from "../../action/src/runner.ts";
import type { StreamEvent } from "../../src/runner/stream.ts";
import { fixture } from "../runner/helpers.ts";
import { fakeAgent, until } from "./fake-agent.ts";

const SECRET = "plain-anthropic-key-0123456789";

describe("runAgent", () => {
  let dir: string;
  let raw: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "run-agent-"));
    raw = join(dir, "agent-stream.jsonl");
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const readRaw = () => (existsSync(raw) ? readFileSync(raw, "utf8") : "");
  const base = {
    invocation: { file: "claude", args: ["-p"] },
    cwd: ".",
    env: {},
    prompt: "work",
    limits: { deadlineMs: 60_000, idleMs: 60_000 },
    secrets: [SECRET],
    graceMs: 50,
  };

  describe("when the agent prints a secret, split across chunks", () => {
    it("never writes it to the raw stream file or passes it on from stderr", async () => {
      const agent = fakeAgent();
      const events: StreamEvent[] = [];
      const stderr: string[] = [];
      const running = runAgent({
        ...base,
        spawn: () => agent.process,
        rawStreamPath: raw,
        onEvent: (event) => events.push(event),
        onStderr: (line) => stderr.push(line),
      });
      const [init = "", , ...rest] = fixture("success").split("\n");
      agent.stdout.write(`${init}\n`);
      const text = JSON.stringify({
        type: "assistant",
        message: { id: "msg_1", content: [{ type: "text", text: `my key is ${SECRET}` }] },
        parent_tool_use_id: null,
      });
      const cut = text.indexOf(SECRET) + 5;
      agent.stdout.write(text.slice(0, cut));
      agent.stderr.write(`debug: key=${SECRET.slice(0, 9)}`);
      agent.stdout.write(`${text.slice(cut)}\n`);
      agent.stderr.write(`${SECRET.slice(9)}\n`);
      // Written while the agent still runs: already redacted.
      await until(() => readRaw().includes("my key is"), "the line reaches the file");
      expect(readRaw()).not.toContain(SECRET);
      expect(readRaw()).toContain("my key is [REDACTED]");
      agent.stdout.write(`${rest.join("\n")}\n`);
      agent.exit({ exitCode: 0, signal: null, startError: null });
      const run = await running;
      expect(run.outcome.kind).toBe("result");
      expect(events.some((e) => e.kind === "text" && e.text.includes(SECRET))).toBe(true);
      expect(readRaw()).not.toContain(SECRET);
      expect(stderr).toEqual(["debug: key=[REDACTED]"]);
    });
  });

  describe("when the result comes but the process stays", () => {
    it("stops reading at the result, then ends the agent's group", async () => {
      const agent = fakeAgent();
      const running = runAgent({
        ...base,
        spawn: () => agent.process,
        rawStreamPath: raw,
        onEvent: () => {},
        onStderr: () => {},
      });
      agent.stdout.write(fixture("success"));
      const run = await running;
      expect(run.outcome.kind).toBe("result");
      expect(agent.signals).toEqual(["SIGTERM", "SIGKILL"]);
      expect(run.signal).toBe("SIGTERM");
    });
  });

  describe("when the stream never ends", () => {
    it("times out, ends the agent and reports the watchdog's verdict", async () => {
      const agent = fakeAgent();
      const running = runAgent({
        ...base,
        limits: { deadlineMs: 300, idleMs: 150 },
        spawn: () => agent.process,
        rawStreamPath: raw,
        onEvent: () => {},
        onStderr: () => {},
      });
      agent.stdout.write(`${fixture("success").split("\n")[0]}\n`);
      const run = await running;
      expect(run.outcome).toMatchObject({ kind: "timeout", expiry: { reason: "idle" } });
      expect(agent.signals[0]).toBe("SIGTERM");
    });
  });

  describe("with a real process that leaves a child behind", () => {
    it("ends the child too, so nothing the agent started outlives it", async () => {
      const script = [
        "const { spawn } = require('node:child_process');",
        "const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
        `process.stdout.write(JSON.stringify({ type: 'system', subtype: 'init', session_id: String(child.pid) }) + '\\n');`,
        `process.stdout.write(JSON.stringify({ type: 'result', subtype: 'success', is_error: false, num_turns: 1 }) + '\\n');`,
      ].join("\n");
      let orphan = 0;
      const run = await runAgent({
        ...base,
        invocation: { file: process.execPath, args: ["-e", script] },
        env: { PATH: process.env.PATH ?? "" },
        spawn: spawnAgent,
        rawStreamPath: raw,
        onEvent: (event) => {
          if (event.kind === "init") orphan = Number(event.init.sessionId);
        },
        onStderr: () => {},
      });
      expect(run.outcome.kind).toBe("result");
      expect(orphan).toBeGreaterThan(0);
      await until(() => {
        try {
          process.kill(orphan, 0);
          return false;
        } catch {
          return true;
        }
      }, "the agent's child is gone");
    });
  });

  describe("when the agent command does not exist", () => {
    it("says it could not start, without a stream", async () => {
      const run = await runAgent({
        ...base,
        invocation: { file: join(dir, "no-such-claude"), args: ["-p"] },
        env: { PATH: "" },
        spawn: spawnAgent,
        rawStreamPath: raw,
        onEvent: () => {},
        onStderr: () => {},
      });
      expect(run.outcome.kind).toBe("closed");
      expect(run.startError).toContain("could not start");
    });
  });
});
