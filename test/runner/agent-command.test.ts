import { describe, expect, it } from "vitest";
import { unwrap } from "../../src/model/errors.ts";
import { buildAgentInvocation, parseToolList, splitCommand } from "../../src/runner/agent-command.ts";

describe("buildAgentInvocation", () => {
  describe("with the defaults", () => {
    it("runs claude headless with stream-json", () => {
      expect(unwrap(buildAgentInvocation({}))).toEqual({
        file: "claude",
        args: ["-p", "--output-format", "stream-json", "--verbose"],
      });
    });
  });

  describe("with a model, a turn limit and tools", () => {
    it("passes them before the runner's own flags, which come last", () => {
      const invocation = unwrap(
        buildAgentInvocation({
          command: "npx -y @anthropic-ai/claude-code",
          model: "claude-sonnet-4-5",
          maxTurns: 40,
          allowedTools: "Read, Edit\nBash(git commit:*),Bash(npm run test:*)",
        }),
      );
      expect(invocation).toEqual({
        file: "npx",
        args: [
          "-y",
          "@anthropic-ai/claude-code",
          "--model",
          "claude-sonnet-4-5",
          "--max-turns",
          "40",
          "--allowedTools",
          "Read,Edit,Bash(git commit:*),Bash(npm run test:*)",
          "-p",
          "--output-format",
          "stream-json",
          "--verbose",
        ],
      });
    });
  });

  describe("with bad input", () => {
    it.each([
      [{ maxTurns: 0 }, "max-turns must be a whole number from 1 to 1000 (got 0)."],
      [{ maxTurns: 2.5 }, "max-turns must be a whole number from 1 to 1000 (got 2.5)."],
      [{ model: "sonnet; rm -rf /" }, '"sonnet; rm -rf /" is not a model name.'],
      [{ command: "claude | tee log" }, 'The agent command may not contain "|": it runs without a shell.'],
      [{ command: "claude $HOME" }, 'The agent command may not contain "$": it runs without a shell.'],
      [{ command: "'claude" }, "The agent command has an unclosed ' quote."],
    ])("refuses %j", (input, message) => {
      const result = buildAgentInvocation(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toBe(message);
    });
  });
});

describe("splitCommand", () => {
  it("splits words and keeps quoted spaces", () => {
    expect(unwrap(splitCommand(`node "/opt/my agent/cli.js" --flag ''`))).toEqual([
      "node",
      "/opt/my agent/cli.js",
      "--flag",
      "",
    ]);
    expect(unwrap(splitCommand("   "))).toEqual([]);
  });
});

describe("parseToolList", () => {
  it("splits on commas and newlines outside parentheses and drops comments", () => {
    expect(parseToolList("Read,\n# web tools are off\nBash(git log:*, git diff:*) ,  ,Grep")).toEqual([
      "Read",
      "Bash(git log:*, git diff:*)",
      "Grep",
    ]);
  });
});
