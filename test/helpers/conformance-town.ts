// The town the conformance test drives: one repo on a contract-checked sim, Octokits for its
// people, and the shared vocabulary of the scenarios (test/helpers/conformance-*.ts), each a
// representative exchange per resource group, run once the sim serves every operation it needs.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import type { SimRepo } from "../../src/sim/index.ts";
import { startTestSim, type TestSim } from "./sim.ts";

export interface Town {
  sim: TestSim;
  record: SimRepo;
  /** A webhook receiver on loopback that answers 200. */
  receiver: string;
  /** The repo owner (admin). */
  admin: Octokit;
  /** A collaborator with write access. */
  dev: Octokit;
  /** The app's installation. */
  app: Octokit;
  main: string;
}

export interface Scenario {
  name: string;
  /** GitHub operations it calls; it runs once the sim serves them all. */
  needs: string[];
  run(t: Town): Promise<void>;
}

export const owner = "acme";
export const repo = "town";
export const p = { owner, repo } as const;
export const R = "/repos/{owner}/{repo}";
export const b64 = (text: string): string => Buffer.from(text).toString("base64");
/** Octokit logs every 4xx; the ones these tests provoke are expected. */
export const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export async function newIssue(t: Town, title: string): Promise<{ number: number; id: number }> {
  const { data } = await t.app.rest.issues.create({ ...p, title });
  return data;
}

/** Makes `branch` from main with one commit changing `path`, through the REST API. */
export async function branchWithCommit(t: Town, branch: string, path: string): Promise<string> {
  await t.dev.rest.git.createRef({ ...p, ref: `refs/heads/${branch}`, sha: t.main });
  const { data } = await t.dev.rest.repos.createOrUpdateFileContents({
    ...p,
    path,
    branch,
    message: `Add ${path}`,
    content: b64(`${path}\n`),
  });
  return data.commit.sha ?? "";
}

export interface RunningTown extends Town {
  stop(): Promise<void>;
}

/** Starts the town: `acme/town` (README.md, docs/guide.md), `dev` a writer, a webhook receiver. */
export async function startTown(): Promise<RunningTown> {
  const receiver: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200).end("ok"));
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const sim = await startTestSim();
  const record = await sim.createRepo({
    owner,
    name: repo,
    files: { "README.md": "# town\n", "docs/guide.md": "# guide\n" },
  });
  sim.setPermission(record, "dev", "write");
  sim.state.user("newbie");
  const kit = (auth: string): Octokit => new Octokit({ baseUrl: sim.url, auth, log: quiet });
  const app = kit(sim.token({ kind: "installation" }));
  const { data } = await app.rest.repos.getBranch({ ...p, branch: "main" });
  return {
    sim,
    record,
    receiver: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    admin: kit(sim.token({ kind: "user", login: owner })),
    dev: kit(sim.token({ kind: "user", login: "dev" })),
    app,
    main: data.commit.sha,
    async stop() {
      try {
        await sim.stop();
      } finally {
        await new Promise((resolve) => receiver.close(resolve));
      }
    },
  };
}
