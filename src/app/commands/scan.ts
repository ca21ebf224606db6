// Finds the slash-command lines in a comment body. A command starts a line (at most three spaces
// in, as Markdown allows before a paragraph); lines inside fenced code blocks, inside an inline
// code span that runs across lines, inside HTML comments, quoted with `>` or indented as code are
// text about commands, not commands. Each command also gets the lines after it, up to the next
// command, for the commands that take free text (a mail body, an escalation).

/** A command line found in a comment. */
export interface CommandLine {
  /** 1-based line number in the comment. */
  line: number;
  /** The command's name as typed, lowercased, without the slash. */
  name: string;
  /** The text after the name on the same line. */
  args: string;
  /** The whole line, trimmed: what a reply quotes back. */
  source: string;
  /** The lines after this one up to the next command (trailing blank lines dropped). */
  following: string[];
}

const COMMAND = /^ {0,3}\/([A-Za-z][A-Za-z0-9_-]*)(?=\s|$)(.*)$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

type LineKind = "text" | "blank" | "code" | "quote" | "comment";

/** Splits on any newline convention. */
export function splitLines(body: string): string[] {
  return body.split(/\r\n|\r|\n/);
}

/** Kinds per line: fenced code, HTML comments, quotes and indented code are masked. */
function classifyLines(lines: readonly string[]): LineKind[] {
  const kinds: LineKind[] = [];
  let fence: { char: string; length: number } | null = null;
  let inComment = false;
  for (const line of lines) {
    if (fence) {
      const close = FENCE.exec(line);
      if (
        close &&
        close[1]?.[0] === fence.char &&
        (close[1]?.length ?? 0) >= fence.length &&
        close[2]?.trim() === ""
      ) {
        fence = null;
      }
      kinds.push("code");
      continue;
    }
    if (inComment) {
      if (line.includes("-->")) inComment = false;
      kinds.push("comment");
      continue;
    }
    const open = FENCE.exec(line);
    // A backtick fence's info string may not contain a backtick (CommonMark); `x` is inline code.
    if (open && !(open[1]?.[0] === "`" && open[2]?.includes("`"))) {
      fence = { char: open[1]?.[0] ?? "`", length: open[1]?.length ?? 3 };
      kinds.push("code");
      continue;
    }
    const opened = line.lastIndexOf("<!--");
    if (opened !== -1 && line.indexOf("-->", opened + 4) === -1) inComment = true;
    if (line.trim() === "") kinds.push("blank");
    else if (/^ {0,3}>/.test(line)) kinds.push("quote");
    else if (/^( {4}|\t)/.test(line)) kinds.push("code");
    else kinds.push("text");
  }
  return kinds;
}

/**
 * Offsets (into `text`) covered by inline code spans: a run of N backticks opens a span that the
 * next run of exactly N closes; a run with no partner is literal text.
 */
function codeSpans(text: string): Array<[number, number]> {
  const runs: Array<{ at: number; length: number }> = [];
  for (const match of text.matchAll(/`+/g)) runs.push({ at: match.index, length: match[0].length });
  const spans: Array<[number, number]> = [];
  let i = 0;
  while (i < runs.length) {
    const open = runs[i] as { at: number; length: number };
    let j = i + 1;
    while (j < runs.length && runs[j]?.length !== open.length) j++;
    if (j < runs.length) {
      const close = runs[j] as { at: number; length: number };
      spans.push([open.at, close.at + close.length]);
      i = j + 1;
    } else {
      i++;
    }
  }
  return spans;
}

/** Marks text lines that begin inside an inline code span opened on an earlier line. */
function maskMultilineCode(lines: readonly string[], kinds: LineKind[]): void {
  let i = 0;
  while (i < lines.length) {
    if (kinds[i] !== "text") {
      i++;
      continue;
    }
    let end = i;
    while (end + 1 < lines.length && kinds[end + 1] === "text") end++;
    if (end > i) {
      const starts: number[] = [];
      let offset = 0;
      for (let k = i; k <= end; k++) {
        starts.push(offset);
        offset += (lines[k] as string).length + 1;
      }
      const spans = codeSpans(lines.slice(i, end + 1).join("\n"));
      for (let k = 1; k < starts.length; k++) {
        const at = starts[k] as number;
        if (spans.some(([from, to]) => at > from && at < to)) kinds[i + k] = "code";
      }
    }
    i = end + 1;
  }
}

/** Every command line in `body`, in order. */
export function scanCommandLines(body: string): CommandLine[] {
  const lines = splitLines(body);
  const kinds = classifyLines(lines);
  maskMultilineCode(lines, kinds);
  const found: Array<{ index: number; name: string; args: string }> = [];
  lines.forEach((line, index) => {
    if (kinds[index] !== "text") return;
    const match = COMMAND.exec(line);
    if (match) found.push({ index, name: (match[1] as string).toLowerCase(), args: match[2] as string });
  });
  return found.map((command, n) => {
    const stop = found[n + 1]?.index ?? lines.length;
    const following = lines.slice(command.index + 1, stop);
    while (following.length > 0 && (following[following.length - 1] as string).trim() === "") following.pop();
    return {
      line: command.index + 1,
      name: command.name,
      args: command.args,
      source: (lines[command.index] as string).trim(),
      following,
    };
  });
}

/**
 * The lines of `body` that are prose (not code, quotes or HTML comments), with inline code spans
 * blanked: where an `@mention` of the app counts.
 */
export function proseLines(body: string): string[] {
  const lines = splitLines(body);
  const kinds = classifyLines(lines);
  maskMultilineCode(lines, kinds);
  return lines.flatMap((line, index) => {
    if (kinds[index] !== "text") return [];
    let out = line;
    for (const [from, to] of codeSpans(line).reverse()) out = `${out.slice(0, from)} ${out.slice(to)}`;
    return [out];
  });
}

/** True when prose in `body` @mentions `login` (`gastown` or `gastown[bot]`, any case). */
export function mentions(body: string, login: string): boolean {
  const name = login.replace(/^@/, "").replace(/\[bot\]$/i, "");
  if (name === "") return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`(^|[^A-Za-z0-9_/@-])@${escaped}(\\[bot\\])?(?![A-Za-z0-9_-])`, "i");
  return proseLines(body).some((line) => pattern.test(line));
}
