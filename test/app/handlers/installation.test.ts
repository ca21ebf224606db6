// `installation_repositories.added`, received in-process (the loopback GitHub sends no
// installation events): the new repository gets the town's labels.
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGastownApp } from "../../../src/app/index.ts";
import type { SimRepo } from "../../../src/sim/index.ts";
import { startTestSim, type TestSim } from "../../helpers/sim.ts";

let sim: TestSim;
let repo: SimRepo;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  sim = await startTestSim();
  repo = await sim.createRepo({ owner: "acme", name: "newcomer" });
});
afterAll(async () => {
  await sim?.stop();
  nock.enableNetConnect();
});

describe("installation_repositories", () => {
  describe("when a repository is added to the installation", () => {
    it("creates the town's labels in it", async () => {
      const probot = new Probot({
        githubToken: sim.token({ kind: "installation" }),
        log: pino({ level: "silent" }),
        Octokit: ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
          ...instance,
          baseUrl: sim.url,
          throttle: { ...(instance.throttle as object | undefined), enabled: false },
          retry: { enabled: false },
        })),
      });
      await probot.load(createGastownApp({ appLogin: "gastown[bot]" }));
      await probot.receive({
        id: "install-1",
        name: "installation_repositories",
        payload: {
          action: "added",
          installation: { id: 1 },
          repository_selection: "selected",
          repositories_added: [{ id: repo.id, name: "newcomer", full_name: "acme/newcomer", private: false }],
          repositories_removed: [],
          requester: null,
          sender: { login: "acme", id: 1, type: "User" },
        },
      } as unknown as Parameters<Probot["receive"]>[0]);
      const names = [...repo.labels.values()].map((label) => label.name);
      expect(names).toEqual(expect.arrayContaining(["status/hooked", "priority/p0", "type/bug", "gt/sling"]));
    }, 60_000);
  });
});
