import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run.ts";
import { parseOutboxText } from "../../src/runner/outbox.ts";

let dir: string;
let outbox: string;
const now = () => new Date("2026-11-25T12:00:00Z");

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gt-outbox-"));
  outbox = join(dir, "outbox.jsonl");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(name: "gt" | "bd", argv: string[], stdin = "") {
  return runCli(name, argv, {
    env: { GASTOWN_OUTBOX: outbox },
    now,
    readStdin: () => Promise.resolve(stdin),
  });
}

async function entries() {
  const read = parseOutboxText(await readFile(outbox, "utf8"));
  expect(read.problems).toEqual([]);
  return read.entries.map(({ id: _id, ...rest }) => rest);
}

describe("gt and bd in outbox mode", () => {
  describe("when the agent uses each command it may use", () => {
    it("appends one valid entry per command and calls no GitHub", async () => {
      const results = [
        await run("gt", [
          "mail",
          "send",
          "mayor/",
          "-s",
          "Found a flaky test",
          "-m",
          "See ci.yml",
          "--urgent",
          "--bead",
          "7",
        ]),
        await run("gt", ["mail", "send", "--human", "-s", "Question", "--stdin"], "Which API?"),
        await run("bd", [
          "create",
          "Fix",
          "the",
          "parser",
          "--discovered-from",
          "#7",
          "-d",
          "It drops tabs",
          "-t",
          "bug",
          "-p",
          "1",
          "-l",
          "a,b",
        ]),
        await run("gt", ["mol", "step", "done", "implement", "-m", "tests pass"]),
        await run("gt", ["escalate", "Cannot", "reach", "the", "DB", "-s", "high", "-r", "Tried twice"]),
        await run("gt", ["handoff", "-m", "Parser done; next the CLI"]),
        await run("gt", ["done", "-m", "Added the parser"]),
      ];
      for (const result of results) {
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(/^Queued [a-z-]+ [A-Za-z0-9_-]+: the runner applies it\.\n$/);
      }
      const at = "2026-11-25T12:00:00.000Z";
      expect(await entries()).toEqual([
        {
          v: 1,
          at,
          kind: "mail",
          to: "mayor/",
          subject: "Found a flaky test",
          body: "See ci.yml",
          priority: 0,
          bead: 7,
        },
        { v: 1, at, kind: "mail", to: "overseer", subject: "Question", body: "Which API?" },
        {
          v: 1,
          at,
          kind: "discovered",
          title: "Fix the parser",
          body: "It drops tabs",
          type: "bug",
          priority: 1,
          labels: ["a", "b"],
          from: 7,
        },
        { v: 1, at, kind: "step-done", step: "implement", note: "tests pass" },
        {
          v: 1,
          at,
          kind: "escalate",
          description: "Cannot reach the DB",
          severity: "high",
          reason: "Tried twice",
        },
        { v: 1, at, kind: "handoff", message: "Parser done; next the CLI" },
        { v: 1, at, kind: "done", summary: "Added the parser" },
      ]);
    });

    it("prints the entry as JSON with --json", async () => {
      const result = await run("gt", ["done", "--json"]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ v: 1, kind: "done" });
    });
  });

  describe("when the arguments are wrong", () => {
    it("refuses an empty mail body with exit 2 and writes nothing", async () => {
      const result = await run("gt", ["mail", "send", "mayor/", "-s", "Hi"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/error: The mail entry is invalid: "body" must not be empty/);
      await expect(readFile(outbox, "utf8")).rejects.toThrow(/ENOENT/);
    });

    it("refuses an unknown severity and a bad discovered type", async () => {
      const escalate = await run("gt", ["escalate", "stuck", "-s", "urgent"]);
      expect(escalate.code).toBe(2);
      expect(escalate.stderr).toMatch(
        /Unknown severity "urgent"[\s\S]*hint: Use one of: critical, high, medium, low/,
      );
      const create = await run("bd", ["create", "An epic", "--discovered-from", "7", "-t", "epic"]);
      expect(create.code).toBe(2);
      expect(create.stderr).toMatch(/cannot be of type "epic"/);
    });

    it("requires --discovered-from on bd create", async () => {
      const result = await run("bd", ["create", "Something"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--discovered-from/);
    });
  });

  describe("when the agent tries a command that needs GitHub", () => {
    it("answers as an unknown command instead of looking for a token", async () => {
      const result = await run("gt", ["hook", "show", "7"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/unknown command 'hook'/);
    });
  });

  describe("when the outbox cannot be written", () => {
    it("says which file and who sets it", async () => {
      const result = await runCli("gt", ["done"], {
        env: { GASTOWN_OUTBOX: join(dir, "missing", "outbox.jsonl") },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /Could not write to the outbox .*missing.*\nhint: GASTOWN_OUTBOX must name a writable file/,
      );
    });
  });
});
