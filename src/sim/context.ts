// The services every route can reach: the state, event emission, git, Actions and CI.
// `server.ts` builds one SimContext per running sim; route modules never hold globals.
import type { Principal } from "./auth.ts";
import type { SimRepo, SimState } from "./state.ts";

export interface EmitOptions {
  /** Who caused the event; a workflow-token sender makes events that start no workflows. */
  principal?: Principal;
}

export interface SimContext {
  readonly state: SimState;
  /** Absolute base URL, e.g. `http://127.0.0.1:4567`. */
  readonly baseUrl: string;
  /** Fires a webhook event to every hook of the repo that subscribes to it. */
  emit(repo: SimRepo, event: string, payload: Record<string, unknown>, options?: EmitOptions): void;
  /**
   * Runs the side effects of a branch moving, whoever moved it (a git push, the refs API, a
   * merge): PR head sync, "merged when reachable", closing `Closes #N` issues, CI, `push` events.
   */
  refUpdated(update: RefUpdate): Promise<void>;
  /** Waits until queued background work (webhook deliveries, CI, runs) has settled. */
  idle(): Promise<void>;
  /** Registers background work so `idle()` can wait for it. */
  track(work: Promise<unknown>): void;
}

export interface RefUpdate {
  repo: SimRepo;
  /** Full ref name, e.g. `refs/heads/main`. */
  ref: string;
  /** All-zero SHA when created. */
  before: string;
  /** All-zero SHA when deleted. */
  after: string;
  principal: Principal;
  forced?: boolean;
}

export const ZERO_SHA = "0000000000000000000000000000000000000000";
