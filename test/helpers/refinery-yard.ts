// A rig for the refinery on the loopback GitHub, shared by its end-to-end tests and its benchmark:
// a repository whose CI really runs (a shell command over the checkout), pull requests that pass,
// fail, fail once (flaky) or conflict, a driver that ticks the refinery and lets CI run until the
// queue is empty, and an auditor that checks every move of the base against what CI had passed
// when it moved. No vitest here: the benchmark imports it too.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { createOctokit } from "../../src/github/octokit.ts";
import { renderPrBody } from "../../src/runner/branch.ts";
import type { Principal } from "../../src/sim/auth.ts";
import { commitFiles, git, resolveRef, updateRef, ZERO } from "../../src/sim/git.ts";
import type { Sim, SimRepo } from "../../src/sim/index.ts";
import { identityOf } from "../../src/sim/shapes-git.ts";
import type { TownContext } from "../../src/town/context.ts";
import {
  DEFAULT_REFINERY_SETTINGS,
  type QueueIntents,
  RefineryRuntime,
  type RefinerySettings,
  type TickReport,
  tickRefinery,
  viewQueue,
} from "../../src/town/refinery/index.ts";

export const OWNER = "acme";
export const NAME = "rig";
export const CHECK = "ci/test";

/** What a pull request's change does to CI. */
export type Outcome = "pass" | "fail" | "flaky" | "conflict";

export interface YardPr {
  number: number;
  branch: string;
  headSha: string;
  outcome: Outcome;
}

export interface YardOptions {
  settings?: Partial<RefinerySettings>;
  /** Seconds CI sleeps before it judges (a fixed cost per run). */
  ciSeconds?: number;
}

/** A move of the base, and whether CI had passed a commit with that exact tree before it. */
export interface BaseMove {
  after: string;
  tested: boolean;
}

export interface Yard {
  sim: Sim;
  repo: SimRepo;
  town: TownContext;
  settings: RefinerySettings;
  runtime: RefineryRuntime;
  /** A writer's REST client (opens PRs, reviews, comments). */
  dev: Octokit;
  reviewer: Octokit;
  openPr(spec: { outcome: Outcome; marker?: "label" | "polecat"; bead?: number }): Promise<YardPr>;
  /** Pushes a new commit onto a PR's branch (as its author). */
  pushTo(pr: YardPr, files: Record<string, string>): Promise<string>;
  /** Pushes straight to the base (someone landing without the queue). */
  pushToBase(files: Record<string, string>): Promise<string>;
  tick(intents?: QueueIntents): Promise<TickReport>;
  /** Ticks and waits for CI until the queue is empty; every report, in order. */
  drain(options?: { maxTicks?: number }): Promise<TickReport[]>;
  /** CI runs started so far. */
  ciRuns(): number;
  baseMoves(): Promise<BaseMove[]>;
  /** PR numbers GitHub shows as merged. */
  mergedPulls(): number[];
  stop(): Promise<void>;
}

// Every file is read (no early exit), so a flaky change fails the first run it is part of and
// only that one, whatever else is in the build: the retry absorbs it, as flakiness should be.
const CI_SCRIPT = `
sleep "$YARD_CI_SECONDS"
status=0
for f in prs/*.txt; do
  [ -e "$f" ] || continue
  case "$(cat "$f")" in
    fail) echo "FAIL: $f"; status=1 ;;
    flaky\\ *) id=$(cut -d' ' -f2 "$f"); if [ ! -e "$YARD_STATE/flaky-$id" ]; then touch "$YARD_STATE/flaky-$id"; echo "FLAKY: $f"; status=1; fi ;;
  esac
done
[ "$status" = 0 ] && echo ok
exit "$status"
`;

