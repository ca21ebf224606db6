// Small Markdown helpers for the issue bodies and comments a molecule writes. Formula text and
// var values land in GitHub's renderer, so code spans must survive backticks in what they quote
// and table cells must survive pipes and line breaks.

/** `text` as an inline code span, with a fence longer than any run of backticks inside it. */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** One line of text fit for a table cell: pipes escaped, line breaks folded. */
export function cell(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, " ")
    .replace(/\|/g, "\\|")
    .trim();
}

/** One line, at most `max` characters, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const line = text.replace(/\s*[\r\n]+\s*/g, " ").trim();
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join("")}…`;
}
