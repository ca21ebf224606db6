// The GraphQL half of the contract: every document the sim receives is validated against GitHub's
// published GraphQL schema (`@octokit/graphql-schema`), its variables coerced by it, so a test
// fails when our code sends GitHub a query GitHub would reject. `schemaSubsetFindings` checks
// that the sim's own executable schema uses GitHub's names and types and nothing GitHub lacks.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  buildSchema,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  type OperationDefinitionNode,
  parse,
  validate,
} from "graphql";
import type { ContractViolation } from "./contract.ts";
import type { GraphqlExchange } from "./graphql/endpoint.ts";

const DOCS = "https://docs.github.com/graphql/reference";

let github: GraphQLSchema | undefined;

/** GitHub's public GraphQL schema, built once from `@octokit/graphql-schema`'s schema.graphql. */
export function githubGraphqlSchema(): GraphQLSchema {
  if (github) return github;
  // The package exports only its ESM entry (which parses a 10 MB JSON too); read the SDL file.
  const require = createRequire(import.meta.url);
  const dirs = require.resolve.paths("@octokit/graphql-schema") ?? [];
  const file = dirs
    .map((dir) => join(dir, "@octokit", "graphql-schema", "schema.graphql"))
    .find((candidate) => existsSync(candidate));
  if (!file) throw new Error("@octokit/graphql-schema is not installed; run `npm ci`.");
  // Trusted as GitHub publishes it: graphql 17 is stricter about deprecations GitHub's schema mixes.
  github = buildSchema(readFileSync(file, "utf8"), { assumeValidSDL: true, assumeValid: true });
  return github;
}

/**
 * What is wrong with a GraphQL request as GitHub would judge it: a missing or unparsable
 * document, fields, arguments or types GitHub's schema lacks, variables it would not accept.
 */
export function checkGraphqlExchange(
  exchange: GraphqlExchange,
  schema = githubGraphqlSchema(),
): ContractViolation[] {
  const { query, variables, operationName } = exchange;
  const name = typeof operationName === "string" ? operationName : undefined;
  const violation = (
    at: string,
    message: string,
    extra: Partial<ContractViolation> = {},
  ): ContractViolation => ({
    kind: "graphql",
    exchange: `POST /graphql${name ? ` (${name})` : ""} → ${exchange.response.status}`,
    method: "POST",
    template: "/graphql",
    status: exchange.response.status,
    docs: DOCS,
    at,
    message,
    ...extra,
  });
  if (typeof query !== "string")
    return [violation("body query", "GitHub requires the document as a string in `query`")];
  let document: ReturnType<typeof parse>;
  try {
    document = parse(query);
  } catch (error) {
    return [violation("document", `GitHub cannot parse it: ${(error as Error).message}`)];
  }
  const where = (locations: readonly { line: number; column: number }[] | undefined): string =>
    locations?.[0] ? `document ${locations[0].line}:${locations[0].column}` : "document";
  const found = validate(schema, document).map((error) =>
    violation(where(error.locations), `GitHub's schema rejects it: ${error.message}`),
  );
  if (found.length > 0) return found;
  const operation: OperationDefinitionNode | null | undefined = getOperationAST(document, name);
  if (!operation)
    return [
      violation("body operationName", "no operation of the document matches it", { actual: String(name) }),
    ];
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== "object" || Array.isArray(variables))
  ) {
    return [violation("body variables", "GitHub requires variables as a JSON object")];
  }
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    (variables ?? {}) as Record<string, unknown>,
  );
  return "errors" in coerced && coerced.errors
    ? coerced.errors.map((error) => violation("variables", `GitHub would refuse them: ${error.message}`))
    : [];
}

/**
 * How `ours` strays from `theirs` (GitHub's): types, fields, arguments, interfaces, union members
 * or enum values GitHub lacks or types differently, and required arguments of GitHub's that ours
 * would not accept. Empty when every document valid for ours is valid, and typed the same, for GitHub.
 */
