// `npm start` with app credentials (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET):
// the GitHub App's runtime. Probot's `run` reads those and PORT, HOST, LOG_LEVEL, GHE_HOST from
// the environment, starts its server and sends webhooks at /api/github/webhooks to the app.
import { run } from "probot";
import { gastownApp } from "../src/app/index.ts";

export async function runApp(): Promise<void> {
  await run(gastownApp);
}
