// The action's entry. The same file serves as the agent's `gt` and `bd` inside the job: the
// runner puts shims on the agent's PATH that run it with GASTOWN_CLI set (in outbox mode).
import { main } from "../../src/cli/main.ts";
import { run } from "./runner.ts";

const cli = process.env.GASTOWN_CLI;
if (cli === "gt" || cli === "bd") await main(cli);
else await run();
