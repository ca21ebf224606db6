// Shared by the town benchmarks (ready, convoy, mail): a loopback GitHub with one repository and
// a town context on it, a request counter around the measured call, and the report format (human
// lines, then one JSON line). Seeding is never measured; only the call passed to `measure` is.
import { createOctokit } from "../src/github/octokit.ts";
import { type Sim, startSim } from "../src/sim/index.ts";
import type { TownContext } from "../src/town/context.ts";

export interface BenchTown {
  sim: Sim;
  town: TownContext;
}

/** Starts a sim with the repo `acme/bench` and a town on it (installation token, no throttling). */
export async function startBenchTown(): Promise<BenchTown> {
  const sim = await startSim();
  try {
    await sim.createRepo({ owner: "acme", name: "bench", files: { "README.md": "# bench\n" } });
    const town: TownContext = {
      octokit: createOctokit({
        baseUrl: sim.url,
        auth: sim.token({ kind: "installation" }),
        retry: false,
        throttle: false,
      }),
      repo: { owner: "acme", repo: "bench" },
    };
    return { sim, town };
  } catch (error: unknown) {
    await sim.stop();
    throw error;
  }
}

/** Runs `bench` on a fresh town and always stops the sim, whatever happens. */
export async function withBenchTown(bench: (setup: BenchTown) => Promise<void>): Promise<void> {
  const setup = await startBenchTown();
  try {
    await bench(setup);
  } finally {
    await setup.sim.stop();
  }
}

export interface Measured<T> {
  result: T;
  /** Requests the sim served during the call. */
  requests: number;
  ms: number;
  /** `METHOD template` → count, for the requests made during the call. */
  breakdown: Record<string, number>;
}

/** Calls `run` once, counting the requests the sim served and the wall time. */
export async function measure<T>(sim: Sim, run: () => Promise<T>): Promise<Measured<T>> {
  const before = new Map(sim.state.requestCounts);
  const total = sim.state.totalRequests();
  const start = performance.now();
  const result = await run();
  const ms = Math.round(performance.now() - start);
  const requests = sim.state.totalRequests() - total;
  const breakdown: Record<string, number> = {};
  for (const [key, count] of sim.state.requestCounts) {
    const delta = count - (before.get(key) ?? 0);
    if (delta > 0) breakdown[key] = delta;
  }
  return { result, requests, ms, breakdown };
}

/** Prints `name  value` lines, then the JSON line (always last). */
export function report(figures: Record<string, unknown>, notes: Record<string, unknown> = {}): void {
  const rows = { ...figures, ...notes };
  const width = Math.max(...Object.keys(rows).map((key) => key.length)) + 2;
  for (const [key, value] of Object.entries(rows)) {
    if (key === "bench") continue;
    const shown = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
    console.log(`${key.padEnd(width)}${shown}`);
  }
  console.log(JSON.stringify(figures));
}

/** Runs `run` over 0..count-1 with at most `limit` in flight (seeding only). */
export async function seed(
  count: number,
  limit: number,
  run: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next;
      next += 1;
      await run(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** A small deterministic generator, so every run seeds the same town. */
export function seededRandom(seedValue: number): () => number {
  let state = seedValue >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
