// The outbox (DESIGN §4.2, "agents propose, the runner commits"). Inside a polecat's job the
// agent holds no GitHub token; `gt`/`bd` in outbox mode (GASTOWN_OUTBOX=<file>) append one JSON
// line per intention instead of calling GitHub:
//
//   {"v":1,"id":"k3x9…","at":"2026-…Z","kind":"mail","to":"mayor/","subject":"…","body":"…"}
//
// The runner, which holds the token, reads the file as it grows, validates every line on its
// own (a bad line is reported with its line number and never applied; the others still are) and
// turns the entries into GitHub operations with `planOutbox` (outbox-plan.ts).
import { randomBytes } from "node:crypto";
import { appendFile, open } from "node:fs/promises";
import { z } from "zod";
import { fail, GastownError, ok, type Result } from "../model/errors.ts";
import { GITHUB_BODY_LIMIT } from "../model/limits.ts";
import { MAIL_SUBJECT_MAX, MAIL_TYPES } from "../model/mail.ts";

export { planOutbox } from "./outbox-plan.ts";

/** The format version this code writes and reads. */
export const OUTBOX_VERSION = 1;

/** Gas Town's escalation severities, most urgent first. */
export const ESCALATION_SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type EscalationSeverity = (typeof ESCALATION_SEVERITIES)[number];

/** Types an agent may give discovered work (never a molecule, mailbox, gate, …). */
export const DISCOVERED_TYPES = ["task", "bug", "feature", "chore"] as const;

// Room for the headers the runner adds around an agent's text, under GitHub's body limit.
const TEXT_MAX = GITHUB_BODY_LIMIT - 4_096;
const TITLE_MAX = 256;

const text = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
const priority = z.number().int().min(0).max(4);

const common = {
  v: z.literal(OUTBOX_VERSION),
  /** Unique per entry, so an entry read twice is applied once. */
  id: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, "must be 6–64 letters, digits, _ or -"),
  /** When the agent ran the command (ISO 8601). */
  at: z.iso.datetime({ offset: true }),
};

/** `gt mail send <to> -s <subject> -m <body> [--type] [--priority] [--bead]`. */
const mailEntry = z.strictObject({
  ...common,
  kind: z.literal("mail"),
  to: text(200),
  subject: text(MAIL_SUBJECT_MAX).refine((s) => !/[\r\n]/.test(s), "must be one line"),
  body: text(TEXT_MAX),
  type: z.enum(MAIL_TYPES).optional(),
  priority: priority.optional(),
  bead: z.number().int().positive().optional(),
});

/** `bd create <title> --discovered-from <bead> [-d body] [-t type] [-p priority] [-l labels]`. */
const discoveredEntry = z.strictObject({
  ...common,
  kind: z.literal("discovered"),
  title: text(TITLE_MAX).refine((s) => !/[\r\n]/.test(s), "must be one line"),
  body: z.string().max(TEXT_MAX).optional(),
  type: z.enum(DISCOVERED_TYPES).optional(),
  priority: priority.optional(),
  labels: z.array(text(50)).max(10).optional(),
  /** The bead the work was found in; the hooked bead when absent. */
  from: z.number().int().positive().optional(),
});

/** `gt mol step done <step> [-m note]`. */
const stepDoneEntry = z.strictObject({
  ...common,
  kind: z.literal("step-done"),
  step: text(100),
  note: z.string().max(TEXT_MAX).optional(),
});

/** `gt escalate <description> [-s severity] [-r reason]`. */
const escalateEntry = z.strictObject({
  ...common,
  kind: z.literal("escalate"),
  description: text(TITLE_MAX).refine((s) => !/[\r\n]/.test(s), "must be one line"),
  severity: z.enum(ESCALATION_SEVERITIES).optional(),
  reason: z.string().max(TEXT_MAX).optional(),
});

/** `gt handoff -m <message>`: what the next session should do. */
const handoffEntry = z.strictObject({
  ...common,
  kind: z.literal("handoff"),
  message: text(TEXT_MAX),
});

/** `gt done [-m summary]`: the work is complete; open the pull request. */
const doneEntry = z.strictObject({
  ...common,
  kind: z.literal("done"),
  summary: z.string().max(TEXT_MAX).optional(),
});

/** One line of the outbox. zod is the single source of truth for its shape. */
export const OutboxEntrySchema = z.discriminatedUnion("kind", [
  mailEntry,
  discoveredEntry,
  stepDoneEntry,
  escalateEntry,
  handoffEntry,
  doneEntry,
]);

export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;
export type OutboxEntryKind = OutboxEntry["kind"];
export const OUTBOX_KINDS: readonly OutboxEntryKind[] = [
  "mail",
  "discovered",
  "step-done",
  "escalate",
  "handoff",
  "done",
];

type WithoutEnvelope<T> = T extends unknown ? Omit<T, "v" | "id" | "at"> : never;
/** What `gt` knows when it writes an entry; `createOutboxEntry` adds the version, id and time. */
export type OutboxEntryInput = WithoutEnvelope<OutboxEntry>;

/** A line that was not applied, and why. */
export interface OutboxProblem {
  /** 1-based line number in the outbox file. */
  line: number;
  message: string;
  /** The start of the line as written, for the log. */
  raw: string;
}

