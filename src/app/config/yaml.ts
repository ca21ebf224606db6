// Reads a YAML config file and keeps the way back from a value to its place in the file: the
// yaml package's document nodes carry source offsets and a LineCounter turns those into lines and
// columns, so a problem found later by the schema still points at the right character.
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { ConfigProblem } from "./errors.ts";

/** A path into the parsed value: keys and list indexes. */
export type ConfigPath = ReadonlyArray<string | number>;

/** A place in a file. */
export interface Position {
  line: number;
  column: number;
  excerpt?: string;
}

/** A parsed file: its plain value, and where any path in it was written. */
export interface YamlFile {
  file: string;
  value: unknown;
  /** Where `path` was written; `at: "key"` points at the key rather than the value. */
  locate(path: ConfigPath, at?: "key" | "value"): Position;
}

const SYNTAX_HINTS: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: "Indent with spaces; YAML does not allow tabs for indentation.",
  DUPLICATE_KEY: "Each key may appear once in a mapping; remove or merge the duplicate.",
  MISSING_CHAR: "Close the quote or bracket that starts before this point.",
  BAD_INDENT: "Indent nested keys consistently (two spaces per level) and close every bracket.",
  BLOCK_AS_IMPLICIT_KEY: "Put a space after the colon of each key, and nested values on their own lines.",
  MULTILINE_IMPLICIT_KEY: "A key must fit on one line; check for a missing colon or quote on the line above.",
  ALIAS_PROPS: "An alias (*name) cannot carry an anchor or tag.",
  BAD_ALIAS: "Define the anchor (&name) before using the alias (*name).",
  UNEXPECTED_TOKEN: "Check the punctuation here: a stray character, or a missing colon or space.",
};

const plainKey = (node: unknown): string | null => {
  if (isScalar(node)) return String(node.value);
  return null;
};

function excerptAt(text: string, line: number): string | undefined {
  const found = text.split(/\r\n|\r|\n/)[line - 1];
  return found === undefined ? undefined : found;
}

/**
 * Parses `text`. YAML syntax errors (duplicate keys included) come back as located problems; an
 * empty file is an empty mapping.
 */
export function readYaml(
  text: string,
  file: string,
): { ok: true; yaml: YamlFile } | { ok: false; problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    const excerpt = excerptAt(text, line);
    return excerpt === undefined ? { line, column: col } : { line, column: col, excerpt };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => ({
        file,
        ...position(error.pos[0]),
        key: "",
        message: `YAML syntax: ${error.message.replace(/\.$/, "")}`,
        hint:
          SYNTAX_HINTS[error.code] ??
          "Fix the YAML syntax at this point; your editor's YAML support can show it too.",
      })),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error: unknown) {
    return {
      ok: false,
      problems: [
        {
          file,
          line: 0,
          column: 0,
          key: "",
          message: `YAML could not be read: ${error instanceof Error ? error.message : String(error)}`,
          hint: "Use fewer aliases (*name): a config file needs at most a handful.",
        },
      ],
    };
  }
  return {
    ok: true,
    yaml: {
      file,
      value: value ?? {},
      locate: (path, at = "value") => {
        const offset = findOffset(doc, path, at);
        return offset === null ? { line: 1, column: 1, ...optionalExcerpt(text, 1) } : position(offset);
      },
    },
  };
}

const optionalExcerpt = (text: string, line: number): { excerpt?: string } => {
  const excerpt = excerptAt(text, line);
  return excerpt === undefined ? {} : { excerpt };
};

/** The source offset of the deepest node on `path` that exists (the key or the value). */
function findOffset(doc: Document, path: ConfigPath, at: "key" | "value"): number | null {
  let node: unknown = doc.contents;
  let best: number | null = rangeStart(node);
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((item) => plainKey(item.key) === String(segment));
      if (!pair) return best;
      const keyStart = rangeStart(pair.key);
      if (last && at === "key") return keyStart ?? best;
      // An empty value (`key:`) is a null scalar of no width after the colon: point at the key.
      const value = pair.value;
      const empty = isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1];
      const valueStart = empty ? null : rangeStart(value);
      best = valueStart ?? keyStart ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (item === undefined) return best;
      best = rangeStart(item) ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function rangeStart(node: unknown): number | null {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : null;
}
