// Words users read about commands: the `/help` table, one command in detail, and a command
// error as a reply. Markdown, because every one of them ends up in a GitHub comment.
import { COMMAND_SPECS, commandSpec } from "./catalog.ts";
import type { CommandError } from "./errors.ts";
import type { CommandName } from "./types.ts";

/** Escapes a table cell: a `|` inside code would end the cell. */
const cell = (text: string): string => text.replace(/\|/g, "\\|");

function table(refinery: boolean): string[] {
  const rows = ["| Command | What it does | Needs write |", "| --- | --- | --- |"];
  for (const spec of COMMAND_SPECS.filter((s) => s.refinery === refinery)) {
    for (const form of spec.forms) {
      rows.push(`| \`${cell(form.usage)}\` | ${cell(form.summary)} | ${form.mutating ? "yes" : "no"} |`);
    }
  }
  return rows;
}

/** The `/help` reply: every command, what it does, and whether it needs write access. */
export function renderHelp(): string {
  return [
    "**Gas Town commands.** Write each at the start of its own line; several per comment are fine.",
    "",
    ...table(false),
    "",
    "**On pull requests** (the refinery's merge queue):",
    "",
    ...table(true),
    "",
    "Commands that change the town need write, maintain or admin permission on this repository.",
    'Quote arguments with spaces (`"like this"`). `/help <command>` shows one command in detail.',
  ].join("\n");
}

/** `/help <command>`: its usage lines, what each does, and examples. */
export function renderCommandHelp(name: CommandName): string {
  const spec = commandSpec(name);
  const lines = [`**/${name}**`, ""];
  for (const form of spec.forms) {
    lines.push(`- \`${form.usage}\`: ${form.summary}${form.mutating ? " (needs write access)" : ""}`);
  }
  lines.push("", "Examples:", "", "```", ...spec.examples, "```");
  return lines.join("\n");
}

/** A command error as a reply: the line quoted, what is wrong, the usage and the hint. */
export function renderCommandError(error: CommandError, source?: string): string {
  const lines: string[] = [];
  if (source !== undefined) lines.push(`> ${source}`, "");
  lines.push(error.message);
  if (error.usage) lines.push("", "Usage:", "", "```", error.usage, "```");
  lines.push("", error.hint);
  return lines.join("\n");
}