/** A fresh entry id. */
export function newOutboxId(bytes: Uint8Array = randomBytes(9)): string {
  return Buffer.from(bytes).toString("base64url");
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      if (issue.code === "unrecognized_keys") {
        return `unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
      }
      const field = `"${issue.path.join(".")}"`;
      if (issue.code === "invalid_type" && /received undefined$/.test(issue.message))
        return `${field} is missing`;
      return `${field} ${issue.message.replace(/^Invalid (?:input|option): /, "")}`;
    })
    .join("; ");
}

/** Validates and completes an entry for writing. Fails with what is wrong; never throws. */
export function createOutboxEntry(
  input: OutboxEntryInput,
  options: { now?: Date; id?: string } = {},
): Result<OutboxEntry> {
  const candidate = {
    v: OUTBOX_VERSION,
    id: options.id ?? newOutboxId(),
    at: (options.now ?? new Date()).toISOString(),
    ...input,
  };
  const parsed = OutboxEntrySchema.safeParse(candidate);
  if (parsed.success) return ok(parsed.data);
  return fail(
    new GastownError(`The ${input.kind} entry is invalid: ${describeIssues(parsed.error)}.`, {
      code: "bad-input",
      hint: "Check the command's arguments (gt help <command>) and run it again.",
    }),
  );
}

/** The entry as one outbox line, newline included. */
export function formatOutboxLine(entry: OutboxEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/**
 * Appends an entry to the outbox file. One `write` of one line with O_APPEND, so entries from
 * concurrent `gt` processes never interleave.
 */
export async function appendOutboxEntry(path: string, entry: OutboxEntry): Promise<void> {
  await appendFile(path, formatOutboxLine(entry), { encoding: "utf8", flag: "a" });
}

/** Reads one outbox line. Never throws: a bad line comes back as a problem. */
export function parseOutboxLine(
  line: string,
  lineNo: number,
): { entry: OutboxEntry } | { problem: OutboxProblem } {
  const raw = line.length > 200 ? `${line.slice(0, 199)}…` : line;
  const problem = (message: string) => ({
    problem: { line: lineNo, message: `outbox line ${lineNo}: ${message}`, raw },
  });
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return problem("not JSON; the line is ignored");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return problem("not a JSON object; the line is ignored");
  }
  const record = value as Record<string, unknown>;
  if (typeof record.v === "number" && record.v > OUTBOX_VERSION) {
    return problem(
      `written by a newer gt (format ${record.v}, this runner reads ${OUTBOX_VERSION}); upgrade the action`,
    );
  }
  if (typeof record.kind !== "string" || !(OUTBOX_KINDS as readonly string[]).includes(record.kind)) {
    return problem(
      `unknown kind ${JSON.stringify(record.kind ?? null)} (expected one of ${OUTBOX_KINDS.join(", ")}); the line is ignored`,
    );
  }
  const parsed = OutboxEntrySchema.safeParse(record);
  if (!parsed.success)
    return problem(`invalid ${record.kind} entry: ${describeIssues(parsed.error)}; it is not applied`);
  return { entry: parsed.data };
}

/** Entries and problems of complete outbox text (every line ends with a newline). */
export function parseOutboxText(
  text: string,
  firstLine = 1,
): { entries: OutboxEntry[]; problems: OutboxProblem[] } {
  const entries: OutboxEntry[] = [];
  const problems: OutboxProblem[] = [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const read = parseOutboxLine(line.replace(/\r$/, ""), firstLine + i);
    if ("entry" in read) entries.push(read.entry);
    else problems.push(read.problem);
  });
  return { entries, problems };
}

/** What one read of the growing file found. */
export interface OutboxRead {
  entries: OutboxEntry[];
  problems: OutboxProblem[];
}

/** Reads an outbox file as it grows: each `read()` returns only what was appended since. */
export interface OutboxReader {
  read(): Promise<OutboxRead>;
  /** Bytes consumed so far (always at a line boundary). */
  readonly offset: number;
}

const NEWLINE = 0x0a;

/**
 * A reader that starts at `offset` (default 0). A line still being written (no newline yet) waits
 * for the next read; an id seen before is reported and skipped; a missing file reads as empty.
 */
export function createOutboxReader(
  path: string,
  start: { offset?: number; line?: number } = {},
): OutboxReader {
  let offset = start.offset ?? 0;
  let nextLine = start.line ?? 1;
  const seen = new Set<string>();
  return {
    get offset() {
      return offset;
    },
    async read() {
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(path, "r");
      } catch (error: unknown) {
        if ((error as { code?: unknown }).code === "ENOENT") return { entries: [], problems: [] };
        throw error;
      }
      try {
        const { size } = await handle.stat();
        if (size < offset) {
          const problem: OutboxProblem = {
            line: nextLine,
            message: `the outbox shrank from ${offset} to ${size} bytes; something rewrote it, and only lines appended from now on are read`,
            raw: "",
          };
          offset = size;
          return { entries: [], problems: [problem] };
        }
        if (size === offset) return { entries: [], problems: [] };
        const buffer = Buffer.alloc(size - offset);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        // Only whole lines: the bytes after the last newline may be half an entry (or half a character).
        const end = buffer.subarray(0, bytesRead).lastIndexOf(NEWLINE);
        if (end === -1) return { entries: [], problems: [] };
        const chunk = buffer.subarray(0, end + 1).toString("utf8");
        offset += end + 1;
        const entries: OutboxEntry[] = [];
        const problems: OutboxProblem[] = [];
        const lines = chunk.split("\n");
        lines.pop();
        for (const line of lines) {
          const lineNo = nextLine;
          nextLine += 1;
          if (line.trim() === "") continue;
          const read = parseOutboxLine(line.replace(/\r$/, ""), lineNo);
          if ("problem" in read) {
            problems.push(read.problem);
          } else if (seen.has(read.entry.id)) {
            problems.push({
              line: lineNo,
              message: `outbox line ${lineNo}: entry ${read.entry.id} was already read; the repeat is ignored`,
              raw: read.entry.id,
            });
          } else {
            seen.add(read.entry.id);
            entries.push(read.entry);
          }
        }
        return { entries, problems };
      } finally {
        await handle.close();
      }
    },
  };
}
