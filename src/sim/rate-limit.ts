// GitHub's primary rate limit, as the loopback GitHub keeps it: a count per token holder (the
// installation, each user, each repo's workflow token, anonymous callers) over an hour's window,
// reported on every answer in the `x-ratelimit-*` headers. Production code reads those headers:
// a 403 with `x-ratelimit-remaining: 0` means "rate limited" there, so they must never claim an
// exhausted limit the sim does not enforce.
//
// By default the limit is not enforced: a window that fills up starts afresh, as if the hour had
// passed, so long tests and benchmarks never stall on a limit. With `enforce`, the request past
// the limit is refused as GitHub refuses it (403 "API rate limit exceeded", remaining 0).
import type { Principal } from "./auth.ts";
import { HttpError } from "./http.ts";

/** Requests an hour per kind of caller (GitHub's figures by default). */
export interface RateLimits {
  /** A user's token. */
  user: number;
  /** The app's installation (every installation token shares it). */
  installation: number;
  /** A repo's workflow token (`GITHUB_TOKEN`), per repository. */
  workflow: number;
  /** Unauthenticated requests. */
  anonymous: number;
}

export interface RateLimitOptions {
  /** Overrides of GitHub's limits. */
  limits?: Partial<RateLimits>;
  /** Refuses requests past the limit with GitHub's 403 (off by default). */
  enforce?: boolean;
}

/** GitHub's documented primary limits for these callers. */
export const GITHUB_RATE_LIMITS: Readonly<RateLimits> = {
  user: 5000,
  installation: 5000,
  workflow: 1000,
  anonymous: 60,
};

const WINDOW_SECONDS = 3600;

/** Where GitHub's refusal points. */
export const RATE_LIMIT_DOCS = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api";

interface Window {
  limit: number;
  used: number;
  /** Unix seconds when the window ends. */
  reset: number;
}

/** One caller's standing, as the `x-ratelimit-*` headers report it. */
export interface RateStanding {
  limit: number;
  used: number;
  remaining: number;
  reset: number;
}

export class RateLimiter {
  readonly #limits: RateLimits;
  readonly #enforce: boolean;
  readonly #windows = new Map<string, Window>();
  readonly #now: () => number;

  constructor(options: RateLimitOptions = {}, now: () => number = () => Math.floor(Date.now() / 1000)) {
    this.#limits = { ...GITHUB_RATE_LIMITS, ...options.limits };
    this.#enforce = options.enforce ?? false;
    this.#now = now;
  }

  /**
   * Counts one request of the caller, or, when enforcing and the window is spent, throws
   * GitHub's 403 (carrying the standing to report).
   */
  take(principal: Principal): RateStanding {
    const window = this.#window(principal);
    if (window.used >= window.limit) {
      if (this.#enforce) throw new RateLimitError(exceededMessage(principal), standing(window));
      // Unenforced: the full window gives way to a fresh one rather than report a limit it ignores.
      window.used = 0;
      window.reset = this.#now() + WINDOW_SECONDS;
    }
    window.used += 1;
    return standing(window);
  }

  /** The caller's standing without counting a request (for answers refused before counting). */
  peek(principal: Principal): RateStanding {
    return standing(this.#window(principal));
  }

  #window(principal: Principal): Window {
    const { key, kind } = holderOf(principal);
    const now = this.#now();
    let window = this.#windows.get(key);
    if (!window || now >= window.reset) {
      window = { limit: this.#limits[kind], used: 0, reset: now + WINDOW_SECONDS };
      this.#windows.set(key, window);
    }
    return window;
  }
}

/** GitHub's refusal past the limit; `standing` fills the headers of the answer. */
export class RateLimitError extends HttpError {
  readonly standing: RateStanding;
  constructor(message: string, standing: RateStanding) {
    super(403, message);
    this.standing = standing;
  }
}

/** The `x-ratelimit-*` headers for a standing. */
export function rateHeaders(standing: RateStanding): Record<string, string> {
  return {
    "x-ratelimit-limit": String(standing.limit),
    "x-ratelimit-remaining": String(standing.remaining),
    "x-ratelimit-used": String(standing.used),
    "x-ratelimit-reset": String(standing.reset),
    "x-ratelimit-resource": "core",
  };
}

function standing(window: Window): RateStanding {
  return {
    limit: window.limit,
    used: window.used,
    remaining: Math.max(0, window.limit - window.used),
    reset: window.reset,
  };
}

/** Whose limit a request counts against. */
function holderOf(principal: Principal): { key: string; kind: keyof RateLimits } {
  const token = principal.token;
  if (!token) return { key: "anonymous", kind: "anonymous" };
  switch (token.kind) {
    case "installation":
      return { key: "installation", kind: "installation" };
    case "workflow":
      return { key: `workflow:${(token.repos ?? []).join(",").toLowerCase()}`, kind: "workflow" };
    default:
      return { key: `user:${token.login.toLowerCase()}`, kind: "user" };
  }
}

function exceededMessage(principal: Principal): string {
  const token = principal.token;
  if (!token) {
    return (
      "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get " +
      "a higher rate limit. Check out the documentation for more details.)"
    );
  }
  if (token.kind === "user") return `API rate limit exceeded for user ${token.login}.`;
  // The workflow token is an installation token of GitHub Actions, and GitHub says so.
  return "API rate limit exceeded for installation ID 1.";
}
