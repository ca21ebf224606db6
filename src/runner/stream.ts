// Claude Code's `--output-format stream-json --verbose` output, read as it streams: one JSON
// object per line — a `system`/`init` message first, then `assistant` messages (text, tool use),
// `user` messages (tool results), and a `result` last, with turns, cost and duration.
//
// Chunks from a pipe split lines (and UTF-8 characters) anywhere, so the parser buffers the
// partial tail. A line that is not JSON (a warning a tool printed, a crash trace) is reported as
// noise and reading goes on. Reading stops at the `result`: runs that never close their stream
// are a known hang, so nothing after it is waited for. Success is `is_error == false` with
// subtype `success`; the CLI's own "Not logged in" run reports subtype "success" with
// `is_error: true` (test/fixtures/claude-code/README.md).
import { oneLine } from "./format.ts";

/** The session as the `system`/`init` message describes it. */
export interface AgentInit {
  sessionId: string;
  model: string;
  tools: string[];
  cwd: string | null;
  /** `claude_code_version`. */
  version: string | null;
  permissionMode: string | null;
  /** Where the API key came from (`none` when the CLI found no credentials). */
  apiKeySource: string | null;
}

/** The `result` message: how the run ended and what it cost. */
export interface AgentResult {
  /** `success`, `error_max_turns`, `error_during_execution`, … */
  subtype: string;
  isError: boolean;
  /** True only when `is_error` is false and the subtype is `success`. */
  success: boolean;
  turns: number;
  costUsd: number;
  durationMs: number;
  durationApiMs: number | null;
  sessionId: string | null;
  /** The final text (absent on error subtypes). */
  text: string | null;
  /** The details error subtypes carry in `errors`. */
  errors: string[];
  /** How many tool calls the permission system refused. */
  permissionDenials: number;
}

/** One thing that happened in the stream. `line` is the 1-based line it came from. */
export type StreamEvent =
  | { kind: "init"; line: number; init: AgentInit }
  | {
      kind: "text";
      line: number;
      messageId: string | null;
      text: string;
      /** Set when the CLI marks the message as an error (`authentication_failed`, …). */
      error: string | null;
      /** True inside a sub-agent (a `Task` tool call). */
      subagent: boolean;
    }
  | {
      kind: "tool-use";
      line: number;
      messageId: string | null;
      id: string;
      name: string;
      /** One line saying what the call does: the command, the file, the pattern. */
      summary: string;
      subagent: boolean;
    }
  | {
      kind: "tool-result";
      line: number;
      toolUseId: string;
      isError: boolean;
      summary: string;
      subagent: boolean;
    }
  | { kind: "result"; line: number; result: AgentResult }
  /** A well-formed message of a type this parser does not use (`stream_event`, other `system`s). */
  | { kind: "other"; line: number; type: string; subtype: string | null }
  /** A line that is not a stream-json message; reported, never fatal. */
  | { kind: "noise"; line: number; text: string; reason: string };

type Json = Record<string, unknown>;

const NOISE_SAMPLE_MAX = 200;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** What a tool call does, in one line: `npm test`, `src/app.ts`, `**\/*.md`. */
export function summarizeToolInput(name: string, input: unknown): string {
  if (!isObject(input)) return "";
  const pick = (...keys: string[]) => {
    for (const key of keys) {
      const value = str(input[key]);
      if (value !== null && value.trim() !== "") return oneLine(value);
    }
    return null;
  };
  switch (name) {
    case "Bash":
      return pick("command", "description") ?? "";
    case "Read":
    case "Write":
    case "Edit":
    case "MultiEdit":
      return pick("file_path", "path") ?? "";
    case "NotebookEdit":
      return pick("notebook_path", "file_path") ?? "";
    case "Glob":
    case "Grep":
      return pick("pattern", "path") ?? "";
    case "WebFetch":
      return pick("url") ?? "";
    case "WebSearch":
      return pick("query") ?? "";
    case "Task":
      return pick("description", "subagent_type") ?? "";
    case "TodoWrite": {
      const todos = Array.isArray(input.todos) ? input.todos.length : 0;
      return `${todos} todo${todos === 1 ? "" : "s"}`;
    }
    default:
      // Unknown and MCP tools: the first non-empty string argument says most.
      for (const value of Object.values(input)) {
        if (typeof value === "string" && value.trim() !== "") return oneLine(value);
      }
      return "";
  }
}

