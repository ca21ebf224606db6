// Git smart HTTP: `/{owner}/{repo}.git/...` served by `git http-backend`, token-checked.
// (Owned by the git work; this stub answers 404 until it lands.)
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimContext } from "./context.ts";

export function isGitPath(pathname: string): boolean {
  return /^\/[^/]+\/[^/]+\.git(\/|$)/.test(pathname);
}

export async function handleGit(args: {
  sim: SimContext;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
}): Promise<void> {
  args.res.writeHead(404).end();
}
