// The job's set-up pieces: the early refusal, the agent's `gt`/`bd` shims, and the repository's
// own instructions for agents.
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { redactSecrets } from "../../src/model/redact.ts";
import type { AgentInstructions } from "../../src/runner/prompt.ts";
import { renderStepSummary } from "../../src/runner/summary.ts";
import type { PolecatInputs } from "./inputs.ts";
import type { PolecatOutcome } from "./polecat.ts";

const INSTRUCTION_FILES = ["CLAUDE.md", "AGENTS.md"];

/** The outcome of a job refused before the agent ran. */
export function failEarly(
  reason: string,
  branch: string,
  inputs: PolecatInputs,
  secrets: string[],
): PolecatOutcome {
  const reasons = [redactSecrets(reason, secrets)];
  return {
    status: "failed",
    reasons,
    branch,
    pr: null,
    turns: 0,
    costUsd: 0,
    durationS: 0,
    summary: renderStepSummary({
      status: "failed",
      reasons,
      bead: { number: inputs.bead, title: `bead #${inputs.bead}` },
      polecat: inputs.polecat,
      attempt: inputs.attempt,
      branch,
      figures: null,
      filesChanged: [],
      stepsClosed: [],
      secrets,
    }),
    rawStreamPath: null,
  };
}

/** Writes `gt` and `bd` for the agent: this program again, with GASTOWN_CLI set. */
export async function writeShims(dir: string, entry: { node: string; script: string }): Promise<void> {
  await mkdir(dir, { recursive: true });
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  for (const name of ["gt", "bd"]) {
    const file = join(dir, name);
    await writeFile(
      file,
      `#!/bin/sh\nGASTOWN_CLI=${name} exec ${quote(entry.node)} ${quote(entry.script)} "$@"\n`,
    );
    await chmod(file, 0o755);
  }
}

/** CLAUDE.md and AGENTS.md at the checkout's root, as the prompt shows them. */
export async function readInstructions(workspace: string): Promise<AgentInstructions[]> {
  const found: AgentInstructions[] = [];
  for (const file of INSTRUCTION_FILES) {
    const path = join(workspace, file);
    if (existsSync(path)) found.push({ file, content: (await readFile(path, "utf8")).slice(0, 20_000) });
  }
  return found;
}
