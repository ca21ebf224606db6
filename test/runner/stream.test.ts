import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createStreamParser,
  parseStreamLine,
  parseTranscript,
  type StreamEvent,
  summarizeToolInput,
} from "../../src/runner/stream.ts";
import { fixture } from "./helpers.ts";

function kinds(events: readonly StreamEvent[]): string[] {
  return events.map((event) => event.kind);
}

/** Parses `text` fed in the given pieces. */
function parseInPieces(pieces: readonly (string | Uint8Array)[]): StreamEvent[] {
  const parser = createStreamParser();
  return [...pieces.flatMap((piece) => parser.push(piece)), ...parser.end()];
}

describe("the stream-json parser", () => {
  describe("when Claude Code is not logged in (the real CLI's output)", () => {
    const events = parseTranscript(fixture("not-logged-in"));

    it("reads the init, the assistant's error text and the result", () => {
      expect(kinds(events)).toEqual(["init", "text", "result"]);
      const init = events[0];
      expect(init?.kind === "init" && init.init).toMatchObject({
        sessionId: "0ce3a931-46e1-420b-8243-6b98dae4d7e9",
        model: "claude-opus-4-8[1m]",
        version: "2.1.197",
        apiKeySource: "none",
      });
      expect(init?.kind === "init" && init.init.tools).toContain("Bash");
      expect(events[1]).toMatchObject({
        kind: "text",
        text: "Not logged in · Please run /login",
        error: "authentication_failed",
      });
    });

    it("does not take subtype success with is_error true for success", () => {
      const result = events[2];
      expect(result?.kind === "result" && result.result).toMatchObject({
        subtype: "success",
        isError: true,
        success: false,
        turns: 1,
        costUsd: 0,
        durationMs: 296,
        text: "Not logged in · Please run /login",
      });
    });
  });

  describe("when a run succeeds with tool calls", () => {
    const events = parseTranscript(fixture("success"));

    it("reports text, tool uses with a one-line summary, tool results and the result", () => {
      expect(kinds(events)[0]).toBe("init");
      expect(kinds(events).at(-1)).toBe("result");
      const tools = events.flatMap((e) => (e.kind === "tool-use" ? [`${e.name}: ${e.summary}`] : []));
      expect(tools).toEqual([
        "Read: /home/runner/work/app/app/src/login.ts",
        "Edit: /home/runner/work/app/app/src/login.ts",
        "Bash: npm test -- login",
        'Bash: git add src/login.ts && git commit -m "Only redirect to local paths after login"',
        'Bash: gt done -m "Redirects after login now stay on this site."',
      ]);
      const results = events.filter((e) => e.kind === "tool-result");
      expect(results).toHaveLength(5);
      expect(results.every((e) => e.kind === "tool-result" && !e.isError)).toBe(true);
      const last = events.at(-1);
      expect(last?.kind === "result" && last.result).toMatchObject({
        subtype: "success",
        success: true,
        turns: 6,
        costUsd: 0.1834,
        durationMs: 48211,
        durationApiMs: 38568,
        errors: [],
        permissionDenials: 0,
      });
    });

    it("keeps the API message id, which several stream lines share", () => {
      const first = events.filter(
        (e) => (e.kind === "text" || e.kind === "tool-use") && e.messageId === "msg_01A",
      );
      expect(kinds(first)).toEqual(["text", "tool-use"]);
    });
  });

  describe("when the run hits its turn limit", () => {
    it("reports error_max_turns as not successful, with no result text", () => {
      const last = parseTranscript(fixture("max-turns")).at(-1);
      expect(last?.kind === "result" && last.result).toMatchObject({
        subtype: "error_max_turns",
        isError: false,
        success: false,
        turns: 3,
        text: null,
      });
    });
  });

  describe("when the run fails during execution", () => {
    it("reports the errors the result carries and the failed tool call", () => {
      const events = parseTranscript(fixture("error-during-execution"));
      expect(events.find((e) => e.kind === "tool-result")).toMatchObject({
        isError: true,
        summary: "<tool_use_error>File does not exist.</tool_use_error>",
      });
      const last = events.at(-1);
      expect(last?.kind === "result" && last.result).toMatchObject({
        subtype: "error_during_execution",
        isError: true,
        errors: ["API Error: 529 Overloaded"],
      });
    });
  });

  describe("when lines that are not JSON come between messages", () => {
    it("reports each as noise with its line number and reads on to the result", () => {
      const events = parseTranscript(fixture("noisy"));
      const noise = events.filter((e) => e.kind === "noise");
      expect(noise).toEqual([
        {
          kind: "noise",
          line: 2,
          text: "(node:2231) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.",
          reason: "not JSON",
        },
        { kind: "noise", line: 5, text: "hook: pre-tool-use ok", reason: "not JSON" },
      ]);
      expect(events.at(-1)?.kind).toBe("result");
    });

    it("reports JSON that is not a message as noise too", () => {
      expect(parseStreamLine('{"hello":1}', 4)).toEqual([
        { kind: "noise", line: 4, text: '{"hello":1}', reason: "JSON without a message type" },
      ]);
      expect(parseStreamLine("[1,2]", 5)[0]).toMatchObject({
        kind: "noise",
        reason: "JSON without a message type",
      });
    });
  });

  describe("when the process dies mid-run", () => {
    it("has no result, and the cut-off last line is noise", () => {
      const parser = createStreamParser();
      const events = [...parser.push(fixture("crash")), ...parser.end()];
      expect(parser.finished).toBe(false);
      expect(parser.result).toBeNull();
      expect(kinds(events)).toEqual(["init", "text", "tool-use", "noise"]);
    });
  });

  describe("when chunks split lines anywhere", () => {
    const text = fixture("success");
    const whole = parseTranscript(text);

    it("gives the same events for every split point of the transcript", () => {
      for (let at = 0; at <= text.length; at += 7) {
        expect(parseInPieces([text.slice(0, at), text.slice(at)])).toEqual(whole);
      }
    });

    it("gives the same events for any chunking of the bytes, multi-byte characters included", () => {
      const bytes = new TextEncoder().encode(text);
      expect(text).toContain("✓");
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 }), (cuts) => {
          const points = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
          const pieces = points.slice(1).map((end, i) => bytes.subarray(points[i], end));
          expect(parseInPieces(pieces)).toEqual(whole);
        }),
        { numRuns: 60 },
      );
    });

    it("accepts CRLF line ends", () => {
      expect(parseTranscript(text.replace(/\n/g, "\r\n"))).toEqual(whole);
    });
  });

  describe("when lines come after the result", () => {
    it("stops at the result and counts what it did not read", () => {
      const parser = createStreamParser();
      const after = `${fixture("noisy")}{"type":"assistant","message":{"content":[{"type":"text","text":"late"}]}}\nnot json\n`;
      const events = [...parser.push(after), ...parser.end()];
      expect(events.at(-1)?.kind).toBe("result");
      expect(events.some((e) => e.kind === "text" && e.text === "late")).toBe(false);
      expect(parser.finished).toBe(true);
      expect(parser.linesAfterResult).toBe(2);
      expect(parser.push('{"type":"result","subtype":"success","is_error":false}\n')).toEqual([]);
    });
  });

  describe("when one line is longer than the limit", () => {
    it("skips that line as noise and reads the lines after it", () => {
      const parser = createStreamParser({ maxLineLength: 100 });
      const long = `{"type":"assistant","text":"${"x".repeat(300)}"}`;
      const events = [
        ...parser.push(long.slice(0, 150)),
        ...parser.push(long.slice(150)),
        ...parser.push('\n{"type":"system","subtype":"init","session_id":"s","model":"m","tools":[]}\n'),
        ...parser.end(),
      ];
      expect(events[0]).toMatchObject({
        kind: "noise",
        line: 1,
        reason: "a line longer than 100 characters, skipped",
      });
      expect(events[1]).toMatchObject({ kind: "init", line: 2 });
      expect(events).toHaveLength(2);
    });
  });

  describe("messages of other types", () => {
    it("reports them as other, without failing", () => {
      expect(parseStreamLine('{"type":"system","subtype":"compact_boundary"}', 9)).toEqual([
        { kind: "other", line: 9, type: "system", subtype: "compact_boundary" },
      ]);
      expect(parseStreamLine('{"type":"stream_event","event":{}}', 3)).toEqual([
        { kind: "other", line: 3, type: "stream_event", subtype: null },
      ]);
    });

    it("marks messages of a sub-agent", () => {
      const line = JSON.stringify({
        type: "assistant",
        message: { id: "m", content: [{ type: "text", text: "inside a Task" }] },
        parent_tool_use_id: "toolu_parent",
      });
      expect(parseStreamLine(line, 1)[0]).toMatchObject({ kind: "text", subagent: true });
    });
  });

  describe("summarizeToolInput", () => {
    it.each([
      ["Bash", { command: "npm test\n  --watch=false", description: "tests" }, "npm test --watch=false"],
      ["Grep", { pattern: "TODO", path: "src" }, "TODO"],
      ["WebFetch", { url: "https://example.com", prompt: "read" }, "https://example.com"],
      ["TodoWrite", { todos: [{}, {}] }, "2 todos"],
      ["mcp__github__create_issue", { title: "A bug", body: "text" }, "A bug"],
      ["Read", "not an object", ""],
    ])("summarizes %s", (name, input, summary) => {
      expect(summarizeToolInput(name, input)).toBe(summary);
    });

    it("strips terminal control sequences and cuts long input", () => {
      const summary = summarizeToolInput("Bash", {
        command: `echo \u001b[31mred\u001b[0m ${"y".repeat(300)}`,
      });
      expect(summary).not.toContain("\u001b");
      expect(summary.startsWith("echo red y")).toBe(true);
      expect(summary).toHaveLength(120);
      expect(summary.endsWith("…")).toBe(true);
    });
  });
});
