// HTTP plumbing for the loopback GitHub: the request context handed to every route, GitHub's
// error shape, and pagination with `Link` headers exactly as api.github.com answers.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Principal } from "./auth.ts";

/** An error answered in GitHub's shape: `{ message, documentation_url, status, errors? }`. */
export class HttpError extends Error {
  readonly status: number;
  readonly errors: unknown[] | undefined;
  constructor(status: number, message: string, errors?: unknown[]) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

export const notFound = (): HttpError => new HttpError(404, "Not Found");
export const validationFailed = (message: string, errors?: unknown[]): HttpError =>
  new HttpError(422, message, errors);

export interface SimRequest {
  method: string;
  /** Path without query string, e.g. `/repos/o/r/issues`. */
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingMessage["headers"];
  /** Parsed JSON body (`undefined` for an empty body). */
  body: unknown;
  principal: Principal;
  /** Absolute base URL of the sim (no trailing slash), for `url` fields in responses. */
  baseUrl: string;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown, status = 200, headers?: Record<string, string>): SimResponse =>
  headers ? { status, body, headers } : { status, body };
export const noContent = (): SimResponse => ({ status: 204 });

/** Reads a JSON object body; a non-object answers 400 as GitHub does ("Problems parsing JSON"). */
export function bodyObject(req: SimRequest): Record<string, unknown> {
  if (req.body === undefined) return {};
  if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) {
    throw new HttpError(400, "Problems parsing JSON");
  }
  return req.body as Record<string, unknown>;
}

/**
 * Answers one page of `items`, honouring `page` and `per_page` (default 30, at most 100) and
 * setting a `Link` header with `next`, `last`, `first` and `prev` as GitHub does.
 */
export function paginate<T>(req: SimRequest, items: readonly T[], map?: (item: T) => unknown): SimResponse {
  const perPage = Math.min(100, Math.max(1, Number.parseInt(req.query.get("per_page") ?? "30", 10) || 30));
  const page = Math.max(1, Number.parseInt(req.query.get("page") ?? "1", 10) || 1);
  const start = (page - 1) * perPage;
  const slice = items.slice(start, start + perPage);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const links: string[] = [];
  const link = (p: number, rel: string): void => {
    const q = new URLSearchParams(req.query);
    q.set("page", String(p));
    q.set("per_page", String(perPage));
    links.push(`<${req.baseUrl}${req.path}?${q.toString()}>; rel="${rel}"`);
  };
  if (page > 1) {
    link(page - 1, "prev");
    link(1, "first");
  }
  if (page < lastPage) {
    link(page + 1, "next");
    link(lastPage, "last");
  }
  const body = map ? slice.map(map) : slice;
  return links.length > 0 ? ok(body, 200, { link: links.join(", ") }) : ok(body);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function send(res: ServerResponse, response: SimResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  if (response.body === undefined) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(response.body);
  headers["content-type"] = "application/json; charset=utf-8";
  res.writeHead(response.status, headers);
  res.end(text);
}

/** GitHub's ISO timestamps have no milliseconds. */
export const isoNow = (date: Date = new Date()): string => `${date.toISOString().slice(0, 19)}Z`;
