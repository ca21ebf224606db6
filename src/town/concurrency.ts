// Reads that fan out over many beads (blocker names, hook holders) run a few at a time: fast
// enough, and gentle on GitHub's secondary limits, which punish bursts of concurrent requests.

/** Default number of requests a use case keeps in flight when it fans out. */
export const FAN_OUT = 6;

/** `map` with at most `limit` calls in flight; results keep the input's order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
