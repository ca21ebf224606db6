// The hidden, versioned metadata block at the end of an issue body or milestone description:
//
//   free text people write
//
//   <!-- gastown {"v":1,"polecat":"rust","attempt":2} -->
//
// People edit these bodies by hand, so reading never throws and never loses their text: a damaged
// block is reported as a problem, only the block itself is taken out of the text, and an
// unterminated one is left in the text untouched. A block written by a newer gastown (higher
// `v`) is reported and marked read-only, so an older one never overwrites what it cannot read.
import type { z } from "zod";

/** The block version this code writes. */
export const METADATA_VERSION = 1;

/** The HTML-comment tag of bead and convoy metadata. Mail uses `gastown-mail` (see mail.ts). */
export const METADATA_TAG = "gastown";

export type MetadataProblemKind =
  | "unterminated"
  | "invalid-json"
  | "not-an-object"
  | "missing-version"
  | "invalid-version"
  | "unknown-version"
  | "invalid-field"
  | "duplicate-block";

/** Something wrong with a body's metadata, reported instead of thrown. */
export interface MetadataProblem {
  kind: MetadataProblemKind;
  /** What is wrong and what happens because of it, for `bd show` and `gt doctor`. */
  message: string;
  /** The field concerned, for `invalid-field`. */
  field?: string;
  /** The damaged text, so nothing a human typed is lost from view. */
  raw?: string;
}

/** A body split into the text people see and the block's decoded data. */
export interface ExtractedBlock {
  /** The body without the block(s), trailing whitespace trimmed. */
  text: string;
  /** The block's JSON object without `v`; empty when there is no usable block. */
  data: Record<string, unknown>;
  /** The block's version; null when there is no usable block. */
  version: number | null;
  problems: MetadataProblem[];
  /** False when the block comes from a newer version: rewriting the body would lose its data. */
  writable: boolean;
}

interface Span {
  start: number;
  end: number;
  json: string;
}

function openerPattern(tag: string): RegExp {
  const escaped = tag.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // What may follow the tag (space, `{` or the end) keeps `gastown` from matching `gastown-mail`.
  return new RegExp(`<!--\\s*${escaped}(?=[\\s{]|-->)`, "g");
}

/** Finds complete blocks; an opener whose `-->` comes only after the next opener is unterminated. */
function findBlocks(body: string, tag: string): { spans: Span[]; unterminated: number[] } {
  const openers = [...body.matchAll(openerPattern(tag))];
  const spans: Span[] = [];
  const unterminated: number[] = [];
  openers.forEach((match, i) => {
    const start = match.index;
    const jsonStart = start + match[0].length;
    const close = body.indexOf("-->", jsonStart);
    const nextOpener = openers[i + 1]?.index ?? body.length;
    if (close === -1 || close > nextOpener) {
      unterminated.push(start);
      return;
    }
    spans.push({ start, end: close + 3, json: body.slice(jsonStart, close).trim() });
  });
  return { spans, unterminated };
}

// Pieces after a removed block lose their leading blank lines; the first piece keeps its start.
function joinText(parts: readonly string[]): string {
  return parts
    .map((part, i) => (i === 0 ? part : part.replace(/^\s*\n/, "")).trimEnd())
    .filter((part) => part.trim() !== "")
    .join("\n\n");
}

function decodeJson(
  json: string,
  raw: string,
): { data: Record<string, unknown> | null; problem?: MetadataProblem } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error: unknown) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      data: null,
      problem: {
        kind: "invalid-json",
        message: `The metadata block is not valid JSON (${detail}); its fields are ignored until it is rewritten.`,
        raw,
      },
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      data: null,
      problem: {
        kind: "not-an-object",
        message: "The metadata block must hold a JSON object; its content is ignored.",
        raw,
      },
    };
  }
  return { data: value as Record<string, unknown> };
}

