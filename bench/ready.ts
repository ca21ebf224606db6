// `npm run bench -- ready`: `bd ready` over 1,000 open beads and 300 "blocked by" edges on the
// loopback GitHub. Every issue carries its open-blocker count, so one paginated list of open
// issues is the floor: target requests ≤ ceil(open / 100) + 1. Seeding (issues with a mix of
// priorities, types and statuses, then the edges) is not measured.
// `READY_OPEN=2000 READY_EDGES=600 npm run bench -- ready` to change the size.
import { addBlockedBy } from "../src/github/dependencies.ts";
import { createBead } from "../src/github/issues.ts";
import type { Bead } from "../src/model/bead.ts";
import type { BeadStatus, BeadType, Priority } from "../src/model/vocabulary.ts";
import { findReady } from "../src/town/ready.ts";
import { measure, report, seed, seededRandom, withBenchTown } from "./_setup.ts";

const OPEN = Number(process.env.READY_OPEN ?? 1000);
const EDGES = Number(process.env.READY_EDGES ?? 300);
const SEED_CONCURRENCY = 16;

const TYPES: readonly BeadType[] = ["task", "task", "task", "bug", "feature", "chore", "epic", "step"];
/** Mostly plain open work; some held by a status label, as a working town looks. */
const STATUSES: readonly BeadStatus[] = [
  ...Array.from({ length: 16 }, () => "open" as const),
  "hooked",
  "in_progress",
  "deferred",
  "pinned",
];

await withBenchTown(async ({ sim, town }) => {
  const random = seededRandom(3);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const drafts = Array.from({ length: OPEN }, (_, i) => ({
    title: `Ready bench bead ${i + 1}`,
    body: `Seeded bead ${i + 1} for the ready benchmark.`,
    priority: Math.floor(random() * 5) as Priority,
    type: pick(TYPES),
    status: pick(STATUSES),
  }));
  const beads = new Array<Bead>(OPEN);
  await seed(OPEN, SEED_CONCURRENCY, async (i) => {
    beads[i] = await createBead(town, drafts[i] as (typeof drafts)[number]);
  });

  // Distinct edges, always from a later bead to an earlier one, so the graph has no cycle.
  const edges = new Map<string, { blocked: Bead; blocker: Bead }>();
  while (edges.size < Math.min(EDGES, (OPEN * (OPEN - 1)) / 2)) {
    const a = Math.floor(random() * OPEN);
    const b = Math.floor(random() * OPEN);
    if (a === b) continue;
    const blocked = beads[Math.max(a, b)] as Bead;
    const blocker = beads[Math.min(a, b)] as Bead;
    edges.set(`${blocked.number}<${blocker.number}`, { blocked, blocker });
  }
  const edgeList = [...edges.values()];
  await seed(edgeList.length, SEED_CONCURRENCY, async (i) => {
    const { blocked, blocker } = edgeList[i] as (typeof edgeList)[number];
    await addBlockedBy(town, {
      blocked: blocked.number,
      blocker: { number: blocker.number, id: blocker.id },
    });
  });

  const { result, requests, ms, breakdown } = await measure(sim, () => findReady(town));
  if (result.open !== OPEN) throw new Error(`findReady saw ${result.open} open beads, expected ${OPEN}`);
  const blockedBeads = new Set(edgeList.map((edge) => edge.blocked.number)).size;
  const target = Math.ceil(result.open / 100) + 1;
  report(
    {
      bench: "ready",
      requests,
      open: result.open,
      ready: result.ready.length,
      ms,
      target,
      target_met: requests <= target,
    },
    { edges: edgeList.length, blocked_beads: blockedBeads, calls: breakdown },
  );
});
