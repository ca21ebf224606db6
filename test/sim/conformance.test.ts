// Conformance of the loopback GitHub to GitHub's published description: every route it serves is
// one of GitHub's operations, and a representative exchange per resource group, made with the
// real Octokit, passes the contract (request, status, body, pagination, emitted events). The last
// test proves every served operation was exercised here, so a new route needs a scenario.
import { readFileSync } from "node:fs";
import { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ContractError,
  findOperation,
  loadGithubDescription,
  templateShape,
} from "../../src/sim/contract.ts";
import { createRouter } from "../../src/sim/routes/index.ts";
import { renderTrimmedDescription, TRIMMED_PATH } from "../../scripts/openapi-trim.ts";
import { gitScenarios } from "../helpers/conformance-git.ts";
import { issueScenarios } from "../helpers/conformance-issues.ts";
import { owner, quiet, type RunningTown, startTown } from "../helpers/conformance-town.ts";
import { startTestSim } from "../helpers/sim.ts";

const spec = loadGithubDescription();
const served = createRouter().list();
const servedShapes = new Set(served.map((r) => `${r.method} ${templateShape(r.template)}`));
/** Whether the sim serves `METHOD /template` (parameter names may differ). */
const serves = (route: string): boolean => {
  const [method = "", template = ""] = route.split(" ");
  return servedShapes.has(`${method} ${templateShape(template)}`);
};

describe("the routes the sim serves", () => {
  it.each(served.map((r) => [`${r.method} ${r.template}`, r] as const))(
    "%s is an operation in GitHub's description",
    (_name, route) => {
      expect(
        findOperation(spec, route.method, route.template),
        "missing from src/sim/openapi/github.trimmed.json: run `npm run openapi:trim`; if the script reports it " +
          "missing from GitHub's description, the sim must not serve it",
      ).toBeDefined();
    },
  );

  it("are all the trimmed description holds (it is regenerated when routes change)", () => {
    const stale = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .map((method) => `${method.toUpperCase()} ${path}`)
        .filter((route) => !serves(route)),
    );
    expect(stale, "run `npm run openapi:trim` to drop operations the sim no longer serves").toEqual([]);
  });

  it("match the committed description, as the script regenerates it from @octokit/openapi", async () => {
    const { text, missing } = await renderTrimmedDescription();
    expect(missing, "the sim serves routes GitHub's description lacks").toEqual([]);
    expect(
      text === readFileSync(TRIMMED_PATH, "utf8"),
      "src/sim/openapi/github.trimmed.json is out of date: run `npm run openapi:trim`",
    ).toBe(true);
  });
});

describe("representative exchanges with the real Octokit", () => {
  let town: RunningTown;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    town = await startTown();
  });
  afterEach(async () => {
    await town.sim.idle();
    const found = town.sim.contract.drain();
    if (found.length > 0) throw new ContractError(found);
  });
  afterAll(async () => {
    await town?.stop();
    nock.enableNetConnect();
  });

  for (const scenario of [...issueScenarios, ...gitScenarios].filter((s) => s.needs.every(serves))) {
    it(`conform for ${scenario.name}`, () => scenario.run(town));
  }

  it("exercise every operation the sim serves", () => {
    const counts = town.sim.state.requestCounts;
    const missed = served.map((r) => `${r.method} ${r.template}`).filter((key) => !counts.has(key));
    expect(missed, "add a scenario to test/helpers/conformance-*.ts for each").toEqual([]);
  });
});

describe("startTestSim", () => {
  describe("when an exchange or an event breaks the contract", () => {
    it("records it with the test's name and fails stop() with a readable report", async () => {
      const sim = await startTestSim();
      const record = await sim.createRepo({ owner, name: "strict" });
      const octokit = new Octokit({
        baseUrl: sim.url,
        auth: sim.token({ kind: "installation" }),
        log: quiet,
      });
      await octokit.request("GET /repos/{owner}/{repo}", { owner, repo: "strict", colour: "blue" });
      await expect(
        octokit.request("GET /repos/{owner}/{repo}/teleport", { owner, repo: "strict" }),
      ).rejects.toMatchObject({ status: 404 });
      sim.context.emit(record, "issues", { action: "opened", issue: { number: "one" } });
      expect(sim.contract.violations()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: "request",
            at: "query colour",
            test: expect.stringContaining("records it with the test's name"),
          }),
          expect.objectContaining({
            kind: "unknown-operation",
            exchange: "GET /repos/acme/strict/teleport → 404",
          }),
          expect.objectContaining({
            kind: "webhook",
            exchange: "webhook issues.opened (emitted)",
            at: "payload /issue/number",
            expected: "integer",
          }),
        ]),
      );
      const stopped = sim.stop();
      await expect(stopped).rejects.toThrowError(ContractError);
      await expect(stopped).rejects.toThrowError(
        /GET \/repos\/\{owner\}\/\{repo\} → 200 \(repos\/get\).*\n\s+see https:\/\/docs\.github\.com\S+\n\s+query colour: GitHub documents no such query parameter/,
      );
    });
  });

  describe("when a test breaks the contract on purpose", () => {
    it("lets it take the violations back so stop() passes", async () => {
      const sim = await startTestSim();
      await sim.createRepo({ owner, name: "lenient" });
      const octokit = new Octokit({
        baseUrl: sim.url,
        auth: sim.token({ kind: "installation" }),
        log: quiet,
      });
      // A route typed as a plain string lets the body break the schema, which is the point.
      const route: string = "POST /repos/{owner}/{repo}/issues";
      await expect(
        octokit.request(route, {
          owner,
          repo: "lenient",
          title: ["not", "a", "title"],
        }),
      ).rejects.toMatchObject({ status: 422 });
      expect(sim.contract.drain()).toMatchObject([{ kind: "request", at: "request body /title" }]);
      await expect(sim.stop()).resolves.toBeUndefined();
    });
  });
});
