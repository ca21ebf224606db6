// One error type for everything a user can get wrong or GitHub can refuse. The message says what
// is wrong; the hint says what to do about it. Callers print both, exit 1 (or reply with both).

/** Machine-readable error kinds; tests and callers branch on these, never on message text. */
export type GastownErrorCode =
  | "bad-input"
  | "bad-address"
  | "too-long"
  | "not-found"
  | "conflict"
  | "cycle"
  | "unauthorized"
  | "forbidden"
  | "rate-limited"
  | "validation"
  | "unavailable"
  | "github";

export interface GastownErrorOptions {
  code: GastownErrorCode;
  /** What the user should do next, in one sentence. */
  hint: string;
  /** HTTP status when the error came from GitHub. */
  status?: number | undefined;
  cause?: unknown;
}

/** An error that says what is wrong (`message`) and what to do (`hint`). */
export class GastownError extends Error {
  readonly code: GastownErrorCode;
  readonly hint: string;
  readonly status: number | undefined;

  constructor(message: string, options: GastownErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GastownError";
    this.code = options.code;
    this.hint = options.hint;
    this.status = options.status;
  }

  /** `message` and `hint` on two lines, the way the CLI and comments show them. */
  describe(): string {
    return `${this.message}\nHint: ${this.hint}`;
  }
}

/** The outcome of an operation that reports failure as a value instead of throwing. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: GastownError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: GastownError): Result<T> {
  return { ok: false, error };
}

/** The value of an ok result; throws the carried GastownError otherwise. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw result.error;
}

export function isGastownError(error: unknown): error is GastownError {
  return error instanceof GastownError;
}
