// Human output for beads: one compact line per bead, `bd show`, ready/blocked with reasons and
// dependency trees. Every piece of issue text goes through `oneLine`/`sanitize` first.
import type { Bead } from "../model/bead.ts";
import { renderDependencyTree } from "../model/deps.ts";
import { type BlockedBead, describeReason, type Readiness } from "../model/ready.ts";
import type { BeadStatus } from "../model/vocabulary.ts";
import type { BeadDetails } from "../town/beads.ts";
import type { DependencyList, DependencyTree } from "../town/deps.ts";
import { oneLine, type Style, sanitize, truncate } from "./text.ts";

const STATUS_WORD: Record<BeadStatus, string> = {
  open: "open",
  in_progress: "in-progress",
  hooked: "hooked",
  blocked: "blocked",
  deferred: "deferred",
  pinned: "pinned",
  closed: "closed",
};

export function statusText(status: BeadStatus, style: Style): string {
  const word = STATUS_WORD[status].padEnd(11);
  switch (status) {
    case "open":
      return style.green(word);
    case "hooked":
      return style.magenta(word);
    case "in_progress":
      return style.blue(word);
    case "blocked":
      return style.red(word);
    default:
      return style.dim(word);
  }
}

export function priorityText(priority: number, style: Style): string {
  const text = `P${priority}`;
  return priority === 0 ? style.red(style.bold(text)) : priority === 1 ? style.yellow(text) : text;
}

/** `#12  P1  bug      hooked       Fix the login redirect  · rust  [area/x]` */
export function beadLine(bead: Bead, style: Style, width = 72): string {
  const worker = bead.metadata.polecat ?? bead.assignees[0];
  const labels = bead.labels.length > 0 ? style.dim(`  [${bead.labels.map(oneLine).join(", ")}]`) : "";
  return [
    style.bold(`#${bead.number}`.padEnd(6)),
    priorityText(bead.priority, style),
    "  ",
    bead.type.padEnd(9),
    statusText(bead.status, style),
    truncate(oneLine(bead.title), width),
    worker ? style.cyan(`  · ${oneLine(worker)}`) : "",
    labels,
  ].join("");
}

/** A short reference: `#12 Fix the login redirect`. */
export function beadRef(bead: Pick<Bead, "number" | "title">, style: Style): string {
  return `${style.bold(`#${bead.number}`)} ${truncate(oneLine(bead.title), 60)}`;
}

export function beadList(beads: readonly Bead[], style: Style, empty: string): string[] {
  return beads.length === 0 ? [style.dim(empty)] : beads.map((bead) => beadLine(bead, style));
}

/** `bd show`. */
export function showLines(details: BeadDetails, style: Style): string[] {
  const { bead } = details;
  const lines = [
    `${style.bold(`#${bead.number}`)} ${style.bold(oneLine(bead.title))}`,
    `${statusText(bead.status, style).trimEnd()} · ${priorityText(bead.priority, style)} · ${bead.type}${
      bead.stateReason && bead.stateReason !== "completed" ? ` · ${bead.stateReason.replace("_", " ")}` : ""
    }`,
  ];
  const facts: Array<[string, string | null]> = [
    ["labels", bead.labels.length > 0 ? bead.labels.map(oneLine).join(", ") : null],
    ["assignees", bead.assignees.length > 0 ? bead.assignees.map(oneLine).join(", ") : null],
    ["convoy", bead.milestone ? `${bead.milestone.number} ${oneLine(bead.milestone.title)}` : null],
    [
      "hook",
      bead.metadata.polecat
        ? `${oneLine(bead.metadata.polecat)}${bead.metadata.run ? ` (run ${bead.metadata.run})` : ""}`
        : null,
    ],
    ["attempts", bead.metadata.attempt !== undefined ? String(bead.metadata.attempt) : null],
    ["closed because", bead.closeReason ? oneLine(bead.closeReason) : null],
    ["parent", details.parent ? beadRef(details.parent, style) : null],
    ["author", bead.author ? oneLine(bead.author) : null],
    ["created", bead.createdAt],
    ["url", bead.url],
  ];
  for (const [name, value] of facts) if (value !== null) lines.push(`${style.dim(name.padEnd(15))}${value}`);
  const related: Array<[string, readonly Bead[]]> = [
    ["blocked by", details.blockedBy],
    ["blocks", details.blocking],
    ["sub-issues", details.children],
  ];
  for (const [name, beads] of related) {
    if (beads.length === 0) continue;
    lines.push("", style.bold(name));
    for (const other of beads) lines.push(`  ${statusText(other.status, style)}${beadRef(other, style)}`);
  }
  if (bead.body.trim() !== "") lines.push("", sanitize(bead.body));
  for (const problem of bead.problems) lines.push(style.yellow(`warning: ${oneLine(problem.message)}`));
  if (details.comments) {
    for (const comment of details.comments) {
      lines.push(
        "",
        style.dim(`— ${oneLine(comment.author ?? "ghost")} · ${comment.createdAt} · ${comment.id}`),
      );
      lines.push(sanitize(comment.body));
    }
  }
  return lines;
}

/** `bd ready`, and with `--explain` why every other bead is not. */
export function readyLines(
  ready: readonly Bead[],
  notReady: readonly Readiness[] | null,
  style: Style,
): string[] {
  const lines = beadList(ready, style, "Nothing is ready.");
  if (notReady === null) return lines;
  lines.push("", style.bold(`Not ready (${notReady.length})`));
  for (const entry of notReady) {
    lines.push(`  ${beadRef(entry.bead, style)}`);
    for (const reason of entry.reasons)
      lines.push(`      ${style.dim("–")} ${oneLine(describeReason(reason))}`);
  }
  return lines;
}

/** `bd blocked`. */
export function blockedLines(blocked: readonly BlockedBead[], style: Style): string[] {
  if (blocked.length === 0) return [style.dim("Nothing is blocked.")];
  return blocked.flatMap((entry) => [
    beadLine(entry.bead, style),
    ...entry.reasons.map((reason) => `      ${style.dim("–")} ${oneLine(describeReason(reason))}`),
  ]);
}

/** `bd dep list`. */
export function dependencyLines(list: DependencyList, style: Style): string[] {
  const lines = [beadRef(list.bead, style)];
  lines.push(style.bold("  blocked by"));
  if (list.blockedBy.length === 0) lines.push(style.dim("    nothing"));
  for (const bead of list.blockedBy)
    lines.push(`    ${statusText(bead.status, style)}${beadRef(bead, style)}`);
  lines.push(style.bold("  blocks"));
  if (list.blocking.length === 0) lines.push(style.dim("    nothing"));
  for (const bead of list.blocking)
    lines.push(`    ${statusText(bead.status, style)}${beadRef(bead, style)}`);
  return lines;
}

/** `bd dep tree`. */
export function treeLines(tree: DependencyTree, style: Style): string[] {
  const label = (number: number) => {
    const bead = tree.beads.get(number);
    if (!bead) return `#${number}`;
    return `${style.bold(`#${number}`)} ${truncate(oneLine(bead.title), 60)} ${style.dim(`[${STATUS_WORD[bead.status]}, P${bead.priority}]`)}`;
  };
  const lines = renderDependencyTree(tree.root, {
    children: (number) => tree.edges.get(number) ?? [],
    label,
  });
  if (tree.truncated) lines.push(style.dim("… deeper levels left out (--depth)"));
  return lines;
}
