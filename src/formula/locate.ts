// Source positions for formula files. smol-toml gives values but no positions, so this module
// scans the (already valid) TOML text once and records where every key, table header and array
// element starts, keyed by its path in the parsed value. JSON gets a small parser of its own that
// yields values and positions together, and the exact place of a syntax error.

/** A key or array index in a parsed document: `["steps", 2, "needs", 0]`. */
export type PathSegment = string | number;

/** Line and column, counted from 1. */
export interface Position {
  line: number;
  column: number;
}

/** Finds where a path of the parsed document is written in its source text. */
export interface SourceMap {
  /** The position of the path, or of its closest written ancestor; 1:1 when nothing matches. */
  locate(path: readonly PathSegment[]): Position;
}

function pathKey(path: readonly PathSegment[]): string {
  let key = "";
  for (const segment of path) key += typeof segment === "number" ? `[${segment}]` : `.${segment}`;
  return key;
}

/** Turns character offsets into line/column, with the line starts computed once. */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  at(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }
}

class PositionTable implements SourceMap {
  private readonly offsets = new Map<string, number>();
  private readonly lines: LineIndex;

  constructor(text: string) {
    this.lines = new LineIndex(text);
  }

  record(path: readonly PathSegment[], offset: number): void {
    const key = pathKey(path);
    if (!this.offsets.has(key)) this.offsets.set(key, offset);
  }

  locate(path: readonly PathSegment[]): Position {
    for (let length = path.length; length >= 0; length--) {
      const prefix = path.slice(0, length);
      const hit = this.offsets.get(pathKey(prefix));
      if (hit !== undefined) return this.lines.at(hit);
      // A shorthand written as one table but normalised to a list (`before = {...}`) has an
      // index in the checked path that the source lacks.
      for (let j = prefix.length - 1; j >= 0; j--) {
        if (typeof prefix[j] !== "number") continue;
        const variant = [...prefix.slice(0, j), ...prefix.slice(j + 1)];
        const found = this.offsets.get(pathKey(variant));
        if (found !== undefined) return this.lines.at(found);
      }
    }
    return { line: 1, column: 1 };
  }

  positionOf(offset: number): Position {
    return this.lines.at(offset);
  }
}

const BARE_KEY = /[A-Za-z0-9_-]/;

/** Scans TOML text that already parsed cleanly and maps every path to where it is written. */
export function mapTomlSource(text: string): SourceMap {
  const table = new PositionTable(text);
  const arrayTables = new Map<string, number>();
  let i = 0;

  const skipSpaces = (): void => {
    while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
  };
  const skipBlank = (): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") i++;
      else if (c === "#") while (i < text.length && text[i] !== "\n") i++;
      else break;
    }
  };

  const readString = (): string => {
    const quote = text[i]!;
    const triple = text.startsWith(quote.repeat(3), i);
    const start = i;
    if (triple) {
      i += 3;
      while (i < text.length) {
        if (quote === '"' && text[i] === "\\") i += 2;
        else if (text.startsWith(quote.repeat(3), i)) {
          i += 3;
          // Up to two more quotes may close a multi-line string (`""""` ends with a quote).
          while (text[i] === quote) i++;
          break;
        } else i++;
      }
      return text.slice(start, i);
    }
    i++;
    while (i < text.length && text[i] !== quote) i += quote === '"' && text[i] === "\\" ? 2 : 1;
    i++;
    const raw = text.slice(start + 1, i - 1);
    if (quote === "'") return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return raw;
    }
  };

  const readKeyPath = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skipSpaces();
      if (text[i] === '"' || text[i] === "'") parts.push(readString());
      else {
        const start = i;
        while (i < text.length && BARE_KEY.test(text[i]!)) i++;
        parts.push(text.slice(start, i));
      }
      skipSpaces();
      if (text[i] !== ".") return parts;
      i++;
    }
  };

  const readValue = (path: PathSegment[]): void => {
    table.record(path, i);
    const c = text[i];
    if (c === '"' || c === "'") {
      readString();
    } else if (c === "[") {
      i++;
      let index = 0;
      for (;;) {
        skipBlank();
        if (i >= text.length || text[i] === "]") break;
        readValue([...path, index]);
        index++;
        skipBlank();
        if (text[i] === ",") i++;
      }
      i++;
    } else if (c === "{") {
      i++;
      for (;;) {
        skipBlank();
        if (i >= text.length || text[i] === "}") break;
        readKeyValue(path);
        skipBlank();
        if (text[i] === ",") i++;
      }
      i++;
    } else {
      while (i < text.length && !",]}\n#".includes(text[i]!)) i++;
    }
  };

  const readKeyValue = (base: PathSegment[]): void => {
    const start = i;
    const keys = readKeyPath();
    const full = [...base];
    for (const key of keys) {
      full.push(key);
      table.record(full, start);
    }
    skipSpaces();
    if (text[i] === "=") i++;
    skipSpaces();
    readValue(full);
  };

  const resolveHeader = (keys: string[], isArray: boolean, start: number): PathSegment[] => {
    const out: PathSegment[] = [];
    keys.forEach((key, index) => {
      out.push(key);
      table.record(out, start);
      const id = pathKey(out);
      const count = arrayTables.get(id);
      if (index === keys.length - 1 && isArray) {
        arrayTables.set(id, (count ?? 0) + 1);
        out.push(count ?? 0);
      } else if (count !== undefined) {
        out.push(count - 1);
      }
    });
    return out;
  };

  let current: PathSegment[] = [];
  for (;;) {
    skipBlank();
    if (i >= text.length) break;
    if (text[i] === "[") {
      const start = i;
      const isArray = text[i + 1] === "[";
      i += isArray ? 2 : 1;
      const keys = readKeyPath();
      i += isArray ? 2 : 1;
      current = resolveHeader(keys, isArray, start);
      table.record(current, start);
    } else {
      const before = i;
      readKeyValue(current);
      // Defensive: never spin on text the scanner does not understand.
      if (i === before) i++;
    }
  }
  return table;
}

