// The job's set-up pieces: the hook check, the early refusal and the agent's `gt`/`bd` shims.
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { getHookHolder } from "../../src/github/refs.ts";
import { describeHolder } from "../../src/model/hook.ts";
import { redactSecrets } from "../../src/model/redact.ts";
import { renderStepSummary } from "../../src/runner/summary.ts";
import type { TownContext } from "../../src/town/context.ts";
import type { PolecatInputs } from "./inputs.ts";
import type { PolecatOutcome } from "./polecat.ts";

/** Null when the hook names this polecat and attempt; otherwise who (or what) holds it. */
export async function describeHookUnlessOurs(
  town: TownContext,
  inputs: PolecatInputs,
): Promise<string | null> {
  const hook = await getHookHolder(town, inputs.bead);
  const holder = hook.held ? hook.holder : null;
  if (holder && holder.polecat === inputs.polecat && holder.attempt === inputs.attempt) return null;
  return hook.held ? (holder ? describeHolder(holder) : "a claim that cannot be read") : "nobody";
}

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

/** Where one job keeps its files under the runner's temp directory (the workflow uploads `rawStream`). */
export function jobPaths(params: { tempDir: string; bead: number; attempt: number; runKey: number }): {
  dir: string;
  bin: string;
  outbox: string;
  rawStream: string;
} {
  const dir = join(params.tempDir, `gastown-polecat-${params.bead}-${params.attempt}-${params.runKey}`);
  return {
    dir,
    bin: join(dir, "bin"),
    outbox: join(dir, "outbox.jsonl"),
    rawStream: join(dir, "agent-stream.jsonl"),
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
