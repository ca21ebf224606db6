// The hook claim against the loopback GitHub's real git refs: whatever the interleaving, many
// concurrent claims of one bead give exactly one winner, and every loser learns who it is.
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOctokit, type GitHubContext } from "../../src/github/octokit.ts";
import { claimHook, getHookHolder, listHookedBeads, releaseHook } from "../../src/github/refs.ts";
import type { HookHolder } from "../../src/model/hook.ts";
import type { Sim } from "../../src/sim/index.ts";
import { startTestSim } from "../helpers/sim.ts";

let sim: Sim;
let gh: GitHubContext;
let head: string;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  sim = await startTestSim();
  const repo = await sim.createRepo({ owner: "acme", name: "app", files: { "README.md": "# app\n" } });
  sim.setPermission(repo, "dev", "write");
  gh = {
    octokit: createOctokit({
      baseUrl: sim.url,
      auth: sim.token({ kind: "user", login: "dev" }),
      retry: false,
      throttle: false,
    }),
    repo: { owner: "acme", repo: "app" },
  };
  head = (await gh.octokit.rest.git.getRef({ owner: "acme", repo: "app", ref: "heads/main" })).data.object
    .sha;
});

afterAll(async () => {
  await sim?.stop();
  nock.enableNetConnect();
});

const holder = (i: number): HookHolder => ({
  polecat: `polecat-${i}`,
  bead: 7,
  attempt: 1,
  at: `2026-01-10T12:00:${String(i).padStart(2, "0")}Z`,
});

describe("claiming a hook on the loopback GitHub", () => {
  describe("when 30 polecats claim one bead at once", () => {
    it("gives exactly one winner, and every loser names it", async () => {
      const claims = await Promise.all(
        Array.from({ length: 30 }, (_, i) => claimHook(gh, { holder: holder(i), commitSha: head })),
      );
      const winners = claims.filter((c) => c.claimed);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.holder;
      for (const claim of claims.filter((c) => !c.claimed)) expect(claim.holder).toEqual(winner);
      expect(await getHookHolder(gh, 7)).toEqual({ held: true, holder: winner });
      expect(await listHookedBeads(gh)).toEqual([7]);
    });
  });

  describe("when the holder releases", () => {
    it("frees the bead for the next claim, and a stale release changes nothing", async () => {
      const state = await getHookHolder(gh, 7);
      if (!state.held || !state.holder) throw new Error("bead 7 should be held");
      const stale = await releaseHook(gh, { bead: 7, onlyIf: { polecat: "someone-else", attempt: 1 } });
      expect(stale.released).toBe(false);
      const own = await releaseHook(gh, { bead: 7, onlyIf: { polecat: state.holder.polecat, attempt: 1 } });
      expect(own.released).toBe(true);
      expect(await getHookHolder(gh, 7)).toEqual({ held: false });
      const next = { ...holder(99), attempt: 2 };
      expect(await claimHook(gh, { holder: next, commitSha: head })).toEqual({ claimed: true, holder: next });
    });
  });
});
