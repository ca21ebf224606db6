// How the agent is started: `claude -p --output-format stream-json --verbose` with the job's
// limits, through execa without a shell. The command is configurable (other CLIs that speak the
// same flags and stream can plug in); the runner's own flags come last so a configured command
// cannot override them. The prompt goes on stdin: no argv length limit, not visible in `ps`.
import { fail, GastownError, ok, type Result } from "../model/errors.ts";

export interface AgentCommandInput {
  /** The `agent-command` input: an executable and fixed arguments; default `claude`. */
  command?: string | null;
  model?: string | null;
  maxTurns?: number | null;
  /** The `allowed-tools` input: comma- or newline-separated, `Bash(git commit:*)` kept whole. */
  allowedTools?: string | null;
}

/** What to run: an executable, its arguments, and the prompt to write to its stdin. */
export interface AgentInvocation {
  file: string;
  args: string[];
}

function bad(message: string, hint: string): Result<AgentInvocation> {
  return fail(new GastownError(message, { code: "bad-input", hint }));
}

/**
 * Splits a command line into words the way a shell would for plain words and quotes, without
 * a shell: no variables, globs, pipes or redirections (those characters are refused).
 */
export function splitCommand(text: string): Result<string[]> {
  const words: string[] = [];
  let word = "";
  let quote: '"' | "'" | null = null;
  let started = false;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = null;
      else word += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) words.push(word);
      word = "";
      started = false;
    } else if ("|&;<>()$`\\*?{}".includes(char)) {
      return fail(
        new GastownError(`The agent command may not contain "${char}": it runs without a shell.`, {
          code: "bad-input",
          hint: "Give an executable and plain arguments, like `claude` or `npx @anthropic-ai/claude-code`.",
        }),
      );
    } else {
      word += char;
      started = true;
    }
  }
  if (quote) {
    return fail(
      new GastownError(`The agent command has an unclosed ${quote} quote.`, {
        code: "bad-input",
        hint: "Close the quote, or drop it.",
      }),
    );
  }
  if (started) words.push(word);
  return ok(words);
}

/** `Read, Edit\nBash(git commit:*)` → `["Read", "Edit", "Bash(git commit:*)"]`; commas inside parentheses stay. */
export function parseToolList(text: string): string[] {
  const tools: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(") depth += 1;
    if (char === ")") depth = Math.max(0, depth - 1);
    if ((char === "," || char === "\n") && depth === 0) {
      tools.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  tools.push(current);
  return tools.map((tool) => tool.trim()).filter((tool) => tool !== "" && !tool.startsWith("#"));
}

const MODEL = /^[A-Za-z0-9][A-Za-z0-9._:@/[\]-]{0,127}$/;
export const MAX_TURNS_LIMIT = 1_000;

/** The executable and arguments for the agent, checked. */
export function buildAgentInvocation(input: AgentCommandInput): Result<AgentInvocation> {
  const words = splitCommand(input.command?.trim() || "claude");
  if (!words.ok) return words;
  const [file, ...fixed] = words.value;
  if (!file)
    return bad(
      "The agent command is empty.",
      "Leave `agent-command` unset for `claude`, or name an executable.",
    );
  const args = [...fixed];
  if (input.model != null && input.model.trim() !== "") {
    const model = input.model.trim();
    if (!MODEL.test(model)) {
      return bad(
        `"${model}" is not a model name.`,
        "Give a model id or alias such as `sonnet`, `opus` or `claude-sonnet-4-5`.",
      );
    }
    args.push("--model", model);
  }
  if (input.maxTurns != null) {
    if (!Number.isInteger(input.maxTurns) || input.maxTurns < 1 || input.maxTurns > MAX_TURNS_LIMIT) {
      return bad(
        `max-turns must be a whole number from 1 to ${MAX_TURNS_LIMIT} (got ${input.maxTurns}).`,
        "Set `max-turns` to the most turns one job may take, e.g. 50.",
      );
    }
    args.push("--max-turns", String(input.maxTurns));
  }
  const tools = parseToolList(input.allowedTools ?? "");
  if (tools.length > 0) args.push("--allowedTools", tools.join(","));
  // Last, so nothing configured above can change how the runner reads the agent.
  args.push("-p", "--output-format", "stream-json", "--verbose");
  return ok({ file, args });
}