/** A JSON syntax error at a character offset. */
export interface JsonSyntaxError {
  message: string;
  position: Position;
}

/** The value of a JSON document and where each of its paths is written. */
export type JsonParseResult =
  | { ok: true; value: unknown; map: SourceMap }
  | { ok: false; error: JsonSyntaxError };

/** Parses JSON, recording positions; reports the exact place of a syntax error. */
export function parseJsonSource(text: string): JsonParseResult {
  const table = new PositionTable(text);
  let i = 0;

  class Stop extends Error {
    readonly offset: number;
    constructor(message: string, offset: number) {
      super(message);
      this.offset = offset;
    }
  }
  const stop = (message: string): never => {
    throw new Stop(message, i);
  };
  const skip = (): void => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const describe = (): string => (i >= text.length ? "end of file" : JSON.stringify(text[i]));

  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\n") stop("unterminated string");
      i += text[i] === "\\" ? 2 : 1;
    }
    if (i >= text.length) {
      i = start;
      stop("unterminated string");
    }
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      i = start;
      return stop("invalid escape in string");
    }
  };

  const readValue = (path: PathSegment[]): unknown => {
    skip();
    table.record(path, i);
    const c = text[i];
    if (c === "{") {
      i++;
      const out: Record<string, unknown> = {};
      skip();
      if (text[i] === "}") {
        i++;
        return out;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') stop(`expected a key in double quotes, found ${describe()}`);
        const keyStart = i;
        const key = readString();
        table.record([...path, key], keyStart);
        skip();
        if (text[i] !== ":") stop(`expected ":" after the key "${key}", found ${describe()}`);
        i++;
        out[key] = readValue([...path, key]);
        skip();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return out;
        }
        stop(`expected "," or "}" after a value, found ${describe()}`);
      }
    }
    if (c === "[") {
      i++;
      const out: unknown[] = [];
      skip();
      if (text[i] === "]") {
        i++;
        return out;
      }
      for (;;) {
        out.push(readValue([...path, out.length]));
        skip();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return out;
        }
        stop(`expected "," or "]" after a value, found ${describe()}`);
      }
    }
    if (c === '"') return readString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      text.slice(i, i + 64),
    );
    if (literal === null) return stop(`unexpected ${describe()}`);
    i += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  };

  try {
    const value = readValue([]);
    skip();
    if (i < text.length) stop(`unexpected ${describe()} after the document`);
    return { ok: true, value, map: table };
  } catch (error: unknown) {
    if (error instanceof Stop) {
      return { ok: false, error: { message: error.message, position: table.positionOf(error.offset) } };
    }
    throw error;
  }
}
