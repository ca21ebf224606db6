// The `bd` binary: beads, dependencies and readiness.
import { main } from "./main.ts";

await main("bd");
