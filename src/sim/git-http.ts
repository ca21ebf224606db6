// Git smart HTTP at `/{owner}/{repo}.git/{info/refs,git-upload-pack,git-receive-pack}`, served by
// git's own `git http-backend` as a CGI, so clone, fetch and push behave exactly as git expects.
// Credentials are checked as GitHub does: basic auth `x-access-token:<token>`; anonymous clones
// of public repos; 401 with a Basic challenge when credentials are missing or wrong (so git asks
// for them, or fails cleanly with prompts off); 404 for a repo the caller cannot see; 403 for a
// push with read access only.
//
// Which refs a push moved comes from git itself: a post-receive hook written into each repo
// appends git's `<old> <new> <ref>` lines to a per-push file named in the hook's environment.
// That list is exact even when REST writes race the push, so no per-repo lock is needed.
import { execFileSync, spawn } from "node:child_process";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { type Principal, authenticate, permissionOn } from "./auth.ts";
import type { SimContext } from "./context.ts";
import { isAncestor, ZERO } from "./git.ts";
import { announceRefMove } from "./git-rest.ts";
import { HttpError } from "./http.ts";
import { PERMISSION_RANK, type SimRepo } from "./state.ts";

const GIT_PATH = /^\/([^/]+)\/([^/]+?)\.git(\/.*)?$/;

export function isGitPath(pathname: string): boolean {
  return /^\/[^/]+\/[^/]+\.git(\/|$)/.test(pathname);
}

type Service = "git-upload-pack" | "git-receive-pack";

let backendPath: string | undefined;

/** `git http-backend` lives in git's exec path; asked once per process. */
function httpBackend(): string {
  backendPath ??= join(execFileSync("git", ["--exec-path"], { encoding: "utf8" }).trim(), "git-http-backend");
  return backendPath;
}

const PUSH_LOG_ENV = "GASTOWN_SIM_PUSH_LOG";

const POST_RECEIVE = `#!/bin/sh
# Written by the loopback GitHub: hands git's list of updated refs to the server that ran the push.
if [ -n "$${PUSH_LOG_ENV}" ]; then cat >> "$${PUSH_LOG_ENV}"; fi
exit 0
`;

const hooked = new Set<string>();

async function ensurePushHook(gitDir: string): Promise<void> {
  if (hooked.has(gitDir)) return;
  const hooks = join(gitDir, "hooks");
  await mkdir(hooks, { recursive: true });
  const hook = join(hooks, "post-receive");
  await writeFile(hook, POST_RECEIVE);
  await chmod(hook, 0o755);
  hooked.add(gitDir);
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(`${text}\n`);
}

/** Which service a request asks for, or an answer to give instead. */
function serviceOf(method: string, rest: string, url: URL): Service | { status: number; text: string } {
  if (rest === "/info/refs" && method === "GET") {
    const service = url.searchParams.get("service");
    if (service === "git-upload-pack" || service === "git-receive-pack") return service;
    // The dumb protocol: GitHub refuses it too.
    return {
      status: 403,
      text: "Please upgrade your git client. This server does not support git over dumb-http.",
    };
  }
  if (method === "POST" && (rest === "/git-upload-pack" || rest === "/git-receive-pack")) {
    return rest.slice(1) as Service;
  }
  return { status: 404, text: "Not Found" };
}

export async function handleGit(args: {
  sim: SimContext;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
}): Promise<void> {
  const { sim, req, res, url } = args;
  const method = (req.method ?? "GET").toUpperCase();
  const match = GIT_PATH.exec(url.pathname);
  const service = match ? serviceOf(method, match[3] ?? "/", url) : { status: 404, text: "Not Found" };
  if (!match || typeof service !== "string") {
    req.resume();
    sendText(
      res,
      typeof service === "string" ? 404 : service.status,
      typeof service === "string" ? "Not Found" : service.text,
    );
    return;
  }
  const [, owner = "", name = ""] = match;

  let principal: Principal;
  try {
    principal = authenticate(sim.state, req.headers.authorization);
  } catch (error: unknown) {
    if (!(error instanceof HttpError)) throw error;
    req.resume();
    challenge(res, "Invalid username or token. Password authentication is not supported for Git operations.");
    return;
  }
  const repo = sim.state.repo(owner, name);
  const needed = service === "git-receive-pack" ? "write" : "read";
  const held = repo ? permissionOn(repo, principal) : "none";
  if (!repo || PERMISSION_RANK[held] < PERMISSION_RANK[needed]) {
    req.resume();
    // Anonymous callers are asked for credentials rather than told whether the repo exists.
    if (!principal.token) challenge(res, "Authentication required.");
    else if (!repo || held === "none") sendText(res, 404, "Repository not found.");
    else sendText(res, 403, `Permission to ${repo.owner}/${repo.name}.git denied to ${principal.login}.`);
    return;
  }
  await runBackend({ sim, req, res, url, repo, principal, service, path: match[3] ?? "/" });
}

