// The binaries' glue: the real process's arguments, environment, terminals and stdin, handed to
// `runCli`; its exit code becomes the process's.
import { execFile } from "node:child_process";
import { type CliResult, runCli } from "./run.ts";

function capture(command: string, args: readonly string[], cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd, timeout: 10_000, windowsHide: true }, (error, stdout) => {
      resolve(error ? undefined : stdout.trim() || undefined);
    });
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Runs `name` as the current process and sets its exit code. */
export async function main(name: "gt" | "bd"): Promise<CliResult> {
  const result = await runCli(name, process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
    isErrTTY: process.stderr.isTTY === true,
    readStdin: () => readAll(process.stdin),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    ghToken: (hostname) =>
      capture(
        "gh",
        ["auth", "token", ...(hostname === undefined ? [] : ["--hostname", hostname])],
        process.cwd(),
      ),
    gitRemote: (cwd) => capture("git", ["remote", "get-url", "origin"], cwd),
  });
  process.exitCode = result.code;
  return result;
}
