// The CLI in-process against the loopback GitHub: `bd(...)`/`gt(...)` run the commander program
// with an injected environment (token, repo, API URL) and return exit code, stdout and stderr.
import { type CliResult, type RunOptions, runBd, runGt } from "../../src/cli/run.ts";
import { startTown, type TestTown } from "../town/helpers.ts";

export interface CliTown extends TestTown {
  token: string;
  env: Record<string, string>;
  bd(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  gt(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  /** Runs and parses stdout as JSON, failing loudly on a non-zero exit. */
  json<T>(tool: "bd" | "gt", args: readonly string[]): Promise<T>;
}

export async function startCliTown(): Promise<CliTown> {
  const t = await startTown();
  const token = t.sim.token({ kind: "installation" });
  const env = { GITHUB_TOKEN: token, GASTOWN_REPO: `acme/${t.repo.name}`, GITHUB_API_URL: t.sim.url };
  const withEnv = (options: RunOptions = {}): RunOptions => ({ ...options, env: { ...env, ...options.env } });
  const bd = (args: readonly string[], options?: RunOptions) => runBd(args, withEnv(options));
  const gt = (args: readonly string[], options?: RunOptions) => runGt(args, withEnv(options));
  return {
    ...t,
    token,
    env,
    bd,
    gt,
    async json<T>(tool: "bd" | "gt", args: readonly string[]): Promise<T> {
      const result = await (tool === "bd" ? bd : gt)([...args, "--json"]);
      if (result.code !== 0)
        throw new Error(`${tool} ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout) as T;
    },
  };
}
