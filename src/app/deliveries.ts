// Webhook redeliveries (by hand, or by a replica that saw the same event) must change nothing
// (DESIGN §5). Delivery ids are remembered in a bounded, insertion-ordered set: the oldest id is
// forgotten first, so a long-running app's memory stays flat. Transitions also re-read live
// state, so a redelivery older than the memory is still harmless.

/** The delivery ids seen lately. */
export class DeliveryMemory {
  readonly #seen = new Set<string>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  /** True the first time an id is seen; false for a redelivery. */
  firstSeen(id: string): boolean {
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    if (this.#seen.size > this.#max) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }
}
