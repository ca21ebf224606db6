// `npm start`: the offline demo on the loopback GitHub when nothing is configured.
//
// It starts a GitHub on 127.0.0.1 (real git repositories, issues, dependencies, milestones,
// refs), then drives a small town through its day with the real `bd` and `gt` commands — the
// same code that runs against github.com, pointed at the loopback API. Nothing leaves the
// machine, and the sim is stopped (its files removed) when the demo ends, even on failure.
import { runCli } from "../src/cli/run.ts";
import { type Sim, startSim } from "../src/sim/index.ts";

const APP_VARIABLES = ["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET"] as const;

const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
const bold = (text: string) => (colour ? `\x1b[1m${text}\x1b[22m` : text);
const dim = (text: string) => (colour ? `\x1b[2m${text}\x1b[22m` : text);

interface Demo {
  sim: Sim;
  env: Record<string, string>;
}

/** Runs one command line, prints it and its output, and fails the demo on an unexpected code. */
async function step(demo: Demo, line: string, expect = 0): Promise<string> {
  const [program, ...args] = splitLine(line);
  if (program !== "gt" && program !== "bd") throw new Error(`demo step must start with gt or bd: ${line}`);
  console.log(bold(`$ ${line}`));
  const result = await runCli(program, args, { env: demo.env, cwd: process.cwd() });
  const output = `${result.stdout}${result.stderr}`.trimEnd();
  if (output) console.log(output);
  console.log();
  if (result.code !== expect) {
    throw new Error(`\`${line}\` exited ${result.code} (expected ${expect})`);
  }
  return result.stdout;
}

/** Splits a demo command line on spaces, keeping "quoted words" together. */
function splitLine(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
}

function heading(text: string): void {
  console.log(dim(`── ${text} ${"─".repeat(Math.max(0, 70 - text.length))}`));
}

async function runDemo(): Promise<void> {
  const sim = await startSim();
  try {
    const repo = await sim.createRepo({
      owner: "acme",
      name: "town",
      files: { "README.md": "# acme/town\n\nA repository run by Gas Town.\n" },
    });
    sim.setPermission(repo, "alice", "admin");
    const token = sim.token({ kind: "user", login: "alice" });
    const demo: Demo = {
      sim,
      env: {
        GITHUB_API_URL: sim.url,
        GITHUB_TOKEN: token,
        GASTOWN_REPO: "acme/town",
        GT_ADDRESS: "mayor/",
        NO_COLOR: colour ? "" : "1",
      },
    };
    console.log(`Loopback GitHub on ${sim.url} — repository acme/town, signed in as alice.\n`);

    heading("Set the town up: labels, colours, descriptions");
    await step(demo, "gt doctor --fix");

    heading("Beads are issues; dependencies are GitHub's own");
    await step(demo, 'bd create "Design the login form" --type feature --priority 1');
    await step(demo, 'bd create "Implement the login form" --type feature --priority 1 --deps 1');
    await step(demo, 'bd create "Write the login docs" --type chore --priority 3 --deps 2');
    await step(demo, 'bd create "Fix the flaky session test" --type bug --priority 0');
    await step(demo, "bd dep add 1 3", 1);
    await step(demo, "bd ready --explain");

    heading("A convoy (a milestone) tracks the feature");
    await step(demo, 'gt convoy create "Login" 1 2 3 --watcher @alice');

    heading("Hooks: five polecats race for bead 4, exactly one wins");
    const racers = ["nux", "slit", "furiosa", "capable", "toast"];
    const claims = await Promise.all(
      racers.map((polecat) =>
        runCli("gt", ["hook", "attach", "4", "--polecat", polecat, "--json"], { env: demo.env }),
      ),
    );
    racers.forEach((polecat, i) => {
      const claim = claims[i];
      const said = claim?.code === 0 ? "won the hook" : (claim?.stderr ?? "").split("\n")[0];
      console.log(`${polecat.padEnd(8)} exit ${claim?.code}  ${said}`);
    });
    const winners = claims.filter((c) => c.code === 0).length;
    console.log(`\n${winners} winner of ${racers.length} concurrent claims.\n`);
    if (winners !== 1) throw new Error(`expected exactly one winning claim, got ${winners}`);
    await step(demo, "gt hook show");

    heading("Mail is comments");
    await step(
      demo,
      'gt mail send town/witness -s "Login convoy" -m "Design is first; docs wait for the code."',
    );
    await step(demo, "gt mail inbox town/witness");

    heading("Closing a blocker makes the next bead ready");
    await step(demo, 'bd close 1 --reason "Mock-ups approved"');
    await step(demo, "bd ready");

    heading("A formula poured as a molecule: a root issue, one sub-issue per step");
    await step(demo, 'bd mol pour shiny --var "feature=password reset"');
    await step(demo, "gt mol current");

    heading("The convoy lands once, however often it is checked");
    await step(demo, "bd close 2 3");
    await step(demo, "gt convoy check");
    await step(demo, "gt convoy check");
    await step(demo, "gt status");

    await sim.idle();
    console.log(
      `The loopback GitHub served ${sim.state.totalRequests()} API requests. ` +
        "Run the same commands against github.com with GITHUB_TOKEN and --repo.",
    );
  } finally {
    await sim.stop();
  }
}

const hasKey = Boolean(process.env.PRIVATE_KEY || process.env.PRIVATE_KEY_PATH);
const configured = APP_VARIABLES.filter((name) =>
  name === "PRIVATE_KEY" ? hasKey : Boolean(process.env[name]),
);
if (configured.length === APP_VARIABLES.length) {
  const { runApp } = await import("./start-app.ts");
  await runApp();
} else {
  if (configured.length > 0) {
    const missing = APP_VARIABLES.filter((name) => !configured.includes(name));
    console.error(
      `Found ${configured.join(", ")} but not ${missing.join(", ")}: running the offline demo.\n` +
        `To run the GitHub App, set all of ${APP_VARIABLES.join(", ")} (or PRIVATE_KEY_PATH); see app.yml.\n`,
    );
  }
  try {
    await runDemo();
  } catch (error: unknown) {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
