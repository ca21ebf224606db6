// `npm run bench -- sim`: how fast the loopback GitHub serves the issue traffic a town makes.
// Creates 1,000 issues with an installation token (half one at a time, half 16 at a time), then
// lists them all with Octokit's paginate, several times over. The sim must never be what slows
// an end-to-end test down.
import { Octokit } from "@octokit/rest";
import { startSim } from "../src/sim/index.ts";

const TOTAL = 1000;
const SEQUENTIAL = 500;
const CONCURRENCY = 16;
const LIST_ROUNDS = 5;

const sim = await startSim();
try {
  await sim.createRepo({ owner: "acme", name: "bench" });
  const octokit = new Octokit({ baseUrl: sim.url, auth: sim.token({ kind: "installation" }) });
  const at = { owner: "acme", repo: "bench" } as const;
  const create = (i: number) =>
    octokit.rest.issues.create({ ...at, title: `Bench issue ${i}`, body: `Body ${i}`, labels: ["bench"] });

  // Warm up the connection and code paths before timing anything.
  await octokit.rest.repos.get(at);

  let start = performance.now();
  for (let i = 0; i < SEQUENTIAL; i += 1) await create(i);
  const sequentialMs = performance.now() - start;

  start = performance.now();
  let next = SEQUENTIAL;
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (next < TOTAL) {
      const i = next;
      next += 1;
      await create(i);
    }
  });
  await Promise.all(workers);
  const concurrentMs = performance.now() - start;

  const requestsBefore = sim.state.totalRequests();
  start = performance.now();
  let listed = 0;
  for (let round = 0; round < LIST_ROUNDS; round += 1) {
    const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
      ...at,
      state: "all",
      per_page: 100,
    });
    if (new Set(issues.map((issue) => issue.number)).size !== TOTAL) {
      throw new Error(`listing found ${issues.length} issues, expected ${TOTAL} distinct ones`);
    }
    listed += issues.length;
  }
  const listMs = performance.now() - start;
  const listRequests = sim.state.totalRequests() - requestsBefore;

  const createRps = TOTAL / ((sequentialMs + concurrentMs) / 1000);
  const sequentialRps = SEQUENTIAL / (sequentialMs / 1000);
  const concurrentRps = (TOTAL - SEQUENTIAL) / (concurrentMs / 1000);
  const listRps = listRequests / (listMs / 1000);
  const issuesPerSecond = listed / (listMs / 1000);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const round = (n: number): number => Math.round(n * 10) / 10;

  console.log(`created ${SEQUENTIAL} issues one at a time: ${round(sequentialRps)} req/s`);
  console.log(`created ${TOTAL - SEQUENTIAL} issues ${CONCURRENCY} at a time: ${round(concurrentRps)} req/s`);
  console.log(
    `listed ${TOTAL} issues ${LIST_ROUNDS} times (${listRequests} pages of 100): ${round(listRps)} req/s, ${Math.round(issuesPerSecond)} issues/s`,
  );
  console.log(`peak RSS: ${round(peakRssMb)} MB; requests served: ${sim.state.totalRequests()}`);
  console.log(
    JSON.stringify({
      bench: "sim",
      create_rps: round(createRps),
      create_sequential_rps: round(sequentialRps),
      create_concurrent_rps: round(concurrentRps),
      list_rps: round(listRps),
      list_issues_per_s: Math.round(issuesPerSecond),
      peak_rss_mb: round(peakRssMb),
      requests: sim.state.totalRequests(),
    }),
  );
} finally {
  await sim.stop();
}
