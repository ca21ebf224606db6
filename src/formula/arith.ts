// A tiny, safe integer arithmetic language for loop ranges (`1..2^{disks}-1`) and loop-body
// expressions (`{(i & (i - 1)) % 3 + 1}`). It is parsed by hand, never handed to eval, and only
// knows numbers, variables from the given scope and a handful of functions.
//
//   expr    := or
//   or      := and ("|" and)*
//   and     := sum ("&" sum)*
//   sum     := product (("+" | "-") product)*
//   product := unary (("*" | "/" | "%") unary)*
//   unary   := "-" unary | power
//   power   := atom ("^" unary)?          right-associative; 2^3^2 = 2^9
//   atom    := number | name | name "(" expr ("," expr)* ")" | "(" expr ")"
//
// `/` divides and truncates toward zero; `^` is a power; `&` and `|` are bitwise. Results must
// stay safe integers.

export type Scope = Readonly<Record<string, number>>;

/** Why an expression could not be evaluated; `message` is written for formula authors. */
export class ArithError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArithError";
  }
}

const FUNCTIONS: Readonly<Record<string, (args: number[]) => number>> = {
  min: (args) => Math.min(...args),
  max: (args) => Math.max(...args),
  abs: (args) => Math.abs(args[0]!),
  /** Trailing zero bits: the disk that move `i` of a Towers of Hanoi solution lifts, minus one. */
  ctz: (args) => {
    const value = args[0]!;
    if (value === 0) return 0;
    let count = 0;
    let rest = value;
    while (rest % 2 === 0) {
      rest /= 2;
      count++;
    }
    return count;
  },
};
const ARITY: Readonly<Record<string, number>> = { abs: 1, ctz: 1 };

const MAX_LENGTH = 500;
const TOKEN = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(\S))/y;

type Token = { kind: "num"; value: number } | { kind: "name"; value: string } | { kind: "op"; value: string };

// Loop bodies evaluate the same few expressions once per iteration; tokenizing them once pays.
const tokenCache = new Map<string, Token[]>();
const TOKEN_CACHE_SIZE = 1_000;

function tokenize(source: string): Token[] {
  const cached = tokenCache.get(source);
  if (cached !== undefined) return cached;
  const tokens = scan(source);
  if (tokenCache.size >= TOKEN_CACHE_SIZE) tokenCache.clear();
  tokenCache.set(source, tokens);
  return tokens;
}

function scan(source: string): Token[] {
  if (source.length > MAX_LENGTH) throw new ArithError(`expression is longer than ${MAX_LENGTH} characters`);
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const match = TOKEN.exec(source);
    if (match === null) break;
    if (match[1] !== undefined) tokens.push({ kind: "num", value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: "name", value: match[2] });
    else if (match[3] !== undefined) {
      if (!"+-*/%^&|(),".includes(match[3])) throw new ArithError(`unexpected "${match[3]}"`);
      tokens.push({ kind: "op", value: match[3] });
    }
  }
  return tokens;
}

function checked(value: number): number {
  if (!Number.isSafeInteger(value)) throw new ArithError(`result ${value} is not a safe whole number`);
  return value;
}

class Evaluator {
  private index = 0;
  readonly used = new Set<string>();
  private readonly tokens: Token[];
  private readonly scope: Scope;

  constructor(tokens: Token[], scope: Scope) {
    this.tokens = tokens;
    this.scope = scope;
  }

  run(): number {
    if (this.tokens.length === 0) throw new ArithError("the expression is empty");
    const value = this.or();
    const rest = this.tokens[this.index];
    if (rest !== undefined) throw new ArithError(`unexpected "${rest.value}"`);
    return value;
  }

  private peekOp(...ops: string[]): string | undefined {
    const token = this.tokens[this.index];
    return token?.kind === "op" && ops.includes(token.value) ? token.value : undefined;
  }

  private or(): number {
    let value = this.and();
    while (this.peekOp("|")) {
      this.index++;
      value = checked(Number(BigInt(value) | BigInt(this.and())));
    }
    return value;
  }

  private and(): number {
    let value = this.sum();
    while (this.peekOp("&")) {
      this.index++;
      value = checked(Number(BigInt(value) & BigInt(this.sum())));
    }
    return value;
  }

  private sum(): number {
    let value = this.product();
    for (let op = this.peekOp("+", "-"); op !== undefined; op = this.peekOp("+", "-")) {
      this.index++;
      const right = this.product();
      value = checked(op === "+" ? value + right : value - right);
    }
    return value;
  }

  private product(): number {
    let value = this.unary();
    for (let op = this.peekOp("*", "/", "%"); op !== undefined; op = this.peekOp("*", "/", "%")) {
      this.index++;
      const right = this.unary();
      if (op !== "*" && right === 0) throw new ArithError("division by zero");
      value = checked(op === "*" ? value * right : op === "/" ? Math.trunc(value / right) : value % right);
    }
    return value;
  }

  private unary(): number {
    if (this.peekOp("-")) {
      this.index++;
      return checked(-this.unary());
    }
    return this.power();
  }

  private power(): number {
    const base = this.atom();
    if (!this.peekOp("^")) return base;
    this.index++;
    const exponent = this.unary();
    if (exponent < 0) throw new ArithError("negative exponents are not whole numbers");
    return checked(base ** exponent);
  }

  private atom(): number {
    const token = this.tokens[this.index++];
    if (token === undefined) throw new ArithError("the expression ends too early");
    if (token.kind === "num") return checked(token.value);
    if (token.kind === "op") {
      if (token.value !== "(") throw new ArithError(`unexpected "${token.value}"`);
      const value = this.or();
      this.expect(")");
      return value;
    }
    if (this.peekOp("(")) return this.call(token.value);
    const value = this.scope[token.value];
    if (value === undefined) throw new ArithError(`unknown name "${token.value}"`);
    this.used.add(token.value);
    return value;
  }

  private call(name: string): number {
    const fn = FUNCTIONS[name];
    if (fn === undefined) {
      throw new ArithError(`unknown function "${name}" (known: ${Object.keys(FUNCTIONS).join(", ")})`);
    }
    this.index++;
    const args = [this.or()];
    while (this.peekOp(",")) {
      this.index++;
      args.push(this.or());
    }
    this.expect(")");
    const arity = ARITY[name];
    if (arity !== undefined && args.length !== arity) {
      throw new ArithError(`${name}() takes ${arity} argument${arity === 1 ? "" : "s"}`);
    }
    return checked(fn(args));
  }

  private expect(op: string): void {
    if (!this.peekOp(op)) throw new ArithError(`expected "${op}"`);
    this.index++;
  }
}

/** Evaluates an integer expression over the scope; throws ArithError with a readable reason. */
export function evaluate(source: string, scope: Scope = {}): number {
  return new Evaluator(tokenize(source), scope).run();
}

/**
 * Evaluates when the text is an expression over at least one scope variable; otherwise returns
 * undefined (so `{target}` or a JSON snippet in a description is left alone).
 */
export function tryEvaluateWithScope(source: string, scope: Scope): number | undefined {
  try {
    const evaluator = new Evaluator(tokenize(source), scope);
    const value = evaluator.run();
    return evaluator.used.size > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
