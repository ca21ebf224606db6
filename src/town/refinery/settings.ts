// What the refinery is told (a rig's `refinery` settings from .github/gastown.yml) and what one
// running process keeps between ticks: a lock per queue, so its ticks never overlap, and the last
// status published per pull request, so nothing is written twice.
import type { SlingSettings } from "../sling.ts";

export type RefineryMode = "batch" | "direct" | "native";

/** A rig's refinery settings (from `.github/gastown.yml`'s `refinery`). */
export interface RefinerySettings {
  mode: RefineryMode;
  /** The branch merged into; null: the repository's default branch. */
  base: string | null;
  /** The branch batches are tested on (batch mode). */
  staging: string;
  batchSize: number;
  /** Re-runs of failed checks before a batch (or PR) counts as failed. */
  retryFlaky: number;
  /** Fix-ups a PR may get before its failures go to the overseer. */
  maxRetries: number;
  requireReview: boolean;
  /** Check names that must pass; empty: branch protection's or the rulesets' (else every check). */
  requiredChecks: readonly string[];
  /** The label that puts a pull request in the queue. */
  queueLabel: string;
  timeoutMinutes: number;
  /** Direct mode's merge method. */
  mergeMethod: "merge" | "squash" | "rebase";
  deleteMergedBranches: boolean;
  /** How fix-up beads are slung back to a PR's polecat; none: fix-ups are filed but not slung. */
  sling: SlingSettings | null;
  /** Who an escalation @mentions (the config's `overseers`); empty: the pull request's author. */
  overseers: readonly string[];
}

export const DEFAULT_REFINERY_SETTINGS: RefinerySettings = {
  mode: "batch",
  base: null,
  staging: "gastown/staging",
  batchSize: 5,
  retryFlaky: 1,
  maxRetries: 5,
  requireReview: true,
  requiredChecks: [],
  queueLabel: "gt/queue",
  timeoutMinutes: 60,
  mergeMethod: "merge",
  deleteMergedBranches: true,
  sling: null,
  overseers: [],
};

/** The last status published on a pull request. */
export interface PublishedStatus {
  sha: string;
  title: string;
  /** The check run was completed (a later status opens a new one). */
  completed: boolean;
  checkRunId: number | null;
  commentId: number | null;
  comment: string | null;
}

const PUBLISHED_LIMIT = 2_000;

/** What one process keeps between ticks. */
export class RefineryRuntime {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly published = new Map<string, PublishedStatus>();

  private readonly waiting = new Map<string, Promise<unknown>>();

  /**
   * Runs `work` after every earlier one for `key` has finished (one tick at a time per queue).
   * With `join`, a call made while another joinable one waits to start shares that one's result.
   */
  async exclusive<T>(key: string, work: () => Promise<T>, options: { join?: boolean } = {}): Promise<T> {
    if (options.join) {
      const waiting = this.waiting.get(key);
      if (waiting) return waiting as Promise<T>;
    }
    const before = this.tails.get(key) ?? Promise.resolve();
    let started = false;
    const start = () => {
      started = true;
      if (this.waiting.get(key) === run) this.waiting.delete(key);
      return work();
    };
    const run: Promise<T> = before.then(start, start);
    if (options.join && !started) this.waiting.set(key, run);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
      if (this.waiting.get(key) === run) this.waiting.delete(key);
    }
  }

  private readonly recalled = new Map<string, { value: Promise<unknown>; at: number }>();

  /** `load()`'s answer, read again only once `ttlMs` has passed (a failed read is not kept). */
  recall<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const kept = this.recalled.get(key);
    if (kept && now - kept.at < ttlMs) return kept.value as Promise<T>;
    const value = load();
    this.recalled.set(key, { value, at: now });
    value.catch(() => this.recalled.delete(key));
    while (this.recalled.size > PUBLISHED_LIMIT) {
      const oldest = this.recalled.keys().next().value;
      if (oldest === undefined) break;
      this.recalled.delete(oldest);
    }
    return value;
  }

  status(key: string): PublishedStatus | undefined {
    return this.published.get(key);
  }

  remember(key: string, status: PublishedStatus): void {
    this.published.delete(key);
    this.published.set(key, status);
    // Oldest first out: the map never grows past its limit.
    while (this.published.size > PUBLISHED_LIMIT) {
      const oldest = this.published.keys().next().value;
      if (oldest === undefined) break;
      this.published.delete(oldest);
    }
  }
}
