// The progress keeper on the loopback GitHub: one comment on the bead, edited in place at most
// once per 10 s (the clock and the deferred edit are driven by the test), the final edit always.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Schedule, startProgress } from "../../action/src/progress.ts";
import { listComments } from "../../src/github/comments.ts";
import { silentLogger } from "../../src/log.ts";
import type { ProgressInput } from "../../src/runner/progress.ts";
import { createBead } from "../../src/town/beads.ts";
import { startTown, type TestTown } from "../town/helpers.ts";

describe("the progress keeper", () => {
  let t: TestTown;
  beforeAll(async () => {
    t = await startTown({ name: "progress-keeper" });
  });
  afterAll(async () => {
    await t?.stop();
  });

  function clock() {
    let now = 1_000_000;
    const pending: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
    const schedule: Schedule = (fn, ms) => {
      const job = { at: now + ms, fn, cancelled: false };
      pending.push(job);
      return () => {
        job.cancelled = true;
      };
    };
    return {
      now: () => now,
      schedule,
      pending: () => pending.filter((j) => !j.cancelled),
      /** Moves the clock on and runs what falls due. */
      advance(ms: number) {
        now += ms;
        for (const job of pending.splice(0)) {
          if (job.cancelled) continue;
          if (job.at <= now) job.fn();
          else pending.push(job);
        }
      },
    };
  }

  const initial = (bead: number): ProgressInput => ({
    bead,
    polecat: "nux",
    attempt: 1,
    run: 5,
    phase: "starting",
    steps: [{ id: "build", title: "Build it", done: false }],
    branch: `polecat/nux/${bead}`,
    runUrl: "http://example.invalid/run/5",
  });

  it("posts one comment, then holds every edit back until 10 s after the last", async () => {
    const { number } = await createBead(t.town, { title: "Progress" });
    const time = clock();
    const started = time.now();
    const keeper = await startProgress({
      town: t.town,
      initial: initial(number),
      now: time.now,
      log: silentLogger,
      schedule: time.schedule,
    });
    expect(keeper.edits).toBe(1);

    time.advance(1_000);
    await keeper.update({ phase: "working", activity: "Reading `src/a.ts`" });
    time.advance(1_000);
    await keeper.update({ activity: "Running `npm test`" });
    expect(keeper.edits).toBe(1);
    expect(time.pending().map((job) => job.at)).toEqual([started + 10_000]);

    time.advance(7_999);
    await keeper.update({});
    expect(keeper.edits).toBe(1);
    time.advance(1);
    await keeper.update({});
    expect(keeper.edits).toBe(2);
    expect(await listComments(t.town, { issue: number })).toHaveLength(1);
  });

  it("writes the deferred edit when 10 s have passed, with the latest state", async () => {
    const { number } = await createBead(t.town, { title: "Deferred" });
    const time = clock();
    const keeper = await startProgress({
      town: t.town,
      initial: initial(number),
      now: time.now,
      log: silentLogger,
      schedule: time.schedule,
    });
    time.advance(1_000);
    void keeper.update({ phase: "working", activity: "Reading `src/a.ts`" });
    time.advance(1_000);
    void keeper.update({ activity: "Running `npm test`" });
    time.advance(8_000);
    await keeper.update({});
    expect(keeper.edits).toBe(2);
    const comments = await listComments(t.town, { issue: number });
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain("Running `npm test`");

    // Straight after an edit, the final state is written all the same.
    await keeper.update({ phase: "finished", status: "done", activity: null }, { final: true });
    await keeper.flush();
    expect(keeper.edits).toBe(3);
    const [only, ...others] = await listComments(t.town, { issue: number });
    expect(others).toEqual([]);
    expect(only?.body).toContain("Done");
  });

  it("edits the same attempt's comment again on a re-run instead of posting another", async () => {
    const { number } = await createBead(t.town, { title: "Re-run" });
    const first = await startProgress({
      town: t.town,
      initial: initial(number),
      now: () => 0,
      log: silentLogger,
    });
    await first.flush();
    const again = await startProgress({
      town: t.town,
      initial: { ...initial(number), run: 6, phase: "working" },
      now: () => 0,
      log: silentLogger,
    });
    await again.flush();
    const comments = await listComments(t.town, { issue: number });
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain("is working on this bead");
  });
});
