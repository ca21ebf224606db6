// Keeps the one progress comment on the bead: found again by its marker (a re-run of the same
// attempt edits its own comment), edited in place at most every 10 s, the final edit always, and
// never an edit that changes nothing. Edits are serialized; a failed edit is logged and retried
// by the next one, so progress never stops the work.
import { createComment, listComments, updateComment } from "../../src/github/comments.ts";
import type { Logger } from "../../src/log.ts";
import {
  decideProgressEdit,
  findProgressComment,
  type ProgressInput,
  renderProgressComment,
} from "../../src/runner/progress.ts";
import type { TownContext } from "../../src/town/context.ts";

export interface ProgressKeeper {
  /** Merges `change` into what the comment shows and writes it when the throttle allows. */
  update(change: Partial<ProgressInput>, options?: { final?: boolean }): Promise<void>;
  /** Waits for pending writes (and cancels a scheduled one). */
  flush(): Promise<void>;
  readonly edits: number;
}

/** Runs `fn` after `ms`; returns what cancels it. */
export type Schedule = (fn: () => void, ms: number) => () => void;

const scheduleWithTimer: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

export async function startProgress(params: {
  town: TownContext;
  initial: ProgressInput;
  now: () => number;
  log: Logger;
  /** How a deferred edit is scheduled; a timer unless a test drives the clock. */
  schedule?: Schedule;
}): Promise<ProgressKeeper> {
  const { town, log, now } = params;
  const schedule = params.schedule ?? scheduleWithTimer;
  let input = params.initial;
  const existing = findProgressComment(await listComments(town, { issue: input.bead }), {
    bead: input.bead,
    polecat: input.polecat,
    attempt: input.attempt,
  });
  let commentId: number | null = existing?.id ?? null;
  let lastBody: string | null = existing?.body ?? null;
  let lastEditAt: number | null = null;
  let edits = 0;
  let chain: Promise<void> = Promise.resolve();
  let cancelScheduled: (() => void) | undefined;

  const write = async (final: boolean): Promise<void> => {
    const body = renderProgressComment(input);
    const decision = decideProgressEdit({ now: now(), lastEditAt, changed: body !== lastBody, final });
    if (!decision.edit) {
      if (decision.retryInMs !== null && cancelScheduled === undefined) {
        cancelScheduled = schedule(() => {
          cancelScheduled = undefined;
          chain = chain.then(() => write(false));
        }, decision.retryInMs);
      }
      return;
    }
    try {
      if (commentId === null) commentId = (await createComment(town, { issue: input.bead, body })).id;
      else await updateComment(town, { id: commentId, body });
      lastBody = body;
      lastEditAt = now();
      edits += 1;
    } catch (error: unknown) {
      log.warn(
        { bead: input.bead },
        `could not write the progress comment: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };

  const keeper: ProgressKeeper = {
    get edits() {
      return edits;
    },
    update(change, options = {}) {
      input = { ...input, ...change };
      if (options.final && cancelScheduled !== undefined) {
        cancelScheduled();
        cancelScheduled = undefined;
      }
      chain = chain.then(() => write(options.final ?? false));
      return chain;
    },
    async flush() {
      if (cancelScheduled !== undefined) {
        cancelScheduled();
        cancelScheduled = undefined;
      }
      await chain;
    },
  };
  await keeper.update({}, { final: true });
  return keeper;
}
