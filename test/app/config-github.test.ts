import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigCache,
  type ConfigError,
  createGitHubConfigReader,
  loadConfig,
  resolveConfig,
} from "../../src/app/config/index.ts";
import { createOctokit, type GitHubClient } from "../../src/github/octokit.ts";
import { startTestSim, type TestSim } from "../helpers/sim.ts";

describe("loading config from GitHub (the loopback GitHub)", () => {
  let sim: TestSim;
  let octokit: GitHubClient;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    sim = await startTestSim();
    await sim.createRepo({
      owner: "acme",
      name: "rocket",
      files: { ".github/gastown.yml": "_extends: shared\nrefinery:\n  batch_size: 2\n" },
    });
    await sim.createRepo({
      owner: "acme",
      name: "shared",
      files: { ".github/gastown.yml": "max_polecats: 6\nrefinery:\n  mode: direct\n  batch_size: 9\n" },
    });
    await sim.createRepo({
      owner: "acme",
      name: ".github",
      files: { ".github/gastown.yml": "max_polecats: 4\n" },
    });
    await sim.createRepo({ owner: "acme", name: "plain", files: { "README.md": "no config here\n" } });
    await sim.createRepo({
      owner: "acme",
      name: "broken",
      files: { ".github/gastown.yml": "max_polecats: 2\nwitness:\n  max_restart: 1\n" },
    });
    octokit = createOctokit({
      baseUrl: sim.url,
      auth: sim.token({ kind: "installation" }),
      retry: false,
      throttle: false,
    });
  });

  afterAll(async () => {
    await sim.stop();
    nock.enableNetConnect();
  });

  it("follows _extends across repositories through the contents API", async () => {
    const result = await loadConfig({
      repo: { owner: "acme", repo: "rocket" },
      read: createGitHubConfigReader(octokit),
    });
    if (!result.ok) throw result.error;
    expect(result.value.source).toBe("repo");
    expect(result.value.config.max_polecats).toBe(6);
    expect(result.value.config.refinery).toMatchObject({ mode: "direct", batch_size: 2 });
  });

  it("falls back to the owner's .github repository", async () => {
    const result = await loadConfig({
      repo: { owner: "acme", repo: "plain" },
      read: createGitHubConfigReader(octokit),
    });
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({ source: "org", files: ["acme/.github:.github/gastown.yml"] });
    expect(result.value.config.max_polecats).toBe(4);
  });

  it("reports an invalid file with its location, and runs on the defaults meanwhile", async () => {
    const repo = { owner: "acme", repo: "broken" };
    const resolution = await resolveConfig({
      cache: new ConfigCache(),
      repo,
      load: () => loadConfig({ repo, read: createGitHubConfigReader(octokit) }),
    });
    expect(resolution).toMatchObject({ from: "defaults", report: true });
    expect((resolution.problem as ConfigError).problems[0]).toMatchObject({
      file: ".github/gastown.yml",
      line: 3,
      column: 3,
      message: "witness.max_restart is not a setting",
      hint: expect.stringContaining("Did you mean max_restarts?"),
    });
  });
});