function summarizeToolResult(content: unknown): string {
  if (typeof content === "string") return oneLine(content);
  if (Array.isArray(content)) {
    const texts = content.flatMap((part) =>
      isObject(part) && typeof part.text === "string" ? [part.text] : [],
    );
    return oneLine(texts.join(" "));
  }
  return "";
}

function readInit(message: Json): AgentInit {
  const tools = Array.isArray(message.tools)
    ? message.tools.filter((t): t is string => typeof t === "string")
    : [];
  return {
    sessionId: str(message.session_id) ?? "",
    model: str(message.model) ?? "",
    tools,
    cwd: str(message.cwd),
    version: str(message.claude_code_version),
    permissionMode: str(message.permissionMode),
    apiKeySource: str(message.apiKeySource),
  };
}

/** Reads a `result` message. Numbers the CLI left out count as 0 rather than failing the run. */
export function readResult(message: Json): AgentResult {
  const subtype = str(message.subtype) ?? "unknown";
  // Without `is_error`, only the `success` subtype counts as success.
  const isError = typeof message.is_error === "boolean" ? message.is_error : subtype !== "success";
  const errors = Array.isArray(message.errors)
    ? message.errors.map((e) => (typeof e === "string" ? e : JSON.stringify(e)))
    : [];
  return {
    subtype,
    isError,
    success: !isError && subtype === "success",
    turns: num(message.num_turns) ?? 0,
    // Older CLIs called the field `cost_usd`.
    costUsd: num(message.total_cost_usd) ?? num(message.cost_usd) ?? 0,
    durationMs: num(message.duration_ms) ?? 0,
    durationApiMs: num(message.duration_api_ms),
    sessionId: str(message.session_id),
    text: str(message.result),
    errors,
    permissionDenials: Array.isArray(message.permission_denials) ? message.permission_denials.length : 0,
  };
}

function readAssistant(message: Json, line: number): StreamEvent[] {
  const body = isObject(message.message) ? message.message : null;
  if (!body || !Array.isArray(body.content)) {
    return [{ kind: "noise", line, text: "assistant", reason: "an assistant message without content" }];
  }
  const messageId = str(body.id);
  const subagent = message.parent_tool_use_id !== null && message.parent_tool_use_id !== undefined;
  const error = str(message.error);
  const events: StreamEvent[] = [];
  for (const block of body.content) {
    if (!isObject(block)) continue;
    if (block.type === "text" && typeof block.text === "string") {
      events.push({ kind: "text", line, messageId, text: block.text, error, subagent });
    } else if (block.type === "tool_use") {
      const name = str(block.name) ?? "unknown";
      events.push({
        kind: "tool-use",
        line,
        messageId,
        id: str(block.id) ?? "",
        name,
        summary: summarizeToolInput(name, block.input),
        subagent,
      });
    }
    // `thinking` and other block types carry nothing the runner reports.
  }
  return events;
}

function readUser(message: Json, line: number): StreamEvent[] {
  const body = isObject(message.message) ? message.message : null;
  if (!body || !Array.isArray(body.content)) return [];
  const subagent = message.parent_tool_use_id !== null && message.parent_tool_use_id !== undefined;
  return body.content.flatMap((block): StreamEvent[] =>
    isObject(block) && block.type === "tool_result"
      ? [
          {
            kind: "tool-result",
            line,
            toolUseId: str(block.tool_use_id) ?? "",
            isError: block.is_error === true,
            summary: summarizeToolResult(block.content),
            subagent,
          },
        ]
      : [],
  );
}

