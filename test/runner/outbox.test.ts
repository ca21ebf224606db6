import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { unwrap } from "../../src/model/errors.ts";
import {
  appendOutboxEntry,
  createOutboxEntry,
  createOutboxReader,
  formatOutboxLine,
  type OutboxEntry,
  parseOutboxLine,
  parseOutboxText,
} from "../../src/runner/outbox.ts";

const AT = new Date("2026-03-01T12:00:00.000Z");

function entry(input: Parameters<typeof createOutboxEntry>[0], id: string): OutboxEntry {
  return unwrap(createOutboxEntry(input, { now: AT, id }));
}

describe("outbox entries", () => {
  describe("createOutboxEntry", () => {
    it("adds the version, id and time to a valid entry", () => {
      expect(
        entry(
          { kind: "mail", to: "mayor/", subject: "Stuck on CI", body: "The runner is down." },
          "mail-0001",
        ),
      ).toEqual({
        v: 1,
        id: "mail-0001",
        at: "2026-03-01T12:00:00.000Z",
        kind: "mail",
        to: "mayor/",
        subject: "Stuck on CI",
        body: "The runner is down.",
      });
    });

    it("gives each entry a fresh id when none is given", () => {
      const a = unwrap(createOutboxEntry({ kind: "done" }));
      const b = unwrap(createOutboxEntry({ kind: "done" }));
      expect(a.id).toMatch(/^[A-Za-z0-9_-]{12}$/);
      expect(a.id).not.toBe(b.id);
    });

    it("says which field is wrong", () => {
      const result = createOutboxEntry({ kind: "mail", to: "mayor/", subject: "two\nlines", body: "" });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.message).toBe(
          'The mail entry is invalid: "subject" must be one line; "body" must not be empty.',
        );
        expect(result.error.code).toBe("bad-input");
      }
    });
  });

  describe("parseOutboxLine", () => {
    it("reads back what formatOutboxLine wrote", () => {
      const written = entry(
        { kind: "discovered", title: "Flaky test in api", labels: ["flaky"], from: 12 },
        "disc-0001",
      );
      const line = formatOutboxLine(written);
      expect(line.endsWith("\n")).toBe(true);
      expect(parseOutboxLine(line.trimEnd(), 1)).toEqual({ entry: written });
    });

    it.each([
      ["not json", "outbox line 3: not JSON; the line is ignored"],
      ["[1]", "outbox line 3: not a JSON object; the line is ignored"],
      [
        '{"v":1,"kind":"push"}',
        'outbox line 3: unknown kind "push" (expected one of mail, discovered, step-done, escalate, handoff, done); the line is ignored',
      ],
      [
        '{"v":2,"kind":"done"}',
        "outbox line 3: written by a newer gt (format 2, this runner reads 1); upgrade the action",
      ],
      [
        '{"v":1,"id":"abcdef","at":"2026-03-01T12:00:00Z","kind":"step-done"}',
        'outbox line 3: invalid step-done entry: "step" is missing; it is not applied',
      ],
      [
        '{"v":1,"id":"abcdef","at":"2026-03-01T12:00:00Z","kind":"done","push":"origin main"}',
        'outbox line 3: invalid done entry: unknown field "push"; it is not applied',
      ],
      [
        '{"v":1,"id":"abcdef","at":"2026-03-01T12:00:00Z","kind":"escalate","description":"x","severity":"apocalyptic"}',
        'outbox line 3: invalid escalate entry: "severity" expected one of "critical"|"high"|"medium"|"low"; it is not applied',
      ],
    ])("reports %s with its line number", (line, message) => {
      const read = parseOutboxLine(line, 3);
      expect(read).toMatchObject({ problem: { line: 3, message } });
    });
  });

  describe("parseOutboxText", () => {
    it("keeps the valid entries when one line in between is bad", () => {
      const good = [
        entry({ kind: "step-done", step: "build" }, "step-0001"),
        entry({ kind: "done" }, "done-0001"),
      ];
      const text = `${formatOutboxLine(good[0] as OutboxEntry)}garbage\n\n${formatOutboxLine(good[1] as OutboxEntry)}`;
      const { entries, problems } = parseOutboxText(text);
      expect(entries).toEqual(good);
      expect(problems).toEqual([
        { line: 2, message: "outbox line 2: not JSON; the line is ignored", raw: "garbage" },
      ]);
    });
  });
});

