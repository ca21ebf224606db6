// Beads slung by the app on its own (from the queue, when a slot frees) get the same reply a
// `/sling` would have: the run link, on the bead.
import { createComment } from "../../github/comments.ts";
import type { TownContext } from "../../town/context.ts";
import type { SlingResult } from "../../town/sling.ts";
import { describeSling } from "../execute.ts";

/** Comments on each bead the queue dispatched; queued-again beads were told already. */
export async function announceDispatches(town: TownContext, results: readonly SlingResult[]): Promise<void> {
  for (const result of results) {
    if (result.outcome !== "dispatched") continue;
    await createComment(town, { issue: result.bead.number, body: describeSling(result) });
  }
}
