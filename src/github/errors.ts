// GitHub's refusals, turned into GastownErrors that say what went wrong and what to do. The
// request's headers (and so the token) never reach the message; the text is redacted anyway.
import { GastownError } from "../model/errors.ts";
import { redactSecrets } from "../model/redact.ts";

/** The shape of Octokit's RequestError that we rely on (duck-typed: no import of its package). */
interface HttpErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

export function isHttpError(error: unknown): error is HttpErrorLike {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { status?: unknown }).status === "number" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

/** The HTTP status of a GitHub error, or undefined for anything else. */
export function httpStatus(error: unknown): number | undefined {
  return isHttpError(error) ? error.status : undefined;
}

interface ValidationDetail {
  resource?: string;
  field?: string;
  code?: string;
  message?: string;
}

function validationDetails(error: HttpErrorLike): string[] {
  const data = error.response?.data as { errors?: unknown } | undefined;
  if (!data || !Array.isArray(data.errors)) return [];
  return data.errors.map((item: unknown) => {
    if (typeof item === "string") return item;
    const detail = item as ValidationDetail;
    return (
      detail.message ??
      [detail.resource, detail.field, detail.code].filter((part) => part !== undefined).join(" ")
    );
  });
}

/** GitHub's own message without the docs link Octokit appends. */
function githubMessage(error: HttpErrorLike): string {
  const data = error.response?.data as { message?: unknown } | undefined;
  const message = typeof data?.message === "string" ? data.message : error.message;
  return message.replace(/\s*-\s*https:\/\/docs\.github\.com\S*/g, "").trim();
}

export interface GitHubErrorContext {
  /** What we were doing, as a phrase: `"create issue #12"`, `"list labels of acme/app"`. */
  action: string;
  /** Extra secrets to redact from the message (the token, when the caller has it). */
  secrets?: readonly string[];
  /**
   * What a 404 means for this call, when only one thing can be missing (a repository-wide list
   * or create can only miss the repository): said instead of the generic "not found".
   */
  notFound?: { message: string; hint: string };
}

/** The 404 of a repository-wide call: the repository is missing, or the token cannot see it. */
export function repositoryNotFound(repo: string): { message: string; hint: string } {
  return {
    message: `Repository ${repo} does not exist, or the token cannot see it.`,
    hint: "Check the owner/name given by --repo, GASTOWN_REPO or the origin remote; for a private repository, use a token with access to it. Nothing was changed.",
  };
}

/**
 * A GastownError for any failure of a GitHub call. 401, 403, 404 and 422 get specific hints;
 * other statuses and non-HTTP errors are wrapped with the GitHub message. Already-mapped errors
 * pass through unchanged.
 */
export function toGastownError(error: unknown, context: GitHubErrorContext): GastownError {
  if (error instanceof GastownError) return error;
  const clean = (text: string) => redactSecrets(text, context.secrets);
  if (!isHttpError(error)) {
    const detail = error instanceof Error ? error.message : String(error);
    return new GastownError(clean(`Could not ${context.action}: ${detail}`), {
      code: "unavailable",
      hint: "Check the network connection and the API URL (--api-url), then try again.",
      cause: error,
    });
  }
  const status = error.status;
  const said = clean(githubMessage(error));
  const headers = error.response?.headers ?? {};
  const base = { status, cause: redactCause(error) };
  switch (status) {
    case 401:
      return new GastownError(
        clean(`Could not ${context.action}: GitHub rejected the token (401 ${said}).`),
        {
          ...base,
          code: "unauthorized",
          hint: "Set GITHUB_TOKEN or GH_TOKEN to a valid token, or run `gh auth login`; the token may have expired.",
        },
      );
    case 403:
    case 429: {
      const limited =
        status === 429 || String(headers["x-ratelimit-remaining"]) === "0" || /rate limit/i.test(said);
      if (limited) {
        const reset = Number(headers["x-ratelimit-reset"]);
        const when =
          Number.isFinite(reset) && reset > 0 ? ` It resets at ${new Date(reset * 1000).toISOString()}.` : "";
        return new GastownError(
          clean(`Could not ${context.action}: GitHub's rate limit was reached (${said}).${when}`),
          {
            ...base,
            code: "rate-limited",
            hint: "Wait for the limit to reset and try again; spread writes out (GitHub allows 80 content writes a minute).",
          },
        );
      }
      return new GastownError(
        clean(`Could not ${context.action}: the token is not allowed to (403 ${said}).`),
        {
          ...base,
          code: "forbidden",
          hint: "Use a token with write access to the repository (Issues: read and write; Contents: read and write for hooks).",
        },
      );
    }
    case 404:
      if (context.notFound) {
        return new GastownError(clean(`Could not ${context.action}: ${context.notFound.message}`), {
          ...base,
          code: "not-found",
          hint: context.notFound.hint,
        });
      }
      return new GastownError(clean(`Could not ${context.action}: not found (404).`), {
        ...base,
        code: "not-found",
        hint: "Check the repository name and the number; a private repository also answers 404 to a token that cannot see it.",
      });
    case 410:
      return new GastownError(clean(`Could not ${context.action}: ${said} (410).`), {
        ...base,
        code: "not-found",
        hint: "Issues may be turned off for this repository; enable them in its settings.",
      });
    case 422: {
      const details = validationDetails(error).map(clean);
      const detail = details.length > 0 ? `: ${details.join("; ")}` : "";
      return new GastownError(clean(`Could not ${context.action}: GitHub refused it (${said}${detail}).`), {
        ...base,
        code: "validation",
        hint: "Check the values given (names, numbers, lengths); nothing was changed.",
      });
    }
    default:
      return new GastownError(clean(`Could not ${context.action}: GitHub answered ${status} (${said}).`), {
        ...base,
        code: status >= 500 ? "unavailable" : "github",
        hint:
          status >= 500
            ? "GitHub is having trouble; try again in a minute."
            : "Check the request and try again.",
      });
  }
}

/** The original error minus its request (headers, body): enough for debugging, no token. */
function redactCause(error: HttpErrorLike): { status: number; message: string } {
  return { status: error.status, message: redactSecrets(error.message) };
}

/** Runs a GitHub call, mapping any failure with {@link toGastownError}. */
export async function callGitHub<T>(context: GitHubErrorContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error: unknown) {
    throw toGastownError(error, context);
  }
}