/** The events one line holds (an assistant line may hold several blocks). Never throws. */
export function parseStreamLine(text: string, line: number): StreamEvent[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return [{ kind: "noise", line, text: oneLine(trimmed, NOISE_SAMPLE_MAX), reason: "not JSON" }];
  }
  if (!isObject(value) || typeof value.type !== "string") {
    return [
      {
        kind: "noise",
        line,
        text: oneLine(trimmed, NOISE_SAMPLE_MAX),
        reason: "JSON without a message type",
      },
    ];
  }
  switch (value.type) {
    case "system":
      if (value.subtype === "init") return [{ kind: "init", line, init: readInit(value) }];
      return [{ kind: "other", line, type: "system", subtype: str(value.subtype) }];
    case "assistant":
      return readAssistant(value, line);
    case "user":
      return readUser(value, line);
    case "result":
      return [{ kind: "result", line, result: readResult(value) }];
    default:
      return [{ kind: "other", line, type: value.type, subtype: str(value.subtype) }];
  }
}

/** Feeds chunks in, gets events out; holds the partial last line between chunks. */
export interface StreamParser {
  /** Parses every complete line in `chunk` (plus what was buffered). Nothing after a result. */
  push(chunk: string | Uint8Array): StreamEvent[];
  /** The stream closed: parses a last line that had no newline. */
  end(): StreamEvent[];
  /** True once the `result` message was read. */
  readonly finished: boolean;
  readonly result: AgentResult | null;
  /** Lines that arrived after the result and were not read. */
  readonly linesAfterResult: number;
}

export interface StreamParserOptions {
  /** A line longer than this (in characters) is skipped and reported as noise. Default 64 MiB. */
  maxLineLength?: number;
}

/** A parser for one run's stream. */
export function createStreamParser(options: StreamParserOptions = {}): StreamParser {
  const maxLineLength = options.maxLineLength ?? 64 * 1024 * 1024;
  const decoder = new TextDecoder("utf-8");
  let buffer = "";
  let lineNo = 0;
  let skipping = false;
  let result: AgentResult | null = null;
  let linesAfterResult = 0;

  const take = (text: string): StreamEvent[] => {
    lineNo += 1;
    if (result) {
      if (text.trim() !== "") linesAfterResult += 1;
      return [];
    }
    const events = parseStreamLine(text, lineNo);
    for (const event of events) if (event.kind === "result") result = event.result;
    return events;
  };

  const drain = (final: boolean): StreamEvent[] => {
    const events: StreamEvent[] = [];
    let start = 0;
    let newline = buffer.indexOf("\n", start);
    while (newline !== -1) {
      const text = buffer.slice(start, newline);
      start = newline + 1;
      // The rest of an over-long line ends here; its number was taken when it was skipped.
      if (skipping) skipping = false;
      else events.push(...take(text.endsWith("\r") ? text.slice(0, -1) : text));
      newline = buffer.indexOf("\n", start);
    }
    buffer = buffer.slice(start);
    if (skipping) {
      buffer = "";
    } else if (buffer.length > maxLineLength) {
      lineNo += 1;
      if (!result) {
        events.push({
          kind: "noise",
          line: lineNo,
          text: oneLine(buffer.slice(0, NOISE_SAMPLE_MAX * 2), NOISE_SAMPLE_MAX),
          reason: `a line longer than ${maxLineLength} characters, skipped`,
        });
      }
      buffer = "";
      skipping = true;
    }
    if (final) {
      if (buffer !== "") events.push(...take(buffer.endsWith("\r") ? buffer.slice(0, -1) : buffer));
      buffer = "";
      skipping = false;
    }
    return events;
  };

  return {
    push(chunk) {
      buffer += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
      return drain(false);
    },
    end() {
      buffer += decoder.decode();
      return drain(true);
    },
    get finished() {
      return result !== null;
    },
    get result() {
      return result;
    },
    get linesAfterResult() {
      return linesAfterResult;
    },
  };
}

/** Every event of a whole transcript (a saved `.jsonl`), up to and including the result. */
export function parseTranscript(text: string): StreamEvent[] {
  const parser = createStreamParser();
  return [...parser.push(text), ...parser.end()];
}
