// The hook claim (DESIGN §4.1). Claiming bead N creates the ref `refs/gastown/hooks/N`; GitHub's
// create-ref fails when the ref exists, so of any number of concurrent claims exactly one wins.
// The ref points at an annotated tag whose message is the holder record, so a loser can read who
// won. This module names the refs and encodes and decodes the record; refs.ts does the I/O.
import { z } from "zod";
import { fail, GastownError, ok, type Result } from "./errors.ts";

/** Who holds a bead's hook. */
export interface HookHolder {
  /** The polecat (or other agent) name. */
  polecat: string;
  bead: number;
  /** Which attempt at the bead this is (1 for the first sling). */
  attempt: number;
  /** The Actions run working it, once known. */
  run?: number;
  /** When the claim was made (ISO 8601). */
  at: string;
}

/** The ref namespace of hook claims. */
export const HOOK_REF_PREFIX = "refs/gastown/hooks/";

/** `refs/gastown/hooks/<bead>`. */
export function hookRef(bead: number): string {
  return `${HOOK_REF_PREFIX}${bead}`;
}

/** The bead number a hook ref names; null for any other ref. */
export function beadFromHookRef(ref: string): number | null {
  const match = /^refs\/gastown\/hooks\/([1-9][0-9]*)$/.exec(ref);
  return match ? Number(match[1]) : null;
}

/** The tag name of the claim's tag object (tag objects need a name; it is not a ref). */
export function hookTagName(bead: number): string {
  return `gastown-hook-${bead}`;
}

const MESSAGE_HEADER = "gastown hook v1";

const holderSchema = z.object({
  polecat: z.string().min(1),
  bead: z.number().int().positive(),
  attempt: z.number().int().positive(),
  run: z.number().int().positive().optional(),
  at: z.string().min(1),
});

/** The tag message for a holder: a header line, then one line of JSON. */
export function encodeHolder(holder: HookHolder): string {
  const record: HookHolder = {
    polecat: holder.polecat,
    bead: holder.bead,
    attempt: holder.attempt,
    ...(holder.run === undefined ? {} : { run: holder.run }),
    at: holder.at,
  };
  return `${MESSAGE_HEADER}\n${JSON.stringify(record)}\n`;
}

/** Reads a tag message back into a holder; fails with what is wrong (never throws). */
export function decodeHolder(message: string): Result<HookHolder> {
  const [header, json] = message.split("\n");
  const damaged = (why: string) =>
    fail<HookHolder>(
      new GastownError(`The hook claim's record is unreadable: ${why}.`, {
        code: "conflict",
        hint: "Release the hook (gt hook detach) and claim it again.",
      }),
    );
  if (header?.trim() !== MESSAGE_HEADER) return damaged(`it does not start with "${MESSAGE_HEADER}"`);
  let value: unknown;
  try {
    value = JSON.parse(json ?? "");
  } catch {
    return damaged("its record is not JSON");
  }
  const parsed = holderSchema.safeParse(value);
  if (!parsed.success) return damaged(parsed.error.issues[0]?.message ?? "invalid record");
  const { run, ...rest } = parsed.data;
  return ok(run === undefined ? rest : { ...rest, run });
}

/** One line for people: `rust (attempt 2, run 12345) since 2026-…`. */
export function describeHolder(holder: HookHolder): string {
  const run = holder.run === undefined ? "" : `, run ${holder.run}`;
  return `${holder.polecat} (attempt ${holder.attempt}${run}) since ${holder.at}`;
}
