// `npm start` with app credentials: the GitHub App's runtime. Its event handlers (slash commands,
// sling, convoy feeding, gates) are the next piece of work; until they land, say so plainly
// rather than start a server that would accept webhooks and do nothing with them.
export async function runApp(): Promise<void> {
  console.error(
    "The GitHub App's event handlers are not part of this build yet.\n" +
      "Unset APP_ID, PRIVATE_KEY and WEBHOOK_SECRET to run the offline demo, or use the gt and bd\n" +
      "commands against your repository with GITHUB_TOKEN and --repo owner/name.",
  );
  process.exitCode = 1;
}
