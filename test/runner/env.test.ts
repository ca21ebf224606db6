import { delimiter } from "node:path";
import { describe, expect, it } from "vitest";
import { buildAgentEnv, findSecretVariables, holdsSecret, isSecretVariable } from "../../src/runner/env.ts";

/** A runner's environment as GitHub Actions sets it up for a JavaScript action. */
const runnerEnv = {
  PATH: "/usr/local/bin:/usr/bin",
  HOME: "/home/runner",
  CI: "true",
  GITHUB_ACTIONS: "true",
  GITHUB_REPOSITORY: "acme/app",
  GITHUB_RUN_ID: "99",
  GITHUB_WORKSPACE: "/home/runner/work/app/app",
  GITHUB_TOKEN: "ghs_workflowtoken0123456789abcdefghij",
  GH_TOKEN: "gho_usertoken0123456789abcdefghijkl",
  "INPUT_GITHUB-TOKEN": "ghs_apptoken0123456789abcdefghijklmn",
  "INPUT_ANTHROPIC-API-KEY": "sk-ant-api03-inputkey",
  INPUT_BEAD: "12",
  ACTIONS_RUNTIME_TOKEN: "runtime-token-value",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc-request-token",
  ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.actions.example/",
  GITHUB_ENV: "/home/runner/work/_temp/_runner_file_commands/set_env_1",
  GITHUB_OUTPUT: "/home/runner/work/_temp/_runner_file_commands/set_output_1",
  GITHUB_STEP_SUMMARY: "/home/runner/work/_temp/_runner_file_commands/step_summary_1",
  NPM_TOKEN: "npm_secret",
  AWS_SECRET_ACCESS_KEY: "aws-secret",
  AWS_SESSION_TOKEN: "aws-session",
  DEPLOY_KEY: "deploy-key",
  DATABASE_PASSWORD: "hunter2hunter2",
  GIT_CONFIG_COUNT: "1",
  GIT_CONFIG_KEY_0: "http.https://github.com/.extraheader",
  GIT_CONFIG_VALUE_0: "AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hz",
  ANTHROPIC_API_KEY: "sk-ant-api03-realkey",
  UNSET: undefined,
};

const params = {
  env: runnerEnv,
  gtBinDir: "/opt/gastown/bin",
  outboxPath: "/tmp/job/outbox.jsonl",
  polecat: "rust",
  address: "app/polecats/rust",
  bead: 12,
  repo: "acme/app",
};

describe("buildAgentEnv", () => {
  const { env, removed, secrets } = buildAgentEnv(params);

  it("holds no GitHub token, action input, runtime token or secret", () => {
    expect(findSecretVariables(env)).toEqual([]);
    for (const name of [
      "GITHUB_TOKEN",
      "GH_TOKEN",
      "INPUT_GITHUB-TOKEN",
      "INPUT_ANTHROPIC-API-KEY",
      "INPUT_BEAD",
      "ACTIONS_RUNTIME_TOKEN",
      "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
      "ACTIONS_ID_TOKEN_REQUEST_URL",
      "NPM_TOKEN",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
      "DEPLOY_KEY",
      "DATABASE_PASSWORD",
      "GIT_CONFIG_COUNT",
      "GIT_CONFIG_KEY_0",
      "GIT_CONFIG_VALUE_0",
    ]) {
      expect(env, name).not.toHaveProperty(name);
    }
    const values = Object.values(env).join("\n");
    expect(values).not.toContain("ghs_");
    expect(values).not.toContain("gho_");
    expect(values).not.toContain("extraheader");
  });

  it("cannot write the step's outputs or later steps' environment", () => {
    expect(env).not.toHaveProperty("GITHUB_ENV");
    expect(env).not.toHaveProperty("GITHUB_OUTPUT");
    expect(env).not.toHaveProperty("GITHUB_STEP_SUMMARY");
  });

  it("keeps the Anthropic key and the harmless variables", () => {
    expect(env).toMatchObject({
      ANTHROPIC_API_KEY: "sk-ant-api03-realkey",
      HOME: "/home/runner",
      CI: "true",
      GITHUB_REPOSITORY: "acme/app",
      GITHUB_RUN_ID: "99",
    });
    expect(env).not.toHaveProperty("UNSET");
  });

  it("puts gt first on PATH in outbox mode, with the polecat's identity", () => {
    expect(env.PATH).toBe(`/opt/gastown/bin${delimiter}/usr/local/bin:/usr/bin`);
    expect(env).toMatchObject({
      GASTOWN_OUTBOX: "/tmp/job/outbox.jsonl",
      GASTOWN_REPO: "acme/app",
      GASTOWN_BEAD: "12",
      GT_POLECAT: "rust",
      GT_ADDRESS: "app/polecats/rust",
    });
  });

  it("lists what it removed by name, and every removed value for redaction", () => {
    expect(removed).toContain("GITHUB_TOKEN");
    expect(removed).toEqual([...removed].sort());
    expect(secrets).toContain("ghs_workflowtoken0123456789abcdefghij");
    expect(secrets).toContain("hunter2hunter2");
    expect(secrets).toContain("sk-ant-api03-realkey");
    expect(secrets).toContain("ghs_apptoken0123456789abcdefghijklmn");
    expect(secrets).toContain("AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hz");
    expect(secrets).not.toContain("12");
    expect(secrets).not.toContain("/home/runner/work/_temp/_runner_file_commands/set_env_1");
  });

  describe("when the credential comes from an input", () => {
    it("sets it for the agent and adds it to the redaction list", () => {
      const built = buildAgentEnv({
        ...params,
        env: { PATH: "/usr/bin" },
        credentials: { CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-token" },
      });
      expect(built.env.CLAUDE_CODE_OAUTH_TOKEN).toBe("sk-ant-oat01-token");
      expect(built.secrets).toEqual(["sk-ant-oat01-token"]);
    });
  });

  describe("when the environment has no PATH", () => {
    it("makes one of gt's directory", () => {
      expect(buildAgentEnv({ ...params, env: {} }).env.PATH).toBe("/opt/gastown/bin");
    });
  });
});

describe("isSecretVariable", () => {
  it.each([
    ["GITHUB_TOKEN", true],
    ["github_token", true],
    ["MY_SERVICE_SECRET_VALUE", true],
    ["SSH_AUTH_SOCK", true],
    ["GH_PAT", true],
    ["ANTHROPIC_API_KEY", false],
    ["CLAUDE_CODE_OAUTH_TOKEN", false],
    ["GITHUB_SHA", false],
    ["KEYBOARD_LAYOUT", false],
    ["RUNNER_TEMP", false],
    ["INPUT_MAX-TURNS", true],
  ])("%s → %s", (name, secret) => {
    expect(isSecretVariable(name)).toBe(secret);
  });
});

describe("holdsSecret", () => {
  it.each([
    ["INPUT_GITHUB-TOKEN", true],
    ["INPUT_CLAUDE-CODE-OAUTH-TOKEN", true],
    ["INPUT_BEAD", false],
    ["GITHUB_OUTPUT", false],
    ["GIT_CONFIG_VALUE_0", true],
    ["ANTHROPIC_API_KEY", false],
  ])("%s → %s", (name, secret) => {
    expect(holdsSecret(name)).toBe(secret);
  });
});
