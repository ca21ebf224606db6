// What happens when a branch moves (owned by the git work): PR heads, merges, closing issues, CI.
import type { RefUpdate, SimContext } from "./context.ts";

export async function applyRefUpdate(_sim: SimContext, _update: RefUpdate): Promise<void> {}
