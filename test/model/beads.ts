// Beads for model tests, read from real issue payloads so the tests also cover the mapping.
import { type Bead, beadFromIssue, type IssueRecord } from "../../src/model/bead.ts";
import { type IssueOverrides, issuePayload } from "../github/payloads.ts";

export function bead(o: IssueOverrides & { metadata?: Record<string, unknown> }): Bead {
  const { metadata, ...rest } = o;
  const body = metadata ? `<!-- gastown ${JSON.stringify({ v: 1, ...metadata })} -->` : (rest.body ?? null);
  return beadFromIssue(issuePayload({ ...rest, body }) as unknown as IssueRecord);
}

/** Day `n` of January 2026, for creation times. */
export function day(n: number): string {
  return `2026-01-${String(n).padStart(2, "0")}T00:00:00Z`;
}
