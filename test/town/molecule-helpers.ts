// Shared by the molecule tests: cooking formulas from inline TOML or the built-ins, counting the
// requests a use case makes, and a town whose client fails part-way through, as a crashed pour.
import { Octokit } from "@octokit/rest";
import {
  cookFormulaSync,
  createBuiltinSource,
  loadFormula,
  parseFormula,
  type Protomolecule,
} from "../../src/formula/index.ts";
import type { SimState } from "../../src/sim/index.ts";
import type { TownContext } from "../../src/town/context.ts";
import type { TestTown } from "./helpers.ts";

/** Cooks inline TOML in runtime mode (vars given, even none). */
export function cookToml(source: string, vars: Record<string, string> = {}): Protomolecule {
  const formula = parseFormula({ source, path: "inline.formula.toml" });
  return cookFormulaSync({ formula, vars });
}

/** Cooks a built-in formula in runtime mode. */
export async function cookBuiltin(name: string, vars: Record<string, string>): Promise<Protomolecule> {
  const resolved = await loadFormula(name, { sources: [createBuiltinSource()] });
  return cookFormulaSync({ formula: resolved, vars });
}

/** Requests answered since `before` (a copy of `requestCounts`), by `METHOD template`. */
export function requestsSince(state: SimState, before: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, count] of state.requestCounts) {
    const delta = count - (before.get(key) ?? 0);
    if (delta > 0) out[key] = delta;
  }
  return out;
}

export const CREATE_ISSUE = "POST /repos/{owner}/{repo}/issues";
export const ADD_SUB_ISSUE = "POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues";
export const ADD_BLOCKED_BY = "POST /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by";

/** The endpoint a request hook sees, as `METHOD template` (Octokit keeps the template in `url`). */
function endpointOf(options: { method: string; url: string }): string {
  return `${options.method} ${options.url}`;
}

/**
 * The town's repository through a client that lets `allow` requests to `endpoint` through and
 * fails the next one with a network-style error, as a process killed half-way through would.
 */
export function townFailingAfter(t: TestTown, params: { endpoint: string; allow: number }): TownContext {
  const octokit = new Octokit({ baseUrl: t.sim.url, auth: t.sim.token({ kind: "installation" }) });
  let seen = 0;
  octokit.hook.before("request", (options) => {
    if (endpointOf(options) !== params.endpoint) return;
    seen += 1;
    if (seen > params.allow) throw new Error(`injected failure on request ${seen} to ${params.endpoint}`);
  });
  return { octokit, repo: t.town.repo };
}
