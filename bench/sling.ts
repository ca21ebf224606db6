// `npm run bench -- sling`: the app slinging beads on the loopback GitHub, with signed webhooks
// delivered to Probot's node middleware as GitHub would.
// - `requests_per_sling`: requests the sling itself makes (town/sling.ts: the hooked label, the
//   list of hooked beads with the bead in it, claim tag and ref, slot ref, dispatch, the bead's
//   own convoy, the record), averaged over 20 slings of beads in no convoy; the app passes the
//   default branch and a remembered commit, as here. Target ≤ 8.
// - `requests_per_delivery`: everything the app does for one `/sling` comment (config from its
//   cache, the 👀 reaction, the permission check, the sling, the reply), median of 200, counted
//   per delivery by the bench's Octokit. The stand-in polecat never releases its hook, so the
//   hooked list grows past 100 beads here and pages (one more request than a live town needs).
// - `p50_ms`, `p99_ms`: handling time of those 200 deliveries (the app's handler, start to
//   finish; Probot acknowledges the webhook to GitHub before its handler is done).
// - `concurrent`, `dispatches`: 20 `/sling` comments on one bead at once → runs started (must be 1).
// - `heap_mb`: heap in use (this process holds the sim too) after 10,000 more deliveries through
//   `probot.receive` (a tenth of them `/help`); `heap_growth_mb` is what those deliveries added.
//   The delivery memory, config cache and commit memory are all bounded.
import { AsyncLocalStorage } from "node:async_hooks";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { Probot, ProbotOctokit, createNodeMiddleware } from "probot";
import { routeEvents } from "../src/app/router.ts";
import { createRuntime } from "../src/app/runtime.ts";
import { createBead } from "../src/github/issues.ts";
import { createOctokit } from "../src/github/octokit.ts";
import { getDefaultBranchHead } from "../src/github/refs.ts";
import { type SlingSettings, sling } from "../src/town/sling.ts";
import { measure, report, withBenchTown } from "./_setup.ts";

const SECRET = "bench-secret";
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 200);
const CONCURRENT = 20;
const HEAP_DELIVERIES = 10_000;
const DIRECT_SLINGS = 20;
const SETTINGS: SlingSettings = {
  workflow: "polecat.yml",
  ref: null,
  formula: "mol-polecat-work",
  names: ["furiosa", "nux", "slit", "toast", "capable", "dag", "cheedo", "ace"],
  maxPolecats: 3,
};

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** The delivery whose handler is running (so requests and time are counted per delivery). */
const delivery = new AsyncLocalStorage<string>();

/** Probot's Octokit, counting requests per delivery. */
function countingOctokit(baseUrl: string, counts: Map<string, number>) {
  const count = (octokit: Pick<InstanceType<typeof ProbotOctokit>, "hook">) => {
    octokit.hook.before("request", () => {
      const id = delivery.getStore() ?? "none";
      counts.set(id, (counts.get(id) ?? 0) + 1);
    });
    return {};
  };
  return ProbotOctokit.plugin(count).defaults((instance: Record<string, unknown>) => ({
    ...instance,
    baseUrl,
    throttle: { ...(instance.throttle as object | undefined), enabled: false },
    retry: { enabled: false },
  }));
}