export function schemaSubsetFindings(ours: GraphQLSchema, theirs: GraphQLSchema): string[] {
  const findings: string[] = [];
  for (const type of Object.values(ours.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    const other = theirs.getType(type.name);
    if (!other) {
      findings.push(`type ${type.name}: GitHub has no such type`);
      continue;
    }
    if (kindOf(type) !== kindOf(other)) {
      findings.push(`type ${type.name}: is ${kindOf(type)} here, ${kindOf(other)} on GitHub`);
      continue;
    }
    if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(other) || isInterfaceType(other))) {
      const theirFields = other.getFields();
      for (const field of Object.values(type.getFields())) {
        const match = theirFields[field.name];
        if (!match) findings.push(`${type.name}.${field.name}: GitHub has no such field`);
        else compareField(type.name, field, match, findings);
      }
      const theirInterfaces = new Set(other.getInterfaces().map((i) => i.name));
      for (const iface of type.getInterfaces()) {
        if (!theirInterfaces.has(iface.name))
          findings.push(`${type.name}: GitHub's does not implement ${iface.name}`);
      }
    } else if (isUnionType(type) && isUnionType(other)) {
      const members = new Set(other.getTypes().map((t) => t.name));
      for (const member of type.getTypes()) {
        if (!members.has(member.name))
          findings.push(`union ${type.name}: GitHub's has no member ${member.name}`);
      }
    } else if (isEnumType(type) && isEnumType(other)) {
      const mine = type
        .getValues()
        .map((v) => v.name)
        .sort();
      const theirsValues = other
        .getValues()
        .map((v) => v.name)
        .sort();
      if (mine.join() !== theirsValues.join())
        findings.push(`enum ${type.name}: values differ from GitHub's (${theirsValues.join(", ")})`);
    } else if (isInputObjectType(type) && isInputObjectType(other)) {
      const mine = type.getFields();
      for (const [fieldName, field] of Object.entries(other.getFields())) {
        const match = mine[fieldName];
        if (!match) findings.push(`input ${type.name}.${fieldName}: missing here`);
        else if (String(match.type) !== String(field.type))
          findings.push(
            `input ${type.name}.${fieldName}: ${String(match.type)} here, ${String(field.type)} on GitHub`,
          );
      }
      for (const fieldName of Object.keys(mine)) {
        if (!other.getFields()[fieldName])
          findings.push(`input ${type.name}.${fieldName}: GitHub has no such field`);
      }
    }
  }
  return findings;
}

function compareField(
  typeName: string,
  field: GraphQLField<unknown, unknown>,
  match: GraphQLField<unknown, unknown>,
  findings: string[],
): void {
  const at = `${typeName}.${field.name}`;
  if (String(field.type) !== String(match.type)) {
    findings.push(`${at}: ${String(field.type)} here, ${String(match.type)} on GitHub`);
  }
  const theirArgs = new Map<string, GraphQLArgument>(match.args.map((a) => [a.name, a]));
  for (const arg of field.args) {
    const other = theirArgs.get(arg.name);
    if (!other) findings.push(`${at}(${arg.name}): GitHub has no such argument`);
    else if (String(arg.type) !== String(other.type))
      findings.push(`${at}(${arg.name}): ${String(arg.type)} here, ${String(other.type)} on GitHub`);
  }
  const mine = new Set(field.args.map((a) => a.name));
  for (const other of match.args) {
    if (!mine.has(other.name)) findings.push(`${at}(${other.name}): GitHub's argument is missing here`);
  }
}

function kindOf(type: GraphQLNamedType): string {
  if (isObjectType(type)) return "an object type";
  if (isInterfaceType(type)) return "an interface";
  if (isUnionType(type)) return "a union";
  if (isEnumType(type)) return "an enum";
  if (isInputObjectType(type)) return "an input type";
  if (isScalarType(type)) return "a scalar";
  return "unknown";
}
