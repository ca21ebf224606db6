// Polecat benchmark: one job of the bundled action, run as a process by the loopback GitHub's
// Actions with the Claude Code stand-in as the agent, on a bead poured as a 5-step molecule.
// Figures: `setup_s` (the job's process starts → the agent runs), `finish_s` (the agent's
// `result` line → the PR exists), `requests` (REST requests the job made, progress-comment edits
// left out and counted as `progress_edits`). Times come from a small wrapper that marks when the
// job and the agent start and when the agent prints its result; the PR's moment is watched on
// the sim's state. `node scripts/build.ts` runs first so the bundle is the current code.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cookFormulaSync, parseFormula } from "../src/formula/index.ts";
import { claimBead } from "../src/town/hooks.ts";
import { pourMolecule } from "../src/town/molecule/index.ts";
import { measure, report, withBenchTown } from "./_setup.ts";

const ROOT = resolve(import.meta.dirname, "..");
const ENTRY = join(ROOT, "action/dist/index.js");
const STANDIN = join(ROOT, "test/bin/claude");
const STEPS = 5;
const POLECAT = "nux";
const PROGRESS_EDIT = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";
const DISPATCH = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches";

// Marks `<name> <epoch ms>` lines in a file, then runs the rest of its arguments with the same
// stdio; as `agent`, it also marks the moment the stream's `result` message goes by.
const WRAPPER = `
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
const [marks, mode, file, ...args] = process.argv.slice(2);
const mark = (name) => appendFileSync(marks, name + " " + Date.now() + "\\n");
mark(mode + "-start");
const child = spawn(file, args, { stdio: ["inherit", mode === "agent" ? "pipe" : "inherit", "inherit"] });
if (mode === "agent") {
  let pending = "";
  child.stdout.on("data", (chunk) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.startsWith('{"type":"result"')) mark("agent-result");
    process.stdout.write(chunk);
  });
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
`;

function formulaToml(): string {
  const steps = Array.from({ length: STEPS }, (_, i) => {
    const needs = i === 0 ? "" : `needs = ["step${i - 1}"]\n`;
    return `[[steps]]\nid = "step${i}"\ntitle = "Step ${i} of the feature"\n${needs}`;
  });
  return `formula = "bench-polecat"\ndescription = "Five steps for the polecat benchmark."\n\n${steps.join("\n")}`;
}

const build = spawnSync(process.execPath, ["scripts/build.ts"], { cwd: ROOT, stdio: "inherit" });
if (build.status !== 0) throw new Error("scripts/build.ts failed; fix the build, then run the benchmark");

const scratch = mkdtempSync(join(tmpdir(), "bench-polecat-"));
try {
  const wrapper = join(scratch, "mark.mjs");
  const marksFile = join(scratch, "marks.txt");
  writeFileSync(wrapper, WRAPPER);
  writeFileSync(marksFile, "");
  await withBenchTown(async ({ sim, town }) => {
    const repo = sim.state.repos.get("acme/bench");
    if (!repo) throw new Error("the bench repository is missing");
    const proto = cookFormulaSync({
      formula: parseFormula({ source: formulaToml(), path: "bench-polecat.formula.toml" }),
      vars: {},
    });
    const poured = await pourMolecule(town, { proto });
    const root = poured.root.number;
    const claim = await claimBead(town, { bead: root, polecat: POLECAT });
    if (!claim.claimed) throw new Error(`could not hook #${root} to ${POLECAT}`);
    sim.registerWorkflow(repo, {
      path: "polecat.yml",
      command: [process.execPath, wrapper, marksFile, "job", process.execPath, ENTRY],
      env: {
        "INPUT_GITHUB-TOKEN": sim.token({ kind: "installation" }),
        "INPUT_ANTHROPIC-API-KEY": "sk-ant-api03-bench-key-0123456789abcdef",
        INPUT_BEAD: String(root),
        INPUT_POLECAT: POLECAT,
        INPUT_ATTEMPT: "1",
        "INPUT_AGENT-COMMAND": `${process.execPath} ${wrapper} ${marksFile} agent ${process.execPath} ${STANDIN}`,
        "INPUT_MAX-TURNS": "50",
        CLAUDE_STANDIN_SCENARIO: "success",
      },
    });

    // The PR's moment: watched on the sim's state, which lives in this process.
    const branch = `polecat/${POLECAT}/${root}`;
    let prAt: number | null = null;
    const watch = setInterval(() => {
      if (prAt === null && [...repo.pulls.values()].some((p) => p.head_ref === branch)) prAt = Date.now();
    }, 2);
    const measured = await measure(sim, async () => {
      await town.octokit.rest.actions.createWorkflowDispatch({
        owner: "acme",
        repo: "bench",
        workflow_id: "polecat.yml",
        ref: "main",
      });
      await sim.idle();
    });
    clearInterval(watch);

    const run = [...repo.runs.values()].at(-1);
    if (!run) throw new Error("the dispatch started no run");
    const outputs = sim.runOutputs(run.id);
    if (outputs.status !== "done" || prAt === null) {
      throw new Error(
        `the polecat did not finish with a PR (status ${outputs.status ?? "none"}):\n${sim.runLog(run.id)}`,
      );
    }
    const marks = new Map(
      readFileSync(marksFile, "utf8")
        .trim()
        .split("\n")
        .map((line) => line.split(" ") as [string, string])
        .map(([name, at]) => [name, Number(at)]),
    );
    const at = (name: string) => {
      const value = marks.get(name);
      if (value === undefined) throw new Error(`the run never reached "${name}"`);
      return value;
    };
    const breakdown = { ...measured.breakdown };
    const progressEdits = breakdown[PROGRESS_EDIT] ?? 0;
    const jobRequests = measured.requests - (breakdown[DISPATCH] ?? 0);
    delete breakdown[DISPATCH];
    const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
    report(
      {
        bench: "polecat",
        steps: STEPS,
        setup_s: seconds(at("agent-start") - at("job-start")),
        agent_s: seconds(at("agent-result") - at("agent-start")),
        finish_s: seconds(prAt - at("agent-result")),
        total_s: seconds(measured.ms),
        requests: jobRequests - progressEdits,
        progress_edits: progressEdits,
        pr: Number(outputs["pr-number"]),
      },
      { breakdown },
    );
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
