// `npm run bench -- convoy`: `gt convoy status` of a 200-bead convoy on the loopback GitHub.
// The convoy is a milestone: one read of it, plus one paginated list of its issues (open and
// closed), gives progress, each bead's state and who works it. Target: requests ≤ 3 +
// ceil(beads / 100). Seeding (beads in every state, some blocked, 200 more outside the convoy,
// the convoy made through the town's createConvoy) is not measured.
// `CONVOY_BEADS=300 npm run bench -- convoy` to change the size.
import { addBlockedBy } from "../src/github/dependencies.ts";
import { createBead } from "../src/github/issues.ts";
import type { Bead, BeadDraft } from "../src/model/bead.ts";
import type { Priority } from "../src/model/vocabulary.ts";
import { convoyStatus, createConvoy } from "../src/town/convoys.ts";
import { measure, report, seed, seededRandom, withBenchTown } from "./_setup.ts";

const BEADS = Number(process.env.CONVOY_BEADS ?? 200);
const OUTSIDE = 200;
const SEED_CONCURRENCY = 16;

/** Bead i of the convoy: a third closed, a tenth hooked by a polecat, a tenth in progress. */
function draftOf(i: number, random: () => number): BeadDraft {
  const base = {
    title: `Convoy bench bead ${i + 1}`,
    body: `Part ${i + 1} of the convoy benchmark's work.`,
    priority: Math.floor(random() * 5) as Priority,
  };
  if (i % 3 === 0) return { ...base, status: "closed" };
  if (i % 10 === 1) {
    return {
      ...base,
      status: "hooked",
      metadata: { polecat: `polecat-${(i % 7) + 1}`, branch: `polecat/polecat-${(i % 7) + 1}/${i + 1}` },
    };
  }
  if (i % 10 === 2) return { ...base, status: "in_progress" };
  return base;
}

await withBenchTown(async ({ sim, town }) => {
  const random = seededRandom(7);
  const beads = new Array<Bead>(BEADS);
  await seed(BEADS, SEED_CONCURRENCY, async (i) => {
    beads[i] = await createBead(town, draftOf(i, random));
  });
  await seed(OUTSIDE, SEED_CONCURRENCY, (i) =>
    createBead(town, { title: `Unrelated bead ${i + 1}`, body: "Not in the convoy." }),
  );
  // Every fifth open bead waits on the bead before it.
  const edges = beads.flatMap((bead, i) =>
    i > 0 && i % 5 === 0 ? [{ blocked: bead, blocker: beads[i - 1] as Bead }] : [],
  );
  await seed(edges.length, SEED_CONCURRENCY, async (i) => {
    const { blocked, blocker } = edges[i] as (typeof edges)[number];
    await addBlockedBy(town, {
      blocked: blocked.number,
      blocker: { number: blocker.number, id: blocker.id },
    });
  });
  const { convoy } = await createConvoy(town, {
    title: "Convoy benchmark",
    beads: beads.map((bead) => bead.number),
    owner: "mayor/",
  });

  const { result, requests, ms, breakdown } = await measure(sim, () =>
    convoyStatus(town, { convoy: convoy.number }),
  );
  const { progress } = result;
  if (progress.total !== BEADS)
    throw new Error(`convoy status saw ${progress.total} beads, expected ${BEADS}`);
  const target = 3 + Math.ceil(BEADS / 100);
  report(
    {
      bench: "convoy",
      requests,
      beads: progress.total,
      closed: progress.closed,
      workers: progress.workers.length,
      ms,
      target,
      target_met: requests <= target,
    },
    { percent: progress.percent, calls: breakdown },
  );
});
