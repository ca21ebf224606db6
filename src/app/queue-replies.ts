// The reply to `/queue` and `/dequeue`: where the pull request stands after the refinery's tick.
import type { TickReport } from "../town/refinery/index.ts";

/** What else the tick did that the person should know (landings, removals), as extra sentences. */
export function describeQueueTick(report: TickReport, pr: number): string {
  const others = [
    ...report.merged.filter((m) => m.pr !== pr).map((m) => `#${m.pr} landed in ${m.sha.slice(0, 7)}`),
    ...report.removed.filter((r) => r.pr !== pr).map((r) => `#${r.pr} left the queue (${r.cause.kind})`),
  ];
  return others.length === 0 ? "" : ` Meanwhile: ${others.join("; ")}.`;
}

/** The reply to `/queue`. */
export function describeQueued(report: TickReport, pr: number): string {
  const merged = report.merged.find((m) => m.pr === pr);
  if (merged) return `#${pr} landed on ${report.base} in ${merged.sha.slice(0, 7)}.`;
  const removed = report.removed.find((r) => r.pr === pr);
  if (removed)
    return `#${pr} could not stay in the merge queue (${removed.cause.kind}); its \`gastown/refinery\` check says why and what to do.`;
  const refused = report.notQueued.find((n) => n.pr === pr);
  if (refused) {
    const lines = refused.reasons.map((r) => `- ${r.message}: ${r.fix}`);
    return [`#${pr} cannot enter the merge queue yet:`, "", ...lines].join("\n");
  }
  const rest = describeQueueTick(report, pr);
  if (report.testing.prs.includes(pr)) {
    const mates = report.testing.prs.filter((n) => n !== pr).map((n) => `#${n}`);
    const together = mates.length > 0 ? ` together with ${mates.join(" ")}` : "";
    return `#${pr} is in the merge queue and being tested now${together}.${rest}`;
  }
  const position = report.positions.find((p) => p.pr === pr)?.position;
  if (position !== undefined) return `#${pr} is in the merge queue at position ${position}.${rest}`;
  return `#${pr} was marked for the merge queue; the refinery takes it in on its next look.${rest}`;
}
