// `POST /graphql` (and GHES's `/api/graphql`): authenticated like REST, answered as GitHub does —
// HTTP 200 with `{ data, errors: [{ type, path, locations, message }] }` for anything a document
// gets wrong, 401 without a valid token. Documents run against the sim's own schema (a subset
// of GitHub's); the contract validator, when given, checks each one against GitHub's schema.
import type { IncomingMessage, ServerResponse } from "node:http";
import { type GraphQLError, graphql } from "graphql";
import { ANONYMOUS, authenticate, type Principal } from "../auth.ts";
import type { SimContext } from "../context.ts";
import { HttpError, readBody, type SimResponse, send } from "../http.ts";
import type { ContractValidator } from "../server.ts";
import { GithubGraphqlError, rootValue } from "./resolvers.ts";
import { simGraphqlSchema } from "./schema.ts";

/** One GraphQL request and its answer, as the contract validator sees it. */
export interface GraphqlExchange {
  /** The body's `query`, `variables` and `operationName` as sent. */
  query: unknown;
  variables: unknown;
  operationName: unknown;
  response: SimResponse;
}

const DOCS = "https://docs.github.com/graphql";

export const isGraphqlPath = (path: string): boolean => path === "/graphql" || path === "/api/graphql";

/** Answers one GraphQL request (the caller has matched the path). */
export async function serveGraphql(args: {
  sim: SimContext;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  validator?: ContractValidator | undefined;
}): Promise<void> {
  const { sim, req, res, method } = args;
  const raw = await readBody(req);
  let body: Record<string, unknown> | undefined;
  let response: SimResponse;
  try {
    if (method !== "POST") throw new HttpError(404, "Not Found");
    const principal = authenticate(sim.state, req.headers.authorization);
    if (principal === ANONYMOUS) throw new HttpError(401, "This endpoint requires you to be authenticated.");
    body = parseBody(raw);
    const key = "POST /graphql";
    sim.state.requestCounts.set(key, (sim.state.requestCounts.get(key) ?? 0) + 1);
    response = await execute(sim, principal, body);
  } catch (error) {
    response =
      error instanceof HttpError
        ? {
            status: error.status,
            body: { message: error.message, documentation_url: DOCS, status: String(error.status) },
          }
        : { status: 500, body: { message: error instanceof Error ? error.message : String(error) } };
  }
  if (body && args.validator?.graphql) {
    args.validator.graphql({
      query: body.query,
      variables: body.variables,
      operationName: body.operationName,
      response,
    });
  }
  send(res, {
    ...response,
    headers: { "x-github-request-id": `SIM:${sim.state.nextId()}`, ...response.headers },
  });
}

function parseBody(raw: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError(400, "Problems parsing JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, "Problems parsing JSON");
  }
  return parsed as Record<string, unknown>;
}

async function execute(
  sim: SimContext,
  principal: Principal,
  body: Record<string, unknown>,
): Promise<SimResponse> {
  const { query, variables, operationName } = body;
  if (typeof query !== "string" || query.trim() === "") {
    return {
      status: 200,
      body: { errors: [{ message: "A query attribute must be specified and must be a string." }] },
    };
  }
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== "object" || Array.isArray(variables))
  ) {
    return { status: 200, body: { errors: [{ message: "Variables are invalid JSON." }] } };
  }
  const result = await graphql({
    schema: simGraphqlSchema(),
    source: query,
    rootValue: rootValue(),
    contextValue: { sim, principal },
    variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: typeof operationName === "string" ? operationName : undefined,
  });
  const answer: Record<string, unknown> = {};
  if (result.data !== undefined) answer.data = result.data;
  if (result.errors && result.errors.length > 0) answer.errors = result.errors.map(formatError);
  return { status: 200, body: answer };
}

/** GitHub's error entry: `type` (when a resolver refused), `path`, `locations`, `message`. */
function formatError(error: GraphQLError): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const original = error.originalError;
  if (original instanceof GithubGraphqlError) out.type = original.type;
  if (error.path) out.path = error.path;
  if (error.locations) out.locations = error.locations;
  out.message = error.message;
  return out;
}