/** Splits `body` into text and metadata. Never throws; never drops text outside a block. */
export function extractBlock(body: string | null | undefined, tag: string = METADATA_TAG): ExtractedBlock {
  const source = body ?? "";
  const { spans, unterminated } = findBlocks(source, tag);
  const problems: MetadataProblem[] = unterminated.map((at) => ({
    kind: "unterminated",
    message: `A metadata block opens without a closing "-->"; it is left in the text as it is.`,
    raw: source.slice(at, at + 200),
  }));

  const parts: string[] = [];
  let cursor = 0;
  for (const span of spans) {
    parts.push(source.slice(cursor, span.start));
    cursor = span.end;
  }
  parts.push(source.slice(cursor));
  const text = joinText(parts);

  const last = spans.at(-1);
  if (!last) return { text, data: {}, version: null, problems, writable: true };
  if (spans.length > 1) {
    problems.push({
      kind: "duplicate-block",
      message: `The body holds ${spans.length} metadata blocks; the last one is used and the others are dropped on the next write.`,
      raw: spans
        .slice(0, -1)
        .map((span) => source.slice(span.start, span.end))
        .join("\n"),
    });
  }

  const raw = source.slice(last.start, last.end);
  const decoded = decodeJson(last.json, raw);
  if (!decoded.data) {
    if (decoded.problem) problems.push(decoded.problem);
    return { text, data: {}, version: null, problems, writable: true };
  }
  const { v, ...data } = decoded.data;
  if (v === undefined) {
    problems.push({
      kind: "missing-version",
      message: `The metadata block has no "v"; it is read as version ${METADATA_VERSION}.`,
      raw,
    });
    return { text, data, version: METADATA_VERSION, problems, writable: true };
  }
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    problems.push({
      kind: "invalid-version",
      message: `The metadata block's "v" must be a positive whole number (got ${JSON.stringify(v)}); its fields are ignored.`,
      raw,
    });
    return { text, data: {}, version: null, problems, writable: true };
  }
  if (v > METADATA_VERSION) {
    problems.push({
      kind: "unknown-version",
      message: `The metadata block is version ${v}, newer than this gastown (${METADATA_VERSION}); upgrade gastown to change this issue.`,
      raw,
    });
    return { text, data: {}, version: v, problems, writable: false };
  }
  return { text, data, version: v, problems, writable: true };
}

/** JSON that cannot end an HTML comment: `<` and `>` only occur inside JSON strings. */
export function encodeCommentJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
}

/** `text` followed by a block holding `data` (with `v` first). An empty `data` writes no block. */
export function renderBlock(
  text: string,
  data: Readonly<Record<string, unknown>>,
  tag: string = METADATA_TAG,
): string {
  const visible = text.trimEnd();
  const defined = Object.fromEntries(
    Object.entries(data).filter(([key, value]) => key !== "v" && value !== undefined),
  );
  if (Object.keys(defined).length === 0) return visible;
  const block = `<!-- ${tag} ${encodeCommentJson({ v: METADATA_VERSION, ...defined })} -->`;
  return visible === "" ? block : `${visible}\n\n${block}`;
}

/** A zod schema per known field of a metadata record (`others` excluded). */
export type FieldSchemas<T> = { [K in Exclude<keyof T, "others">]-?: z.ZodType<Exclude<T[K], undefined>> };

/** Known fields of a record type plus `others`: keys this version does not know, kept as they are. */
export interface WithOthers {
  others?: Readonly<Record<string, unknown>>;
}

/**
 * Validates each known field on its own: a bad field is dropped and reported, the others are kept.
 * Unknown keys go to `others` so a rewrite carries them through.
 */
export function decodeFields<T extends WithOthers>(
  data: Readonly<Record<string, unknown>>,
  schemas: FieldSchemas<T>,
): { value: T; problems: MetadataProblem[] } {
  const value: Record<string, unknown> = {};
  const others: Record<string, unknown> = {};
  const problems: MetadataProblem[] = [];
  const known = schemas as Readonly<Record<string, z.ZodType>>;
  for (const [key, raw] of Object.entries(data)) {
    const schema = Object.hasOwn(known, key) ? known[key] : undefined;
    if (!schema) {
      others[key] = raw;
      continue;
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) {
      value[key] = parsed.data;
    } else {
      const issue = parsed.error.issues[0]?.message ?? "invalid value";
      problems.push({
        kind: "invalid-field",
        field: key,
        message: `Metadata field "${key}" is invalid (${issue}); it is ignored.`,
        raw: JSON.stringify(raw) ?? String(raw),
      });
    }
  }
  if (Object.keys(others).length > 0) value.others = others;
  return { value: value as T, problems };
}

/** The record as block data: `others` first, known fields over them, undefined fields dropped. */
export function encodeFields<T extends WithOthers>(record: T): Record<string, unknown> {
  const { others, ...known } = record;
  return Object.fromEntries(
    Object.entries({ ...others, ...known }).filter(([, value]) => value !== undefined),
  );
}

/** A patch: a value sets the field, `null` removes it, absent keeps it. */
export type MetadataPatch<T> = { [K in Exclude<keyof T, "others">]?: Exclude<T[K], undefined> | null };

/** Applies a patch to a record; `others` is carried through unchanged. */
export function mergeMetadata<T extends WithOthers>(base: T, patch: MetadataPatch<T>): T {
  const out: Record<string, unknown> = { ...(base as Readonly<Record<string, unknown>>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (value !== undefined) out[key] = value;
  }
  return out as unknown as T;
}
