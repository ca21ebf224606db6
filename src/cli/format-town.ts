// Human output for convoys, hooks, mail, `gt status` and `gt doctor`. Issue text is sanitized.
import { formatAddress } from "../model/address.ts";
import type { Convoy, ConvoyBeadState, StrandedConvoy } from "../model/convoy.ts";
import { describeHolder } from "../model/hook.ts";
import type { MailMessage } from "../model/mail.ts";
import type { ConvoyCheck } from "../town/convoy-landing.ts";
import type { ConvoyStatus } from "../town/convoys.ts";
import type { CheckStatus, DoctorReport } from "../town/doctor.ts";
import type { HookEntry } from "../town/hooks.ts";
import type { Inbox } from "../town/mail.ts";
import type { TownStatus } from "../town/status.ts";
import { beadLine, beadRef } from "./format-beads.ts";
import { oneLine, progressBar, type Style, sanitize, truncate } from "./text.ts";

function convoyHeader(convoy: Convoy, style: Style): string {
  const state = convoy.state === "closed" ? style.dim(" (landed)") : "";
  return `${style.bold(`${convoy.number}`.padStart(4))}  ${oneLine(convoy.title)}${state}`;
}

function counts(closed: number, total: number, style: Style): string {
  const percent = total === 0 ? 0 : Math.floor((closed * 100) / total);
  const bar = progressBar(closed, total);
  return `${closed === total && total > 0 ? style.green(bar) : style.cyan(bar)} ${closed}/${total} (${percent}%)`;
}

/** `gt convoy list`. */
export function convoyListLines(convoys: readonly Convoy[], style: Style): string[] {
  if (convoys.length === 0) return [style.dim("No convoys.")];
  return convoys.map((convoy) => {
    const total = convoy.openIssues + convoy.closedIssues;
    return `${convoyHeader(convoy, style)}\n      ${counts(convoy.closedIssues, total, style)}`;
  });
}

const STATE_MARK: Record<ConvoyBeadState, string> = {
  closed: "✓",
  hooked: "●",
  in_progress: "●",
  ready: "○",
  blocked: "✗",
  deferred: "…",
  pinned: "·",
  open: "○",
};

/** `gt convoy status`. */
export function convoyStatusLines(status: ConvoyStatus, style: Style): string[] {
  const { convoy, progress } = status;
  const lines = [convoyHeader(convoy, style), `      ${counts(progress.closed, progress.total, style)}`];
  if (convoy.metadata.owner) lines.push(`      ${style.dim("owner")} ${oneLine(convoy.metadata.owner)}`);
  if (progress.workers.length > 0)
    lines.push(`      ${style.dim("workers")} ${progress.workers.map(oneLine).join(", ")}`);
  lines.push("");
  if (progress.beads.length === 0) lines.push(style.dim("      No beads tracked yet."));
  for (const bead of progress.beads) {
    const mark = STATE_MARK[bead.state];
    const coloured =
      bead.state === "closed" ? style.green(mark) : bead.state === "blocked" ? style.red(mark) : mark;
    const worker = bead.worker && bead.state !== "closed" ? style.cyan(`  · ${oneLine(bead.worker)}`) : "";
    lines.push(
      `   ${coloured} ${style.bold(`#${bead.number}`.padEnd(6))}${bead.state.replace("_", "-").padEnd(12)}${truncate(oneLine(bead.title), 60)}${worker}`,
    );
  }
  return lines;
}

/** `gt convoy check`. */
export function checkLines(results: readonly ConvoyCheck[], style: Style, dryRun: boolean): string[] {
  if (results.length === 0) return [style.dim("No open convoys.")];
  return results.map((result) => {
    const head = `${style.bold(String(result.convoy.number))} ${oneLine(result.convoy.title)}: `;
    if (result.plan.action === "none") {
      const why = {
        empty: "tracks nothing yet",
        "open-work": "has open beads",
        owned: "is owned (its owner closes it)",
        "already-landed": "already landed",
      }[result.plan.why];
      return `${head}${style.dim(why)}`;
    }
    if (dryRun) return `${head}would land${result.plan.notify ? " and notify" : ""}`;
    const told = result.notified
      ? ` and told ${[...result.notified.to, ...result.notified.mentions.map((m) => `@${m}`)].join(", ") || "nobody"}`
      : "";
    return `${head}${style.green("landed")}${told}`;
  });
}

/** `gt convoy stranded`. */
export function strandedLines(stranded: readonly StrandedConvoy[], style: Style): string[] {
  if (stranded.length === 0) return [style.dim("No stranded convoys.")];
  return stranded.flatMap((entry) => [
    convoyHeader(entry.convoy, style),
    ...entry.ready.map(
      (bead, i) => `      ${i === 0 ? style.yellow("next") : "    "} ${beadRef(bead, style)}`,
    ),
  ]);
}

