// Redaction for text that arrives in chunks (the agent's stdout kept as the raw stream file, its
// stderr passed to the job's log). A pipe splits text anywhere, a secret included, so each chunk
// is cut at its last newline and only whole lines are redacted and let through; the rest waits
// for the next chunk. Nothing unredacted is ever written, even when the job is killed mid-run.
import { redactSecrets } from "../model/redact.ts";

/** Past this many characters without a newline, all but the tail is let through (redacted). */
const LINE_HOLD_MAX = 1024 * 1024;
/** Kept back when an over-long line is let through: longer than any secret, so none is split. */
const TAIL = 4096;

export interface LineRedactor {
  /** The whole lines completed by `chunk`, redacted, newlines kept; "" when none is complete. */
  push(chunk: string | Uint8Array): string;
  /** What is left (a last line without a newline), redacted. */
  end(): string;
}

/** A redactor for one stream, removing `secrets` and the known token shapes. */
export function createLineRedactor(secrets: readonly string[]): LineRedactor {
  const decoder = new TextDecoder("utf-8");
  let pending = "";
  return {
    push(chunk) {
      pending += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
      const cut = pending.lastIndexOf("\n");
      if (cut !== -1) {
        const lines = pending.slice(0, cut + 1);
        pending = pending.slice(cut + 1);
        return redactSecrets(lines, secrets);
      }
      if (pending.length > LINE_HOLD_MAX) {
        const head = pending.slice(0, pending.length - TAIL);
        pending = pending.slice(pending.length - TAIL);
        return redactSecrets(head, secrets);
      }
      return "";
    },
    end() {
      const rest = pending + decoder.decode();
      pending = "";
      return redactSecrets(rest, secrets);
    },
  };
}

/** Splits redacted text into lines without their newlines (for a line-by-line log). */
export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line) => line.replace(/\r$/, ""));
}
