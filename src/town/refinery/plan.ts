// One tick's working copy: the state as it is being changed, and what the tick owes the world once
// that state is stored — the PRs merged and removed (their aftermath), the marked PRs that cannot
// enter yet (their status), and the branch moves that must wait until the state names them.
import type { Removal } from "../../model/merge-queue/batch.ts";
import type { IneligibleReason } from "../../model/merge-queue/entry.ts";
import { describeRemoval, type RemovalCause } from "../../model/merge-queue/removal.ts";
import { recordMerged, recordRemoved, type RefineryState } from "../../model/merge-queue/state.ts";

/** A PR the tick merged, with the head it merged at. */
export interface MergedPr {
  pr: number;
  /** The base commit that carries it. */
  sha: string;
  headSha: string;
}

/** A PR the tick let go, with the fix-ups it had had. */
export interface RemovedPr {
  pr: number;
  cause: RemovalCause;
  retries: number;
  headSha: string;
}

export class TickPlan {
  state: RefineryState;
  readonly merged: MergedPr[] = [];
  readonly removed: RemovedPr[] = [];
  readonly notQueued = new Map<number, IneligibleReason[]>();
  /** Native mode: where GitHub's merge queue has each PR. */
  readonly nativePositions = new Map<number, { position: number; testing: boolean }>();
  /** Done once the state is stored (a staging push must never run ahead of the state naming it). */
  readonly afterWrite: Array<() => Promise<unknown>> = [];
  readonly now: Date;

  constructor(state: RefineryState, now: Date) {
    this.state = state;
    this.now = now;
  }

  merge(items: ReadonlyArray<{ pr: number; sha: string }>): void {
    const heads = new Map(this.state.entries.map((e) => [e.pr, e.headSha]));
    const fresh = items.filter((i) => !this.merged.some((m) => m.pr === i.pr));
    for (const item of fresh) this.merged.push({ ...item, headSha: heads.get(item.pr) ?? item.sha });
    this.state = recordMerged(this.state, fresh, this.now);
  }

  remove(removals: readonly Removal[]): void {
    const entries = new Map(this.state.entries.map((e) => [e.pr, e]));
    const fresh = removals.filter((r) => !this.removed.some((m) => m.pr === r.pr));
    for (const removal of fresh) {
      const entry = entries.get(removal.pr);
      const parked = this.state.parked.find((p) => p.pr === removal.pr);
      this.removed.push({
        pr: removal.pr,
        cause: removal.cause,
        retries: entry?.retries ?? parked?.retries ?? 0,
        headSha: entry?.headSha ?? parked?.headSha ?? "",
      });
    }
    this.state = recordRemoved(
      this.state,
      fresh.map((r) => ({ ...r, reason: describeRemoval(r.cause) })),
      this.now,
    );
  }

  /** Changes the state with a pure function. */
  update(change: (state: RefineryState) => RefineryState): void {
    this.state = change(this.state);
  }
}