/** `gt hook show`. */
export function hookLines(entries: readonly HookEntry[], style: Style): string[] {
  if (entries.length === 0) return [style.dim("Nothing is hooked.")];
  return entries.map((entry) => {
    const title = entry.bead ? truncate(oneLine(entry.bead.title), 60) : style.dim("(issue gone)");
    let holder: string;
    if (!entry.claim.held) holder = style.yellow("labelled hooked, but nobody holds the claim");
    else if (entry.claim.holder) holder = style.cyan(oneLine(describeHolder(entry.claim.holder)));
    else holder = style.red(`unreadable claim: ${oneLine(entry.claim.problem.message)}`);
    return `${style.bold(`#${entry.number}`.padEnd(6))}${title}\n      ${holder}`;
  });
}

function mailHead(message: MailMessage, style: Style, read: boolean | null): string {
  const env = message.envelope;
  const flag = read === null ? "" : read ? "  " : `${style.yellow("●")} `;
  const priority = env.priority <= 1 ? style.red(` P${env.priority}`) : "";
  return `${flag}${style.bold(String(message.id))}  ${truncate(oneLine(env.subject), 60)}  ${style.dim(
    `from ${oneLine(formatAddress(env.from))} · ${env.type}`,
  )}${priority}`;
}

/** `gt mail inbox`. */
export function inboxLines(inbox: Inbox, style: Style, all: boolean): string[] {
  const who = oneLine(formatAddress(inbox.address));
  const lines = [style.bold(`${who}: ${inbox.unread} unread${all ? `, ${inbox.entries.length} shown` : ""}`)];
  if (inbox.problem) lines.push(style.yellow(`warning: ${oneLine(inbox.problem)}`));
  if (inbox.entries.length === 0) lines.push(style.dim(all ? "No mail." : "No unread mail."));
  for (const entry of inbox.entries) lines.push(mailHead(entry.message, style, entry.read));
  return lines;
}

/** `gt mail read` and each message of `gt mail thread`. */
export function messageLines(message: MailMessage, style: Style): string[] {
  const env = message.envelope;
  return [
    style.bold(oneLine(env.subject)),
    style.dim(
      `${message.id} · from ${oneLine(formatAddress(env.from))} to ${oneLine(formatAddress(env.to))} · ${env.type} · P${env.priority} · ${env.sentAt}`,
    ),
    style.dim(
      `thread ${oneLine(env.thread)}${env.replyTo ? ` · reply to ${env.replyTo}` : ""} · ${message.url}`,
    ),
    "",
    sanitize(message.body),
  ];
}

export function threadLines(
  thread: { thread: string; messages: readonly MailMessage[] },
  style: Style,
): string[] {
  const lines = [style.bold(`${oneLine(thread.thread)}: ${thread.messages.length} message(s)`)];
  for (const message of thread.messages) lines.push("", ...messageLines(message, style));
  return lines;
}

/** `gt status`. */
export function statusLines(status: TownStatus, style: Style): string[] {
  const lines = [
    `${style.bold(status.repo)}  ${status.open} open · ${style.green(`${status.ready} ready`)} · ${status.working.length} working · ${status.blocked} blocked`,
    "",
    style.bold("Convoys"),
  ];
  if (status.convoys.length === 0) lines.push(style.dim("  none open"));
  for (const summary of status.convoys) {
    lines.push(
      `  ${counts(summary.closed, summary.total, style)}  ${style.bold(String(summary.convoy.number))} ${truncate(oneLine(summary.convoy.title), 50)}`,
    );
  }
  lines.push("", style.bold("Hooked and in progress"));
  if (status.working.length === 0) lines.push(style.dim("  nobody is working"));
  for (const { bead } of status.working) lines.push(`  ${beadLine(bead, style, 50)}`);
  lines.push("", style.bold("Next ready"));
  if (status.next.length === 0) lines.push(style.dim("  nothing is ready"));
  for (const bead of status.next) lines.push(`  ${beadLine(bead, style, 50)}`);
  return lines;
}

const CHECK_MARK: Record<CheckStatus, (style: Style) => string> = {
  ok: (s) => s.green("✓"),
  fixed: (s) => s.green("✓"),
  warn: (s) => s.yellow("!"),
  fail: (s) => s.red("✗"),
};

/** `gt doctor`. */
export function doctorLines(report: DoctorReport, style: Style, fix: boolean): string[] {
  const lines = [style.bold(`gt doctor: ${report.repo}`)];
  let pending = 0;
  for (const check of report.checks) {
    lines.push(`${CHECK_MARK[check.status](style)} ${check.name.padEnd(13)}${oneLine(check.summary)}`);
    for (const detail of check.details) lines.push(`    ${style.dim(oneLine(detail))}`);
    const verb = check.status === "fixed" ? "fixed:" : "would";
    if (check.status !== "fixed") pending += check.fixes.length;
    for (const item of check.fixes) lines.push(`    ${style.cyan(verb)} ${oneLine(item)}`);
  }
  if (!fix && pending > 0)
    lines.push("", `Run ${style.bold("gt doctor --fix")} to make ${pending} repair(s).`);
  return lines;
}
