// A town on the loopback GitHub: a repository with a first commit (hook claims need one), an
// installation token, and the town context the use cases take.
import nock from "nock";
import { createOctokit } from "../../src/github/octokit.ts";
import type { SimRepo } from "../../src/sim/index.ts";
import type { TownContext } from "../../src/town/context.ts";
import { startTestSim, type TestSim } from "../helpers/sim.ts";

export interface TestTown {
  sim: TestSim;
  repo: SimRepo;
  town: TownContext;
  /** The same repository seen through another token. */
  as(token: string): TownContext;
  /** Requests the sim answered so far. */
  requests(): number;
  stop(): Promise<void>;
}

let counter = 0;

export async function startTown(
  options: { name?: string; files?: Record<string, string> } = {},
): Promise<TestTown> {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  const sim = await startTestSim();
  const name = options.name ?? `town-${++counter}`;
  const repo = await sim.createRepo({
    owner: "acme",
    name,
    files: { "README.md": "# town\n", ...options.files },
  });
  const as = (token: string): TownContext => ({
    octokit: createOctokit({ baseUrl: sim.url, auth: token, retry: false, throttle: false }),
    repo: { owner: "acme", repo: name },
  });
  return {
    sim,
    repo,
    town: as(sim.token({ kind: "installation" })),
    as,
    requests: () => sim.state.totalRequests(),
    async stop() {
      await sim.stop();
      nock.enableNetConnect();
    },
  };
}
