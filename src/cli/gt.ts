// The `gt` binary: convoys, mail, hooks, status and doctor.
import { main } from "./main.ts";

await main("gt");
