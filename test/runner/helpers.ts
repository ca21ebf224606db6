// Shared helpers for the runner's tests: the stream-json fixtures and a chunked async source.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(new URL("../fixtures/claude-code/", import.meta.url));
export const STANDIN = fileURLToPath(new URL("../bin/claude", import.meta.url));

/** A transcript from test/fixtures/claude-code/. */
export function fixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}.stream.jsonl`, "utf8");
}

/** An async source that yields `chunks` and then either ends or never answers again. */
export function chunkSource(
  chunks: readonly (string | Uint8Array)[],
  end: "close" | "hang" = "close",
): AsyncIterable<string | Uint8Array> & { returned: boolean } {
  const source = {
    returned: false,
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next(): Promise<IteratorResult<string | Uint8Array>> {
          if (i < chunks.length)
            return Promise.resolve({ done: false, value: chunks[i++] as string | Uint8Array });
          if (end === "hang") return new Promise(() => {});
          return Promise.resolve({ done: true, value: undefined });
        },
        return(): Promise<IteratorResult<string | Uint8Array>> {
          source.returned = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
  return source;
}
