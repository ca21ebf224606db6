// What the agent's prompt is built from, gathered for `buildPrompt`: the bead with its acceptance
// criteria, the molecule's current step and checklist, the polecat's unread mail, the last
// handoff on the bead, and the repository's own instructions for agents. The instructions are
// read from the base branch, never the polecat's branch, which an earlier agent could have
// rewritten.
import { listComments } from "../../src/github/comments.ts";
import type { Logger } from "../../src/log.ts";
import { formatAddress } from "../../src/model/address.ts";
import type { Bead } from "../../src/model/bead.ts";
import {
  type AgentInstructions,
  buildPrompt,
  type PromptMail,
  splitAcceptance,
} from "../../src/runner/prompt.ts";
import { parseHandoffComment } from "../../src/runner/summary.ts";
import type { TownContext } from "../../src/town/context.ts";
import { readInbox } from "../../src/town/mail.ts";
import * as git from "./git.ts";
import type { PolecatInputs } from "./inputs.ts";
import type { PolecatMolecule } from "./molecule.ts";

/** The files whose text the prompt carries as the repository's instructions, in this order. */
export const INSTRUCTION_FILES = ["CLAUDE.md", "AGENTS.md"] as const;
const INSTRUCTIONS_MAX = 20_000;

/** CLAUDE.md and AGENTS.md at the root of `origin/<base>`. */
export async function readInstructions(
  params: git.GitParams & { base: string },
): Promise<AgentInstructions[]> {
  const found: AgentInstructions[] = [];
  for (const file of INSTRUCTION_FILES) {
    const content = await git.readBaseFile({ ...params, path: file });
    if (content !== null) found.push({ file, content: content.slice(0, INSTRUCTIONS_MAX) });
  }
  return found;
}

async function unreadMail(town: TownContext, address: string, log: Logger): Promise<PromptMail[]> {
  try {
    const inbox = await readInbox(town, { address });
    return inbox.entries.map((e) => ({
      from: formatAddress(e.message.envelope.from),
      subject: e.message.envelope.subject,
      body: e.message.body,
      sentAt: e.createdAt,
    }));
  } catch (error: unknown) {
    log.warn(
      { address },
      `could not read the inbox: ${error instanceof Error ? error.message : String(error)}`,
    );
    return [];
  }
}

/** The prompt for this job. */
export async function gatherPrompt(params: {
  town: TownContext;
  inputs: PolecatInputs;
  git: git.GitParams;
  bead: Bead;
  molecule: PolecatMolecule | null;
  branch: string;
  base: string;
  /** The polecat's mail address, `<rig>/polecats/<name>`. */
  address: string;
  log: Logger;
}): Promise<string> {
  const { town, inputs, bead, molecule } = params;
  const handoffs = (await listComments(town, { issue: bead.number }))
    .map((c) => parseHandoffComment(c.body))
    .filter((h) => h !== null);
  const last = handoffs.at(-1) ?? null;
  const text = splitAcceptance(bead.body);
  return buildPrompt({
    repo: inputs.repository,
    bead: {
      number: bead.number,
      title: bead.title,
      body: text.description,
      acceptance: text.acceptance,
      url: bead.url,
    },
    polecat: inputs.polecat,
    address: params.address,
    attempt: inputs.attempt,
    branch: params.branch,
    baseBranch: params.base,
    molecule: molecule
      ? {
          root: molecule.root,
          formula: molecule.formula,
          steps: molecule.steps.map(({ id, title, done }) =>
            id === molecule.current && molecule.currentDetail
              ? { id, title, done, ...molecule.currentDetail }
              : { id, title, done },
          ),
          current: molecule.current,
        }
      : null,
    mail: await unreadMail(town, params.address, params.log),
    lastHandoff: last ? { text: last.text, polecat: last.polecat, attempt: last.attempt } : null,
    instructions: await readInstructions({ ...params.git, base: params.base }),
    maxTurns: inputs.maxTurns,
  });
}