await withBenchTown(async ({ sim, town }) => {
  const repo = [...sim.state.repos.values()].find((r) => r.name === "bench");
  if (!repo) throw new Error("no bench repository");
  sim.registerWorkflow(repo, { path: "polecat.yml", command: ["true"] });
  sim.setPermission(repo, "alice", "write");
  const token = sim.token({ kind: "installation" });
  const counts = new Map<string, number>();
  const runtime = createRuntime();
  const probot = new Probot({
    githubToken: token,
    secret: SECRET,
    log: pino({ level: "silent" }),
    Octokit: countingOctokit(sim.url, counts),
  });
  // Each handler runs inside its delivery's id, and its time is taken from start to finish.
  const handling = new Map<string, number>();
  const timed = (app: Probot) =>
    ({
      on: (event: string, handle: (context: { id: string }) => Promise<void>) =>
        app.on(event as never, (context: { id: string }) =>
          delivery.run(context.id, async () => {
            const start = performance.now();
            try {
              await handle(context);
            } finally {
              handling.set(context.id, performance.now() - start);
            }
          }),
        ),
    }) as unknown as Probot;
  const middleware = await createNodeMiddleware(
    (app) => routeEvents(timed(app), { runtime, appLogin: () => Promise.resolve("gastown[bot]") }),
    { probot },
  );
  const server = createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const hook = sim.addAppHook({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
      secret: SECRET,
    });
    const alice = createOctokit({
      baseUrl: sim.url,
      auth: sim.token({ kind: "user", login: "alice" }),
      retry: false,
      throttle: false,
    });
    const commentAs = (issue: number, body: string) =>
      alice.rest.issues.createComment({ owner: "acme", repo: "bench", issue_number: issue, body });

    const started = Date.now();
    const lap = (what: string) =>
      process.stderr.write(`${what}: ${Math.round((Date.now() - started) / 1000)} s\n`);
    // 1. The sling use case alone, as the app calls it (default branch and a commit known).
    const hints = { defaultBranch: "main", commitSha: await getDefaultBranchHead(town) };
    let direct = 0;
    let breakdown: Record<string, number> = {};
    for (let i = 0; i < DIRECT_SLINGS; i++) {
      const bead = await createBead(town, { title: `Direct sling ${i + 1}` });
      const measured = await measure(sim, () =>
        sling(town, { bead: bead.number, settings: SETTINGS, by: "alice", hints }),
      );
      if (measured.result.outcome !== "dispatched")
        throw new Error(`sling ${i + 1}: ${measured.result.outcome}`);
      direct += measured.requests;
      breakdown = measured.breakdown;
      await sim.idle();
    }

    lap("direct slings");
    // 2. 200 `/sling` comments, one at a time, through signed webhooks.
    const slung: number[] = [];
    for (let i = 0; i < DELIVERIES; i++) {
      const bead = await createBead(town, { title: `Webhook sling ${i + 1}` });
      await commentAs(bead.number, "/sling");
      await sim.idle();
      slung.push(bead.number);
    }
    const handled = sim
      .deliveries(hook.id)
      .filter((d) => d.event === "issue_comment" && !d.redelivery)
      // The app's own replies are deliveries too (ignored at once); only the people's count.
      .filter(
        (d) =>
          (JSON.parse(d.payload) as { comment: { user: { login: string } } }).comment.user.login === "alice",
      )
      .slice(-DELIVERIES);
    const durations = handled.map((d) => Math.round(handling.get(d.guid) ?? Number.NaN));
    const perDelivery = handled.map((d) => counts.get(d.guid) ?? 0);
    const dispatchedByWebhook = [...repo.runs.values()].filter((r) =>
      slung.includes(Number(r.inputs.bead)),
    ).length;

    lap("200 webhook slings");
    // 3. 20 `/sling` comments on one bead at once.
    const contested = await createBead(town, { title: "Contested" });
    await Promise.all(Array.from({ length: CONCURRENT }, () => commentAs(contested.number, "/sling")));
    await sim.idle();
    const dispatches = [...repo.runs.values()].filter(
      (r) => r.inputs.bead === String(contested.number),
    ).length;

    lap("20 concurrent slings");
    // 4. 10,000 deliveries in process: what stays in memory is bounded.
    const heapOf = () => {
      (globalThis as { gc?: () => void }).gc?.();
      return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
    };
    const heapBefore = heapOf();
    const quiet = new Probot({
      githubToken: token,
      log: pino({ level: "silent" }),
      Octokit: countingOctokit(sim.url, new Map()),
    });
    const heapRuntime = createRuntime();
    await quiet.load((app) =>
      routeEvents(app, { runtime: heapRuntime, appLogin: () => Promise.resolve("gastown[bot]") }),
    );
    const { data: helpComment } = await commentAs(contested.number, "Asking for /help below.");
    await sim.idle();
    const payload = (i: number) => ({
      action: "created",
      issue: { number: contested.number },
      comment: {
        id: helpComment.id,
        body: i % 10 === 0 ? "/help" : `Just a note ${i}`,
        user: { login: "alice", type: "User" },
      },
      repository: { name: "bench", owner: { login: "acme" }, default_branch: "main" },
      sender: { login: "alice", type: "User" },
    });
    for (let i = 0; i < HEAP_DELIVERIES; i++) {
      await quiet.receive({
        id: `heap-${i}`,
        name: "issue_comment",
        payload: payload(i),
      } as unknown as Parameters<Probot["receive"]>[0]);
    }
    lap("10,000 deliveries");
    const heapMb = heapOf();

    const requestsPerSling = Math.round((direct / DIRECT_SLINGS) * 10) / 10;
    report(
      {
        bench: "sling",
        requests_per_sling: requestsPerSling,
        requests_per_delivery: percentile(perDelivery, 50),
        p50_ms: percentile(durations, 50),
        p99_ms: percentile(durations, 99),
        deliveries: handled.length,
        dispatched: dispatchedByWebhook,
        concurrent: CONCURRENT,
        dispatches,
        heap_mb: heapMb,
        heap_deliveries: HEAP_DELIVERIES,
        heap_growth_mb: Math.round((heapMb - heapBefore) * 10) / 10,
        target: 8,
        target_met: requestsPerSling <= 8 && dispatches === 1,
      },
      {
        remembered: {
          deliveries: heapRuntime.deliveries.size,
          configs: heapRuntime.configs.size,
          commits: heapRuntime.heads.size,
        },
        sling_calls: breakdown,
      },
    );
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
