import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { StreamEvent } from "../../src/runner/stream.ts";
import {
  checkWatchdog,
  nextWatchdogCheck,
  readAgentStream,
  startWatchdog,
  type WatchdogExpiry,
} from "../../src/runner/stream-watchdog.ts";
import { chunkSource, fixture } from "./helpers.ts";

const LIMITS = { deadlineMs: 60_000, idleMs: 10_000 };

describe("checkWatchdog", () => {
  describe("when the stream is within its limits", () => {
    it("does not expire and says when to look again", () => {
      const clock = { ...LIMITS, startedAt: 0, lastActivityAt: 5_000, now: 8_000 };
      expect(checkWatchdog(clock)).toBeNull();
      expect(nextWatchdogCheck(clock)).toBe(7_000);
    });
  });

  describe("when nothing was printed for the idle limit", () => {
    it("expires as idle", () => {
      const expiry = checkWatchdog({ ...LIMITS, startedAt: 0, lastActivityAt: 5_000, now: 15_000 });
      expect(expiry).toMatchObject({ reason: "idle", idleMs: 10_000, elapsedMs: 15_000 });
      expect(expiry?.message).toBe(
        "The agent printed nothing for 10 s (idle limit 10 s); its stream looks hung.",
      );
    });
  });

  describe("when the run passes its deadline while still printing", () => {
    it("expires as deadline, which wins over idle", () => {
      const expiry = checkWatchdog({ ...LIMITS, startedAt: 0, lastActivityAt: 0, now: 60_000 });
      expect(expiry).toMatchObject({ reason: "deadline" });
      expect(expiry?.message).toBe("The agent ran for 60 s without finishing (time limit 60 s).");
      expect(
        checkWatchdog({
          deadlineMs: 3_600_000,
          idleMs: 600_000,
          startedAt: 0,
          lastActivityAt: 3_599_000,
          now: 3_600_000,
        })?.message,
      ).toBe("The agent ran for 60 min without finishing (time limit 60 min).");
    });
  });
});

describe("startWatchdog", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("expires after the idle limit when nothing touches it", async () => {
    const watchdog = startWatchdog(LIMITS);
    let expiry: WatchdogExpiry | null = null;
    void watchdog.expired.then((e) => {
      expiry = e;
    });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(expiry).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(expiry).toMatchObject({ reason: "idle" });
  });

  it("keeps a touched stream alive until the deadline", async () => {
    const watchdog = startWatchdog(LIMITS);
    let expiry: WatchdogExpiry | null = null;
    void watchdog.expired.then((e) => {
      expiry = e;
    });
    for (let t = 0; t < 59; t += 1) {
      await vi.advanceTimersByTimeAsync(1_000);
      watchdog.touch();
    }
    expect(expiry).toBeNull();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(expiry).toMatchObject({ reason: "deadline" });
  });

  it("never expires once stopped", async () => {
    const watchdog = startWatchdog(LIMITS);
    let expired = false;
    void watchdog.expired.then(() => {
      expired = true;
    });
    watchdog.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(expired).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("readAgentStream", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe("when the stream ends with a result", () => {
    it("returns the result and every event in order", async () => {
      const events: StreamEvent[] = [];
      const report = await readAgentStream({
        ...LIMITS,
        source: chunkSource([fixture("success")]),
        onEvent: (e) => events.push(e),
      });
      expect(report.outcome).toMatchObject({ kind: "result", result: { success: true, turns: 6 } });
      expect(events[0]?.kind).toBe("init");
      expect(events.at(-1)?.kind).toBe("result");
      expect(report.events).toBe(events.length);
      expect(report.noise).toEqual([]);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe("when the result comes but the pipe stays open (the known hang)", () => {
    it("stops at the result and closes the source instead of waiting", async () => {
      const source = chunkSource(fixture("success").split(/(?<=\n)/), "hang");
      const report = await readAgentStream({ ...LIMITS, source });
      expect(report.outcome.kind).toBe("result");
      expect(source.returned).toBe(true);
    });
  });

  describe("when the stream goes silent without a result", () => {
    it("times out as idle after the idle limit", async () => {
      const source = chunkSource([fixture("crash").split("\n")[0] as string, "\n"], "hang");
      const reading = readAgentStream({ ...LIMITS, source });
      await vi.advanceTimersByTimeAsync(10_000);
      const report = await reading;
      expect(report.outcome).toMatchObject({ kind: "timeout", expiry: { reason: "idle" } });
      expect(report.events).toBe(1);
      expect(source.returned).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe("when the stream keeps printing but never finishes", () => {
    it("times out at the deadline", async () => {
      let i = 0;
      const chatty: AsyncIterable<string> = {
        [Symbol.asyncIterator]: () => ({
          next: () =>
            new Promise<IteratorResult<string>>((resolve) => {
              setTimeout(() => resolve({ done: false, value: `not json ${i++}\n` }), 5_000);
            }),
        }),
      };
      const reading = readAgentStream({ ...LIMITS, source: chatty });
      await vi.advanceTimersByTimeAsync(60_000);
      const report = await reading;
      expect(report.outcome).toMatchObject({ kind: "timeout", expiry: { reason: "deadline" } });
      expect(report.noise.length).toBeGreaterThan(5);
    });
  });

  describe("when the process exits mid-run", () => {
    it("reports the stream closed without a result, and the cut line as noise", async () => {
      const report = await readAgentStream({ ...LIMITS, source: chunkSource([fixture("crash")]) });
      expect(report.outcome).toEqual({ kind: "closed" });
      expect(report.noise).toHaveLength(1);
      expect(report.noise[0]?.reason).toBe("not JSON");
    });
  });
});
