// Terminal text: issue titles and bodies are untrusted, so every piece of GitHub text is cleaned
// of terminal control sequences before it is printed (a title could otherwise move the cursor,
// rewrite the screen or set the window title). Colour is applied here too, and only when the
// output is a terminal that wants it.

// CSI (ESC [ … final), OSC (ESC ] … BEL or ST), other two-byte escapes, and C1 CSI/OSC forms.
const ESCAPES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[P^_X][^\u001b]*(?:\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]|\u009d[^\u0007\u009c]*[\u0007\u009c]?/g;
// Every other C0 and C1 control character except newline and tab, and DEL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text from GitHub made safe to print: escape sequences and control characters removed. */
export function sanitize(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(ESCAPES, "").replace(CONTROLS, "");
}

/** Sanitized and on one line (titles, subjects): line breaks and tabs become spaces. */
export function oneLine(text: string): string {
  return sanitize(text)
    .replace(/[\n\t]+/g, " ")
    .trim();
}

/** Shortens to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/** The styles human output uses; all identity functions when colour is off. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  magenta(text: string): string;
  cyan(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

const COLOUR: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  blue: sgr(34, 39),
  magenta: sgr(35, 39),
  cyan: sgr(36, 39),
};

const identity = (text: string) => text;
const PLAIN: Style = {
  bold: identity,
  dim: identity,
  red: identity,
  green: identity,
  yellow: identity,
  blue: identity,
  magenta: identity,
  cyan: identity,
};

/**
 * Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org); `FORCE_COLOR`
 * (other than 0/false) turns it on, `FORCE_COLOR=0` off.
 */
export function wantsColour(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force.toLowerCase() !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return isTTY;
}

export function styleFor(colour: boolean): Style {
  return colour ? COLOUR : PLAIN;
}

/** A progress bar, `width` cells wide: `██████░░░░`. */
export function progressBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}
