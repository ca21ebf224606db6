// A per-repo index from a grouping key (an issue number, a reaction's subject) to the ids of the
// records in that group, in insertion order. Records are written only through `add` and
// `remove`, which keep the repo's map and the index in step; the index is built on first use.
import type { SimRepo } from "./state.ts";

export class RepoGroupIndex<T extends { id: number }> {
  readonly #byRepo = new WeakMap<SimRepo, Map<string, number[]>>();
  readonly #records: (repo: SimRepo) => Map<number, T>;
  readonly #keyOf: (record: T) => string;

  constructor(args: { records: (repo: SimRepo) => Map<number, T>; keyOf: (record: T) => string }) {
    this.#records = args.records;
    this.#keyOf = args.keyOf;
  }

  /** The group's records, oldest first. */
  list(repo: SimRepo, key: string): T[] {
    const records = this.#records(repo);
    return (this.#groups(repo).get(key) ?? []).flatMap((id) => records.get(id) ?? []);
  }

  add(repo: SimRepo, record: T): void {
    const groups = this.#groups(repo);
    this.#records(repo).set(record.id, record);
    const key = this.#keyOf(record);
    groups.set(key, [...(groups.get(key) ?? []), record.id]);
  }

  remove(repo: SimRepo, record: T): void {
    const groups = this.#groups(repo);
    this.#records(repo).delete(record.id);
    const key = this.#keyOf(record);
    groups.set(
      key,
      (groups.get(key) ?? []).filter((id) => id !== record.id),
    );
  }

  #groups(repo: SimRepo): Map<string, number[]> {
    let groups = this.#byRepo.get(repo);
    if (!groups) {
      groups = new Map();
      for (const record of this.#records(repo).values()) {
        const key = this.#keyOf(record);
        groups.set(key, [...(groups.get(key) ?? []), record.id]);
      }
      this.#byRepo.set(repo, groups);
    }
    return groups;
  }
}
