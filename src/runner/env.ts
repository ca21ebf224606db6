// The agent's environment (DESIGN §4.2: the agent process never holds the GitHub token). It is
// the runner's environment minus every token, key and secret, minus the Actions files through
// which a step can set outputs or inject variables into later steps, plus `gt` on PATH in
// outbox mode. Only the Anthropic credential the agent needs is kept.
import { delimiter } from "node:path";

/** The credentials the agent may hold: it needs one of them to reach the model. */
export const AGENT_CREDENTIALS = ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"] as const;

// Channels out of the job, removed though their values are not secret: the Actions command
// files (writing GITHUB_ENV or GITHUB_PATH would reach later steps that hold secrets; writing
// GITHUB_OUTPUT would forge this action's outputs), the runtime's service URLs, and the ways git
// and ssh find credentials without a variable that names them (askpass helpers, agent sockets).
const CHANNELS = new Set([
  "ACTIONS_ID_TOKEN_REQUEST_URL",
  "ACTIONS_RUNTIME_URL",
  "ACTIONS_RESULTS_URL",
  "ACTIONS_CACHE_URL",
  "GITHUB_ENV",
  "GITHUB_PATH",
  "GITHUB_OUTPUT",
  "GITHUB_STATE",
  "GITHUB_STEP_SUMMARY",
  "GIT_ASKPASS",
  "SSH_ASKPASS",
  "SSH_AUTH_SOCK",
]);

// Variables whose values are credentials: GitHub's and the runtime's tokens, git's config from
// the environment (`http.extraheader` carries a token), and anything that names itself a token,
// key, secret, password or credential.
const SECRET_NAMES: readonly RegExp[] = [
  /^(?:GITHUB|GH|GH_ENTERPRISE|GITHUB_ENTERPRISE)_TOKEN$/,
  /^GIT_CONFIG_(?:PARAMETERS|COUNT|KEY_\d+|VALUE_\d+)$/,
  /TOKEN$/,
  /_KEY$/,
  /SECRET/,
  /PASSW(?:OR)?D/,
  /CREDENTIAL/,
  /_PAT$/,
  /PRIVATE_KEY/,
];

function isAgentCredential(name: string): boolean {
  return (AGENT_CREDENTIALS as readonly string[]).includes(name);
}

/**
 * True when the value of `name` is a credential. Action inputs count by their input name
 * (`INPUT_GITHUB-TOKEN` is, `INPUT_BEAD` is not).
 */
export function holdsSecret(name: string): boolean {
  if (isAgentCredential(name)) return false;
  const key = name
    .toUpperCase()
    .replace(/^INPUT_/, "")
    .replace(/-/g, "_");
  return SECRET_NAMES.some((pattern) => pattern.test(key));
}

/**
 * True when `name` must not reach the agent: every action input (they include the tokens),
 * every credential, every channel out of the job. The Anthropic credentials are the exception.
 */
export function isSecretVariable(name: string): boolean {
  if (isAgentCredential(name)) return false;
  return /^INPUT_/i.test(name) || CHANNELS.has(name.toUpperCase()) || holdsSecret(name);
}

export interface AgentEnvParams {
  /** The runner's environment (usually `process.env`). */
  env: Readonly<Record<string, string | undefined>>;
  /** The directory holding the `gt` and `bd` executables for the agent. */
  gtBinDir: string;
  /** The outbox file `gt` appends to. */
  outboxPath: string;
  /** The polecat's identity, so `gt` fills in `--from` and `--discovered-from`. */
  polecat: string;
  /** The polecat's mail address, `<rig>/polecats/<name>`. */
  address: string;
  bead: number;
  /** `owner/name`, so `gt` needs no git remote to know its repository. */
  repo: string;
  /** The Anthropic credential, when it came from an input rather than the environment. */
  credentials?: Partial<Record<(typeof AGENT_CREDENTIALS)[number], string>>;
}

export interface AgentEnv {
  env: Record<string, string>;
  /** Names taken out (for the log; never their values). */
  removed: string[];
  /** The removed credentials' values plus the agent's own: the redaction list for output. */
  secrets: string[];
}

/** Builds the agent's environment. Pure: the same input gives the same output. */
export function buildAgentEnv(params: AgentEnvParams): AgentEnv {
  const env: Record<string, string> = {};
  const removed: string[] = [];
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(params.env)) {
    if (value === undefined) continue;
    if (isSecretVariable(name)) {
      removed.push(name);
      if (value !== "" && holdsSecret(name)) secrets.add(value);
      continue;
    }
    env[name] = value;
  }
  for (const name of AGENT_CREDENTIALS) {
    const value = params.credentials?.[name];
    if (value !== undefined && value !== "") env[name] = value;
    if (env[name]) secrets.add(env[name]);
  }
  const pathKey = Object.keys(env).find((key) => key.toUpperCase() === "PATH") ?? "PATH";
  const path = env[pathKey];
  env[pathKey] = path ? `${params.gtBinDir}${delimiter}${path}` : params.gtBinDir;
  Object.assign(env, {
    GASTOWN_OUTBOX: params.outboxPath,
    GASTOWN_REPO: params.repo,
    GASTOWN_BEAD: String(params.bead),
    GT_POLECAT: params.polecat,
    GT_ADDRESS: params.address,
  });
  return { env, removed: removed.sort(), secrets: [...secrets] };
}

/**
 * The environment without anything `isSecretVariable` names, Anthropic credentials included: what
 * the runner's own git commands run with, so a hook or helper the agent planted finds no token.
 */
export function withoutSecrets(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || isSecretVariable(name) || isAgentCredential(name)) continue;
    clean[name] = value;
  }
  return clean;
}

/** Names in `env` that must not reach the agent (tokens, keys, secrets); empty when it is clean. */
export function findSecretVariables(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env).filter((name) => env[name] !== undefined && isSecretVariable(name));
}
