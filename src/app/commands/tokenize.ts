// Shell-like words for slash-command arguments: whitespace separates, single quotes are literal,
// double quotes allow `\"` and `\\`, a backslash outside quotes escapes the next character, and
// quoted and bare parts join (`--var msg="a b"` is one word). Curly quotes count too, because
// phones and some editors type “ ” and ‘ ’ for you. Free text (a mail body, an escalation) is
// taken raw from a position, so an apostrophe in prose never reads as an unclosed quote.

/** One word of a command line and where it was in the text. */
export interface Token {
  value: string;
  /** Offset of the word's first character. */
  start: number;
  /** Offset just past the word. */
  end: number;
  /** True when any part of the word was quoted (so `""` is an empty word, not nothing). */
  quoted: boolean;
}

/** An argument text that cannot be split into words, with the offset of the problem. */
export class TokenizeError extends Error {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.name = "TokenizeError";
    this.offset = offset;
  }
}

/** Opening quote → its closing quote and whether backslash escapes work inside. */
const QUOTES: ReadonlyMap<string, { close: string; escapes: boolean }> = new Map([
  ['"', { close: '"', escapes: true }],
  ["'", { close: "'", escapes: false }],
  ["\u201c", { close: "\u201d", escapes: true }],
  ["\u2018", { close: "\u2019", escapes: false }],
]);

const isSpace = (char: string | undefined): boolean => char !== undefined && /\s/.test(char);

/** Reads words one at a time, so a parser can stop and take the rest as free text. */
export class Lexer {
  readonly text: string;
  #pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  /** The next word, or null at the end. Throws {@link TokenizeError} on an unclosed quote. */
  next(): Token | null {
    const token = this.#read(this.#pos);
    if (token) this.#pos = token.end;
    else this.#pos = this.text.length;
    return token;
  }

  /** The next word without consuming it. */
  peek(): Token | null {
    return this.#read(this.#pos);
  }

  /** Every remaining word. */
  rest(): Token[] {
    const tokens: Token[] = [];
    for (let token = this.next(); token; token = this.next()) tokens.push(token);
    return tokens;
  }

  /**
   * The remaining text as free text, trimmed. When it is exactly one quoted word (`"text"`), the
   * quotes are removed; anything else is taken as written.
   */
  restText(): string {
    const raw = this.text.slice(this.#pos).trim();
    this.#pos = this.text.length;
    try {
      const inner = new Lexer(raw);
      const first = inner.next();
      if (first?.quoted && first.start === 0 && first.end === raw.length && /^["'\u201c\u2018]/.test(raw)) {
        return first.value;
      }
    } catch {
      // Prose with an apostrophe is not a quoted word; keep it as written.
    }
    return raw;
  }

  #read(from: number): Token | null {
    const text = this.text;
    let i = from;
    while (i < text.length && isSpace(text[i])) i++;
    if (i >= text.length) return null;
    const start = i;
    let value = "";
    let quoted = false;
    while (i < text.length && !isSpace(text[i])) {
      const char = text[i] as string;
      const quote = QUOTES.get(char);
      if (quote) {
        quoted = true;
        const open = i;
        i++;
        let closed = false;
        while (i < text.length) {
          const inner = text[i] as string;
          if (inner === quote.close) {
            closed = true;
            i++;
            break;
          }
          if (quote.escapes && inner === "\\" && (text[i + 1] === quote.close || text[i + 1] === "\\")) {
            value += text[i + 1];
            i += 2;
            continue;
          }
          value += inner;
          i++;
        }
        if (!closed) {
          throw new TokenizeError(`the quote ${char} opened here is never closed`, open);
        }
        continue;
      }
      if (char === "\\" && i + 1 < text.length) {
        value += text[i + 1];
        i += 2;
        continue;
      }
      value += char;
      i++;
    }
    return { value, start, end: i, quoted };
  }
}

/** Splits a whole argument text into words. Throws {@link TokenizeError} on an unclosed quote. */
export function tokenize(text: string): string[] {
  return new Lexer(text).rest().map((token) => token.value);
}
