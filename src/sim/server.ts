// The loopback GitHub's HTTP server: git smart HTTP under `/{owner}/{repo}.git/`, the REST API
// everywhere else. Every API request is authenticated, counted, optionally checked against
// GitHub's OpenAPI description, and answered with rate-limit headers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ANONYMOUS, authenticate } from "./auth.ts";
import type { SimContext } from "./context.ts";
import { handleGit, isGitPath } from "./git-http.ts";
import { type GraphqlExchange, isGraphqlPath, serveGraphql } from "./graphql/endpoint.ts";
import { HttpError, readBody, type SimRequest, type SimResponse, send } from "./http.ts";
import {
  RATE_LIMIT_DOCS,
  RateLimitError,
  type RateLimitOptions,
  RateLimiter,
  type RateStanding,
  rateHeaders,
} from "./rate-limit.ts";
import type { Router } from "./router.ts";

/** Checks each exchange against GitHub's description; throws or records on a mismatch. */
export interface ContractValidator {
  check(exchange: { method: string; template: string; request: SimRequest; response: SimResponse }): void;
  /** Reports requests the description has no operation for. */
  unknownOperation(method: string, template: string): void;
  /** Checks a GraphQL document (and its variables) against GitHub's GraphQL schema. */
  graphql?(exchange: GraphqlExchange): void;
}

export interface ServerOptions {
  router: Router;
  /** Filled in once listening (the base URL needs the port). */
  context: () => SimContext;
  validator?: ContractValidator | undefined;
  /** GitHub's primary rate limit: per-caller counts in the headers, enforced on request. */
  rateLimit?: RateLimitOptions | undefined;
}

export function createSimServer(options: ServerOptions): Server {
  const limiter = new RateLimiter(options.rateLimit);
  return createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { message: String(error) } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sim = options.context();
    const url = new URL(req.url ?? "/", sim.baseUrl);
    if (isGitPath(url.pathname)) {
      await handleGit({ sim, req, res, url });
      return;
    }
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, "").replace(/\/+$/, "") || "/";
    if (isGraphqlPath(path)) {
      await serveGraphql({ sim, req, res, method, validator: options.validator });
      return;
    }
    let response: SimResponse;
    const match = options.router.match(method, path);
    const raw = await readBody(req);
    let request: SimRequest | undefined;
    // A request with bad credentials is reported against the anonymous limit, uncounted.
    let standing: RateStanding | undefined;
    try {
      const principal = authenticate(sim.state, req.headers.authorization);
      standing = limiter.take(principal);
      if (!match) throw new HttpError(404, "Not Found");
      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          throw new HttpError(400, "Problems parsing JSON");
        }
      }
      request = {
        method,
        path,
        query: url.searchParams,
        params: match.params,
        headers: req.headers,
        body,
        principal,
        baseUrl: sim.baseUrl,
      };
      const key = `${method} ${match.template}`;
      sim.state.requestCounts.set(key, (sim.state.requestCounts.get(key) ?? 0) + 1);
      response = await match.handler(request, sim);
    } catch (error) {
      if (error instanceof RateLimitError) standing = error.standing;
      response = errorResponse(error);
    }
    if (options.validator && match && request) {
      options.validator.check({ method, template: match.template, request, response });
    } else if (options.validator && !match) {
      options.validator.unknownOperation(method, path);
    }
    const headers = {
      ...rateHeaders(standing ?? limiter.peek(ANONYMOUS)),
      "x-github-api-version-selected": "2022-11-28",
      "x-github-request-id": `SIM:${sim.state.nextId()}`,
    };
    send(res, { ...response, headers: { ...headers, ...response.headers } });
  }
}

export function errorResponse(error: unknown): SimResponse {
  if (error instanceof HttpError) {
    const body: Record<string, unknown> = {
      message: error.message,
      documentation_url: error instanceof RateLimitError ? RATE_LIMIT_DOCS : "https://docs.github.com/rest",
      status: String(error.status),
    };
    if (error.errors) body.errors = error.errors;
    return { status: error.status, body };
  }
  return { status: 500, body: { message: error instanceof Error ? error.message : String(error) } };
}

export async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