/** Starts a yard on `sim` (which the caller owns and stops). */
export async function startYard(sim: Sim, options: YardOptions = {}): Promise<Yard> {
  const stateDir = await mkdtemp(join(tmpdir(), "gastown-yard-"));
  const repo = await sim.createRepo({
    owner: OWNER,
    name: NAME,
    files: { "README.md": "# rig\n", "prs/.keep": "", "shared.txt": "base\n" },
  });
  sim.setPermission(repo, "dev", "write");
  sim.setPermission(repo, "rev", "write");
  const settings: RefinerySettings = {
    ...DEFAULT_REFINERY_SETTINGS,
    requireReview: false,
    requiredChecks: [CHECK],
    ...options.settings,
  };
  sim.setCi(repo, {
    name: CHECK,
    command: [
      "env",
      `YARD_CI_SECONDS=${options.ciSeconds ?? 0}`,
      `YARD_STATE=${stateDir}`,
      "sh",
      "-c",
      CI_SCRIPT,
    ],
    branches: [settings.staging],
    pullRequests: settings.mode === "direct",
    mergeGroups: settings.mode === "native",
  });
  // Native mode: GitHub's own merge queue on the base, requiring the CI check on its groups.
  if (settings.mode === "native") sim.enableMergeQueue(repo, { checks: [CHECK] });
  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const userKit = (login: string) => {
    const token = sim.token({ kind: "user", login });
    return { kit: new Octokit({ baseUrl: sim.url, auth: token, log: quiet }), token };
  };
  const dev = userKit("dev");
  const reviewer = userKit("rev");
  const town: TownContext = {
    octokit: createOctokit({
      baseUrl: sim.url,
      auth: sim.token({ kind: "installation" }),
      retry: false,
      throttle: false,
    }),
    repo: { owner: OWNER, repo: NAME },
  };
  const runtime = new RefineryRuntime();
  const principal = (): Principal => ({ token: sim.state.tokens.get(dev.token), login: "dev" });

  // The auditor: green commits as CI reports them, and each base move with what was green then.
  const green = new Set<string>();
  const moves: Array<{ after: string; greenThen: string[] }> = [];
  const emit = sim.context.emit.bind(sim.context);
  (sim.context as { emit: Sim["context"]["emit"] }).emit = (target, event, payload, emitOptions) => {
    if (event === "check_run" && payload.action === "completed") {
      const run = payload.check_run as { name: string; conclusion: string | null; head_sha: string };
      if (run.name === CHECK && run.conclusion === "success") green.add(run.head_sha);
    }
    if (event === "push" && payload.ref === `refs/heads/${repo.default_branch}` && payload.after !== ZERO) {
      moves.push({ after: String(payload.after), greenThen: [...green] });
    }
    emit(target, event, payload, emitOptions);
  };

  let next = 0;
  const commitOn = async (branch: string, files: Record<string, string>, from?: string): Promise<string> => {
    const ref = `refs/heads/${branch}`;
    const before = (await resolveRef(repo.gitDir, ref)) ?? ZERO;
    const parent =
      before !== ZERO ? before : await resolveRef(repo.gitDir, `refs/heads/${from ?? repo.default_branch}`);
    const sha = await commitFiles({
      gitDir: repo.gitDir,
      parent,
      files,
      message: `Change ${Object.keys(files).join(", ")}`,
      author: identityOf(sim.state, "dev"),
    });
    const moved = await updateRef({ gitDir: repo.gitDir, ref, sha, expected: before });
    if (!moved.ok) throw new Error(`could not move ${ref}`);
    await sim.context.refUpdated({ repo, ref, before, after: sha, principal: principal() });
    return sha;
  };
  const treeOf = async (sha: string) =>
    (await git(repo.gitDir, ["rev-parse", `${sha}^{tree}`])).stdout.toString("utf8").trim();

  const yard: Yard = {
    sim,
    repo,
    town,
    settings,
    runtime,
    dev: dev.kit,
    reviewer: reviewer.kit,
    async openPr(spec) {
      next += 1;
      const id = next;
      const branch = `polecat/ace/${1000 + id}`;
      const content = spec.outcome === "flaky" ? `flaky ${id}` : spec.outcome === "fail" ? "fail" : "ok";
      const files: Record<string, string> = { [`prs/${id}.txt`]: content };
      if (spec.outcome === "conflict") files["shared.txt"] = `changed by change ${id}\n`;
      const headSha = await commitOn(branch, files);
      const marker = spec.marker ?? "polecat";
      const body =
        marker === "polecat"
          ? renderPrBody({
              bead: spec.bead ?? 1000 + id,
              polecat: "ace",
              branch,
              attempt: 1,
              convoy: null,
              summary: `Change ${id}`,
            })
          : `Change ${id}`;
      const { data } = await dev.kit.rest.pulls.create({
        owner: OWNER,
        repo: NAME,
        head: branch,
        base: repo.default_branch,
        title: `Change ${id} (${spec.outcome})`,
        body,
      });
      if (marker === "label") {
        await dev.kit.rest.issues.addLabels({
          owner: OWNER,
          repo: NAME,
          issue_number: data.number,
          labels: [settings.queueLabel],
        });
      }
      return { number: data.number, branch, headSha, outcome: spec.outcome };
    },
    pushTo: (pr, files) => commitOn(pr.branch, files),
    pushToBase: (files) => commitOn(repo.default_branch, files),
    tick: (intents) => tickRefinery(town, { settings, runtime, ...(intents ? { intents } : {}) }),
    async drain(options = {}) {
      const reports: TickReport[] = [];
      const max = options.maxTicks ?? 200;
      for (let i = 0; i < max; i++) {
        reports.push(await yard.tick());
        await sim.idle();
        const view = await viewQueue(town, { settings });
        if (view.entries.length === 0 && view.testing.prs.length === 0) {
          reports.push(await yard.tick());
          await sim.idle();
          return reports;
        }
      }
      throw new Error(`the queue did not drain in ${max} ticks`);
    },
    ciRuns: () => [...repo.checkRuns.values()].filter((r) => r.name === CHECK).length,
    async baseMoves() {
      const result: BaseMove[] = [];
      for (const move of moves) {
        const tree = await treeOf(move.after);
        const trees = new Set(await Promise.all(move.greenThen.map(treeOf)));
        result.push({ after: move.after, tested: trees.has(tree) });
      }
      return result;
    },
    mergedPulls: () =>
      [...repo.pulls.values()]
        .filter((p) => p.merged)
        .map((p) => p.number)
        .sort((a, b) => a - b),
    async stop() {
      await rm(stateDir, { recursive: true, force: true });
    },
  };
  return yard;
}
