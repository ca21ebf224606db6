// The action's one boundary module: the only file that reads `INPUT_*` (through @actions/core)
// and `GITHUB_*`. It returns one typed object; everything downstream takes that.
import * as core from "@actions/core";
import { z } from "zod";

const number = (what: string, min: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${what} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min, `${what} must be at least ${min}`);

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** `90s`, `45m`, `2h` or a bare number of minutes, in milliseconds. */
const duration = (what: string) =>
  z
    .string()
    .trim()
    .regex(DURATION, `${what} must be a duration such as 90s, 45m or 2h`)
    .transform((text) => {
      const [, amount = "0", unit = "m"] = DURATION.exec(text) ?? [];
      return Math.round(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
    })
    .refine((ms) => ms >= 1_000, `${what} must be at least 1s`);

/** The action's inputs and the runner's context, checked. */
export const PolecatInputsSchema = z.object({
  githubToken: z.string().min(1, "github-token is required"),
  anthropicApiKey: z.string(),
  claudeCodeOauthToken: z.string(),
  bead: number("bead", 1),
  polecat: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "polecat must be letters, digits, ., _ or -"),
  formula: z.string().trim(),
  vars: z.string().transform((text, ctx) => {
    try {
      const value: unknown = JSON.parse(text.trim() === "" ? "{}" : text);
      const parsed = z.record(z.string(), z.string()).safeParse(value);
      if (parsed.success) return parsed.data;
    } catch {
      // reported below
    }
    ctx.addIssue({
      code: "custom",
      message: 'vars must be a JSON object of strings, e.g. {"base_branch":"main"}',
    });
    return z.NEVER;
  }),
  attempt: number("attempt", 1),
  model: z.string().trim(),
  maxTurns: z.union([z.literal("").transform(() => null), number("max-turns", 1)]),
  allowedTools: z.string(),
  agentCommand: z.string().trim(),
  /** How long the agent may run, in milliseconds. */
  timeLimitMs: duration("time-limit"),
  baseBranch: z.string().trim(),
  /** `owner/name`. */
  repository: z.string().regex(/^[^/\s]+\/[^/\s]+$/, "GITHUB_REPOSITORY must be owner/name"),
  apiUrl: z.string().url(),
  serverUrl: z.string().url(),
  runId: z.union([z.literal("").transform(() => null), number("GITHUB_RUN_ID", 1)]),
  workspace: z.string().min(1, "GITHUB_WORKSPACE is not set"),
  tempDir: z.string().min(1),
});

export type PolecatInputs = z.infer<typeof PolecatInputsSchema>;

/** Reads and checks the inputs; throws one error naming every bad input. */
export function readInputs(env: Readonly<Record<string, string | undefined>> = process.env): PolecatInputs {
  const input = (name: string) => core.getInput(name);
  const raw = {
    githubToken: input("github-token"),
    anthropicApiKey: input("anthropic-api-key"),
    claudeCodeOauthToken: input("claude-code-oauth-token"),
    bead: input("bead").replace(/^#/, ""),
    polecat: input("polecat"),
    formula: input("formula"),
    vars: input("vars"),
    attempt: input("attempt") || "1",
    model: input("model"),
    maxTurns: input("max-turns"),
    allowedTools: input("allowed-tools"),
    agentCommand: input("agent-command"),
    timeLimitMs: input("time-limit") || "60m",
    baseBranch: input("base-branch"),
    repository: env.GITHUB_REPOSITORY ?? "",
    apiUrl: env.GITHUB_API_URL || "https://api.github.com",
    serverUrl: env.GITHUB_SERVER_URL || "https://github.com",
    runId: env.GITHUB_RUN_ID ?? "",
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: env.RUNNER_TEMP || env.TMPDIR || "/tmp",
  };
  const parsed = PolecatInputsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => issue.message).join("; ");
  throw new Error(
    `The polecat action's inputs are invalid: ${problems}. Fix the workflow's \`with:\` block.`,
  );
}
