import { describe, expect, it } from "vitest";
import { RefineryRuntime } from "../../../src/town/refinery/index.ts";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe("the refinery's runtime", () => {
  it("runs one tick at a time per queue, in order", async () => {
    const runtime = new RefineryRuntime();
    const log: string[] = [];
    const gate = deferred();
    const first = runtime.exclusive("q", async () => {
      log.push("first starts");
      await gate.promise;
      log.push("first ends");
    });
    const second = runtime.exclusive("q", async () => {
      log.push("second");
    });
    const other = runtime.exclusive("other", async () => {
      log.push("other queue");
    });
    await other;
    gate.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(["first starts", "other queue", "first ends", "second"]);
  });

  it("joins plain ticks asked for while one waits, so a burst of events costs one more tick", async () => {
    const runtime = new RefineryRuntime();
    const gate = deferred();
    let runs = 0;
    const work = async () => {
      runs += 1;
      await gate.promise;
      return runs;
    };
    const running = runtime.exclusive("q", work, { join: true });
    await new Promise((r) => setTimeout(r, 0)); // the first tick is under way
    const waiting = [1, 2, 3, 4].map(() => runtime.exclusive("q", work, { join: true }));
    gate.resolve();
    await running;
    const results = await Promise.all(waiting);
    expect(runs).toBe(2);
    expect(new Set(results).size).toBe(1);
  });

  it("keeps a bounded memory of published statuses", () => {
    const runtime = new RefineryRuntime();
    for (let i = 0; i < 5_000; i++) {
      runtime.remember(`r#${i}`, {
        sha: "a",
        title: "t",
        completed: false,
        checkRunId: i,
        commentId: null,
        comment: null,
      });
    }
    expect(runtime.status("r#0")).toBeUndefined();
    expect(runtime.status("r#4999")?.checkRunId).toBe(4999);
  });

  it("recalls a read for its time to live, and never keeps a failed one", async () => {
    const runtime = new RefineryRuntime();
    let reads = 0;
    const load = async () => ++reads;
    expect(await runtime.recall("k", 60_000, load)).toBe(1);
    expect(await runtime.recall("k", 60_000, load)).toBe(1);
    expect(await runtime.recall("k", 0, load)).toBe(2);
    await expect(runtime.recall("bad", 60_000, () => Promise.reject(new Error("down")))).rejects.toThrow(
      "down",
    );
    expect(await runtime.recall("bad", 60_000, load)).toBe(3);
  });
});