describe("createOutboxReader", () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "outbox-"));
    path = join(dir, "outbox.jsonl");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe("when the file does not exist yet", () => {
    it("reads nothing", async () => {
      expect(await createOutboxReader(path).read()).toEqual({ entries: [], problems: [] });
    });
  });

  describe("when the file grows", () => {
    it("returns only the entries appended since the last read", async () => {
      const reader = createOutboxReader(path);
      const first = entry({ kind: "mail", to: "gastown/witness", subject: "hi", body: "hello" }, "mail-0001");
      const second = entry({ kind: "step-done", step: "test" }, "step-0001");
      await appendOutboxEntry(path, first);
      expect((await reader.read()).entries).toEqual([first]);
      expect(await reader.read()).toEqual({ entries: [], problems: [] });
      await appendOutboxEntry(path, second);
      expect((await reader.read()).entries).toEqual([second]);
      expect(reader.offset).toBe(Buffer.byteLength(formatOutboxLine(first) + formatOutboxLine(second)));
    });
  });

  describe("when a line is still being written", () => {
    it("waits for its newline, even in the middle of a multi-byte character", async () => {
      const reader = createOutboxReader(path);
      const line = formatOutboxLine(
        entry({ kind: "handoff", message: "Next: fix the 💥 in parse" }, "hand-0001"),
      );
      const bytes = Buffer.from(line);
      const cut = bytes.indexOf(Buffer.from("💥")) + 2;
      await writeFile(path, bytes.subarray(0, cut));
      expect(await reader.read()).toEqual({ entries: [], problems: [] });
      expect(reader.offset).toBe(0);
      await appendFile(path, bytes.subarray(cut));
      const read = await reader.read();
      expect(read.entries).toHaveLength(1);
      expect(read.entries[0]).toMatchObject({ kind: "handoff", message: "Next: fix the 💥 in parse" });
    });
  });

  describe("when lines are bad or repeated", () => {
    it("reports them with their line numbers across reads and applies the rest", async () => {
      const reader = createOutboxReader(path);
      const done = entry({ kind: "done", summary: "ok" }, "done-0001");
      await writeFile(path, `${formatOutboxLine(done)}{"v":1}\n`);
      const first = await reader.read();
      expect(first.entries).toEqual([done]);
      expect(first.problems.map((p) => p.line)).toEqual([2]);
      await appendFile(path, formatOutboxLine(done));
      const second = await reader.read();
      expect(second.entries).toEqual([]);
      expect(second.problems).toEqual([
        {
          line: 3,
          message: "outbox line 3: entry done-0001 was already read; the repeat is ignored",
          raw: "done-0001",
        },
      ]);
    });
  });

  describe("when something rewrites the file shorter", () => {
    it("reports it and reads only what is appended afterwards", async () => {
      const reader = createOutboxReader(path);
      await appendOutboxEntry(path, entry({ kind: "done" }, "done-0001"));
      await appendOutboxEntry(path, entry({ kind: "done" }, "done-0002"));
      await reader.read();
      await writeFile(path, "");
      const read = await reader.read();
      expect(read.problems[0]?.message).toMatch(/^the outbox shrank from \d+ to 0 bytes/);
      await appendOutboxEntry(path, entry({ kind: "step-done", step: "lint" }, "step-0009"));
      expect((await reader.read()).entries.map((e) => e.id)).toEqual(["step-0009"]);
    });
  });
});
