// Time limits on the agent's stream. A run that never prints its `result` (a hung tool, an
// iterator that never closes, an orphan child keeping the pipe open) must not hold the job until
// GitHub's six-hour limit: the watchdog ends it after a total deadline, or after an idle spell
// with no output at all. The decision is a pure function of time; the timer only asks it.
import {
  type AgentResult,
  createStreamParser,
  type StreamEvent,
  type StreamParserOptions,
} from "./stream.ts";

/** Why the watchdog gave up on a stream. */
export interface WatchdogExpiry {
  reason: "deadline" | "idle";
  /** Milliseconds since the stream started. */
  elapsedMs: number;
  /** Milliseconds since the last output. */
  idleMs: number;
  /** For people: what happened and what it means. */
  message: string;
}

export interface WatchdogLimits {
  /** The most the whole run may take. */
  deadlineMs: number;
  /** The longest silence (no output at all) before the run counts as hung. */
  idleMs: number;
}

export interface WatchdogClock extends WatchdogLimits {
  startedAt: number;
  lastActivityAt: number;
  now: number;
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 120 ? `${Math.round(s / 60)} min` : `${s} s`;
}

/** Null while the stream is within its limits; the expiry once it is not. The deadline wins ties. */
export function checkWatchdog(clock: WatchdogClock): WatchdogExpiry | null {
  const elapsedMs = clock.now - clock.startedAt;
  const idleMs = clock.now - clock.lastActivityAt;
  if (elapsedMs >= clock.deadlineMs) {
    return {
      reason: "deadline",
      elapsedMs,
      idleMs,
      message: `The agent ran for ${seconds(elapsedMs)} without finishing (time limit ${seconds(clock.deadlineMs)}).`,
    };
  }
  if (idleMs >= clock.idleMs) {
    return {
      reason: "idle",
      elapsedMs,
      idleMs,
      message: `The agent printed nothing for ${seconds(idleMs)} (idle limit ${seconds(clock.idleMs)}); its stream looks hung.`,
    };
  }
  return null;
}

/** Milliseconds until the next moment `checkWatchdog` could change its answer. */
export function nextWatchdogCheck(clock: WatchdogClock): number {
  const untilDeadline = clock.startedAt + clock.deadlineMs - clock.now;
  const untilIdle = clock.lastActivityAt + clock.idleMs - clock.now;
  return Math.max(0, Math.min(untilDeadline, untilIdle));
}

/** A running watchdog: `touch()` on every chunk, `expired` settles when a limit is passed. */
export interface Watchdog {
  touch(): void;
  readonly expired: Promise<WatchdogExpiry>;
  /** Stops the timer; `expired` then never settles. */
  stop(): void;
}

export interface WatchdogOptions extends WatchdogLimits {
  /** Milliseconds since the epoch; default `Date.now` (fake timers replace it in tests). */
  now?: () => number;
}

/** Starts a watchdog. One timer at a time, set for the nearest limit, so touches cost nothing. */
export function startWatchdog(options: WatchdogOptions): Watchdog {
  const now = options.now ?? (() => Date.now());
  const startedAt = now();
  let lastActivityAt = startedAt;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let fire: (expiry: WatchdogExpiry) => void = () => {};
  const expired = new Promise<WatchdogExpiry>((resolve) => {
    fire = resolve;
  });
  const clock = (): WatchdogClock => ({
    startedAt,
    lastActivityAt,
    now: now(),
    deadlineMs: options.deadlineMs,
    idleMs: options.idleMs,
  });
  const arm = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      const expiry = checkWatchdog(clock());
      if (expiry) {
        stopped = true;
        fire(expiry);
      } else {
        arm();
      }
    }, nextWatchdogCheck(clock()));
  };
  arm();
  return {
    touch() {
      lastActivityAt = now();
    },
    expired,
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

/** How reading the stream ended. */
export type StreamOutcome =
  | { kind: "result"; result: AgentResult }
  /** The stream closed (the process exited) without a result: a crash. */
  | { kind: "closed" }
  | { kind: "timeout"; expiry: WatchdogExpiry };

export interface ReadAgentStreamParams extends WatchdogOptions {
  /** The agent's stdout (a Node stream is an async iterable of chunks). */
  source: AsyncIterable<string | Uint8Array>;
  /** Called with every event as it is parsed (progress, raw log, outbox cues). */
  onEvent?: (event: StreamEvent) => void;
  parser?: StreamParserOptions;
}

export interface StreamReport {
  outcome: StreamOutcome;
  /** Lines that were not stream-json, with why. */
  noise: Array<{ line: number; text: string; reason: string }>;
  events: number;
}

/**
 * Reads the agent's stream until its `result`, its end, or a watchdog limit, whichever is first.
 * It stops reading at the result (closing the iterator) instead of waiting for the pipe to close.
 */
export async function readAgentStream(params: ReadAgentStreamParams): Promise<StreamReport> {
  const parser = createStreamParser(params.parser);
  const watchdog = startWatchdog(params);
  const iterator = params.source[Symbol.asyncIterator]();
  const noise: StreamReport["noise"] = [];
  let events = 0;
  const emit = (batch: StreamEvent[]) => {
    for (const event of batch) {
      events += 1;
      if (event.kind === "noise") noise.push({ line: event.line, text: event.text, reason: event.reason });
      params.onEvent?.(event);
    }
  };
  const timeout = watchdog.expired.then((expiry) => ({ timeout: expiry }) as const);
  const close = () => {
    // A hung source may never answer `return`; do not wait for it.
    iterator.return?.().catch(() => {});
  };
  try {
    for (;;) {
      const next = await Promise.race([iterator.next().then((step) => ({ step }) as const), timeout]);
      if ("timeout" in next) {
        close();
        return { outcome: { kind: "timeout", expiry: next.timeout }, noise, events };
      }
      if (next.step.done) {
        emit(parser.end());
        return {
          outcome: parser.result ? { kind: "result", result: parser.result } : { kind: "closed" },
          noise,
          events,
        };
      }
      watchdog.touch();
      emit(parser.push(next.step.value));
      if (parser.result) {
        close();
        return { outcome: { kind: "result", result: parser.result }, noise, events };
      }
    }
  } finally {
    watchdog.stop();
  }
}