function challenge(res: ServerResponse, text: string): void {
  sendText(res, 401, text, { "www-authenticate": 'Basic realm="GitHub"' });
}

/** The environment of one CGI call, without any GIT_* of our own process leaking in. */
function cgiEnv(args: {
  req: IncomingMessage;
  url: URL;
  repo: SimRepo;
  principal: Principal;
  path: string;
  pushLog: string | undefined;
}): NodeJS.ProcessEnv {
  const { req, url, repo } = args;
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("GIT_")) env[key] = value;
  Object.assign(env, {
    GIT_PROJECT_ROOT: dirname(dirname(repo.gitDir)),
    PATH_INFO: `/${basename(dirname(repo.gitDir))}/${basename(repo.gitDir)}${args.path}`,
    GIT_HTTP_EXPORT_ALL: "1",
    // Our hook must run even where a user-level `core.hooksPath` points elsewhere.
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "core.hooksPath",
    GIT_CONFIG_VALUE_0: join(repo.gitDir, "hooks"),
    REQUEST_METHOD: (req.method ?? "GET").toUpperCase(),
    QUERY_STRING: url.search.replace(/^\?/, ""),
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    REMOTE_USER: args.principal.login ?? "",
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
  });
  const length = req.headers["content-length"];
  if (length !== undefined) env.CONTENT_LENGTH = length;
  // http-backend inflates gzip request bodies itself when told the encoding (fetches send them).
  const encoding = req.headers["content-encoding"];
  if (encoding) env.HTTP_CONTENT_ENCODING = encoding;
  const protocol = req.headers["git-protocol"];
  if (typeof protocol === "string") env.HTTP_GIT_PROTOCOL = protocol;
  if (args.pushLog) env[PUSH_LOG_ENV] = args.pushLog;
  return env;
}

async function runBackend(args: {
  sim: SimContext;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  repo: SimRepo;
  principal: Principal;
  service: Service;
  path: string;
}): Promise<void> {
  const { sim, req, res, repo, principal } = args;
  const pushing = args.service === "git-receive-pack" && args.path === "/git-receive-pack";
  const pushLog = pushing
    ? join(tmpdir(), `gastown-sim-push-${process.pid}-${sim.state.nextId()}-${Date.now()}.log`)
    : undefined;
  if (pushing) await ensurePushHook(repo.gitDir);

  const child = spawn(httpBackend(), [], {
    env: cgiEnv({ ...args, pushLog }),
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stderr: Buffer[] = [];
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  req.pipe(child.stdin);
  child.stdin.on("error", () => undefined);

  const exited = new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code ?? 1));
  });

  // CGI: header lines, a blank line, then the body, which is streamed through as it comes.
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const split = findHeaderEnd(head);
    if (!split) return;
    headersDone = true;
    const { status, headers } = parseCgiHeaders(head.subarray(0, split.index).toString("latin1"));
    res.writeHead(status, headers);
    const body = head.subarray(split.index + split.length);
    if (body.length > 0) res.write(body);
  });

  let code: number;
  try {
    code = await exited;
  } catch (error: unknown) {
    if (!res.headersSent) sendText(res, 500, `git http-backend could not start: ${String(error)}`);
    else res.destroy();
    return;
  }
  if (!headersDone) {
    const detail = Buffer.concat(stderr).toString("utf8").trim();
    sendText(res, 500, `git http-backend failed (exit ${code})${detail ? `: ${detail}` : ""}`);
    return;
  }
  // The client waits for the end of the response, so by the time `git push` returns, the
  // sim has run every effect of the push (PR sync, merged-when-reachable, events).
  try {
    if (pushLog) await announcePush(sim, repo, principal, pushLog);
  } finally {
    res.end();
  }
}

function findHeaderEnd(buffer: Buffer): { index: number; length: number } | undefined {
  const crlf = buffer.indexOf("\r\n\r\n");
  const lf = buffer.indexOf("\n\n");
  if (crlf !== -1 && (lf === -1 || crlf <= lf)) return { index: crlf, length: 4 };
  if (lf !== -1) return { index: lf, length: 2 };
  return undefined;
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon === -1) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
    else headers[key.toLowerCase()] = value;
  }
  return { status, headers };
}

/** Reads the refs git says the push moved and runs each through the sim's ref-moved effects. */
async function announcePush(
  sim: SimContext,
  repo: SimRepo,
  principal: Principal,
  pushLog: string,
): Promise<void> {
  let lines: string[];
  try {
    lines = (await readFile(pushLog, "utf8")).split("\n").filter((line) => line.length > 0);
  } catch (error: unknown) {
    // No file: the push was refused or changed nothing, so the hook never ran.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  } finally {
    await rm(pushLog, { force: true });
  }
  for (const line of lines) {
    const [before = ZERO, after = ZERO, ref = ""] = line.split(" ");
    const forced = before !== ZERO && after !== ZERO && !(await isAncestor(repo.gitDir, before, after));
    await announceRefMove(sim, { repo, ref, before, after, principal, forced });
  }
}
