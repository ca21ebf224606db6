// Small text helpers shared by everything the runner writes for people (comments, the PR body,
// the step summary) and for the agent (the prompt). Text from issues and from the agent is
// untrusted: it is shown, never obeyed, and must not ping people, close issues or break out of
// the markdown it is placed in.

// Terminal escape sequences (CSI, OSC) and C0/C1 controls other than tab and newline.
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-_]?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Invisible characters that hide text from a human reviewer: zero-width, bidi overrides, BOM.
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** The text without terminal control sequences and control characters (tab and newline kept). */
export function stripControl(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL, "");
}

/** The text without control characters and invisible (zero-width, bidi) characters. */
export function stripHidden(text: string): string {
  return stripControl(text).replace(INVISIBLE, "");
}

/** One line, controls removed, whitespace collapsed, cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max = 120): string {
  const flat = stripControl(text).replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, Math.max(1, max - 1))}…` : flat;
}

const ZWSP = "\u200b";

/** `@someone` → `@\u200bsomeone`: shown the same, but GitHub notifies nobody. */
export function neutralizeMentions(text: string): string {
  return text.replace(/(^|[^A-Za-z0-9_`])@(?=[A-Za-z0-9])/g, `$1@${ZWSP}`);
}

// GitHub's closing keywords (close, closes, closed, fix, fixes, fixed, resolve, resolves, resolved).
const CLOSING = /\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?)(:?\s+)(?=(?:[\w.-]+\/[\w.-]+)?#\d|https?:\/\/)/gi;

/** `fixes #12` → `fixes\u200b #12`: readable, but merging the PR closes nothing it names. */
export function neutralizeClosingKeywords(text: string): string {
  return text.replace(CLOSING, `$1${ZWSP}$2`);
}

/** Agent or issue text made safe to publish: no controls, no pings, no closing keywords. */
export function sanitizeForGitHub(text: string): string {
  return neutralizeClosingKeywords(neutralizeMentions(stripControl(text)));
}

/** The longest run of `char` in `text`. */
export function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

/** A code fence (at least three backticks) longer than any backtick run inside `text`. */
export function fenceFor(text: string): string {
  return "`".repeat(Math.max(3, longestRun(text, "`") + 1));
}

/** `text` in a fenced block that nothing inside it can close. */
export function fenced(text: string, info = ""): string {
  const fence = fenceFor(text);
  const body = text.endsWith("\n") ? text : `${text}\n`;
  return `${fence}${info}\n${body}${fence}`;
}

/** `text` as inline code that its own backticks cannot break; one line. */
export function inlineCode(text: string): string {
  const flat = oneLine(text, 300);
  if (flat === "") return "``";
  const ticks = "`".repeat(longestRun(flat, "`") + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** `2m 05s`, `1h 02m`, `42s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

/** `$0.42`; four decimals under a cent so a cheap run does not read as free. */
export function formatCost(usd: number): string {
  if (usd > 0 && usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** Escapes the characters that would start HTML in markdown (for text inside tags). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
