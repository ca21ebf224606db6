// Arguments as people type them, parsed with the model's parsers. A malformed argument is a
// usage error (exit 2), said the model's way: what is wrong and what to write instead.
import { type Address, parseAddress } from "../model/address.ts";
import { type BeadRef, parseBeadRef } from "../model/bead-ref.ts";
import { GastownError, type Result } from "../model/errors.ts";
import {
  type BeadStatus,
  type BeadType,
  type Priority,
  parseBeadStatus,
  parseBeadType,
  parsePriority,
} from "../model/vocabulary.ts";

/** A mistake in how a command was called: printed like any error, but exit code 2. */
export class UsageError extends GastownError {
  constructor(message: string, hint: string) {
    super(message, { code: "bad-input", hint });
    this.name = "UsageError";
  }
}

function usage<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new UsageError(result.error.message, result.error.hint);
}

export function parseRef(text: string, prefix?: string): BeadRef {
  return usage(parseBeadRef(text, prefix === undefined ? {} : { prefix }));
}

export function parsePriorityArg(text: string): Priority {
  return usage(parsePriority(text));
}

export function parseTypeArg(text: string): BeadType {
  return usage(parseBeadType(text));
}

export function parseStatusArg(text: string): BeadStatus {
  return usage(parseBeadStatus(text));
}

export function parseAddressArg(text: string): Address {
  return usage(parseAddress(text));
}

/** A positive whole number (`--limit`, `--run`, `--depth`, convoy and message ids). */
export function parsePositive(text: string, what: string): number {
  const value = Number(text.trim().replace(/^#/, ""));
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(
      `${what} must be a positive whole number (got "${text}").`,
      `Write a number like 3.`,
    );
  }
  return value;
}

/** Splits repeated and comma-separated values: `-l a,b -l c` → `[a, b, c]`. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter((value) => value !== "");
}

/** Commander's collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
