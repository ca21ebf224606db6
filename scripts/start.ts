// `npm start`: the offline demo on the loopback GitHub when nothing is configured.
//
// It starts a GitHub on 127.0.0.1 (real git repositories, issues, dependencies, milestones,
// refs, CI), then drives a small town through its day with the real `bd` and `gt` commands — the
// same code that runs against github.com, pointed at the loopback API. Nothing leaves the
// machine, and the sim is stopped (its files removed) when the demo ends, even on failure.
import { runCli } from "../src/cli/run.ts";
import { Octokit } from "@octokit/rest";
import { type Sim, type SimRepo, startSim } from "../src/sim/index.ts";

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

/**
 * The refinery: three pull requests, one of which breaks CI, go through the merge queue. CI (a
 * command the loopback GitHub runs on every push to the staging branch) fails whenever a
 * `broken.txt` exists. The queue tests the three together, bisects the failure, lands the two good
 * ones on the commit CI passed and sends the third back with a reason.
 */
async function refineryDemo(demo: Demo, repo: SimRepo): Promise<void> {
  heading("The refinery: pull requests land only on a commit CI passed");
  const { sim } = demo;
  sim.setCi(repo, {
    name: "ci/test",
    command: [
      "sh",
      "-c",
      "if [ -e broken.txt ]; then echo 'broken.txt breaks the build'; exit 1; fi; echo ok",
    ],
    branches: ["gastown/staging"],
    pullRequests: false,
  });
  // Quiet: a 404 when asking whether a file exists yet is expected, not news.
  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const alice = new Octokit({ baseUrl: sim.url, auth: demo.env.GITHUB_TOKEN, log: quiet });
  const where = { owner: "acme", repo: "town" };
  const put = async (branch: string, path: string, text: string, message: string) => {
    const existing = await alice.rest.repos
      .getContent({ ...where, path, ref: branch })
      .then(({ data }) => (Array.isArray(data) ? undefined : data.sha))
      .catch(() => undefined);
    await alice.rest.repos.createOrUpdateFileContents({
      ...where,
      path,
      branch,
      message,
      content: Buffer.from(text).toString("base64"),
      ...(existing === undefined ? {} : { sha: existing }),
    });
  };
  await put(
    "main",
    ".github/gastown.yml",
    "refinery:\n  require_review: false\n  required_checks: [ci/test]\n",
    "Configure the refinery",
  );
  const main = (await alice.rest.git.getRef({ ...where, ref: "heads/main" })).data.object.sha;
  const changes = [
    { branch: "login-form", file: "login.txt", title: "Add the login form" },
    { branch: "session-fix", file: "broken.txt", title: "Rework the session store" },
    { branch: "login-docs", file: "docs.txt", title: "Document the login" },
  ];
  const numbers: number[] = [];
  for (const change of changes) {
    await alice.rest.git.createRef({ ...where, ref: `refs/heads/${change.branch}`, sha: main });
    await put(change.branch, change.file, `${change.title}\n`, change.title);
    const { data } = await alice.rest.pulls.create({
      ...where,
      head: change.branch,
      base: "main",
      title: change.title,
    });
    await alice.rest.issues.addLabels({ ...where, issue_number: data.number, labels: ["gt/queue"] });
    numbers.push(data.number);
  }
  console.log(
    `Opened ${numbers.map((n) => `#${n}`).join(", ")} and labelled them gt/queue; #${numbers[1]} breaks CI.\n`,
  );
  // The refinery acts as the app: its check runs and comments are a GitHub App's to write.
  const app = { ...demo, env: { ...demo.env, GITHUB_TOKEN: sim.token({ kind: "installation" }) } };
  for (let tick = 0; tick < 12; tick++) {
    const out = await step(app, "gt mq tick");
    await sim.idle();
    if (/^0 queued$/m.test(out) && !/^testing /m.test(out)) break;
  }
  await step(app, "gt mq list");
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

    await refineryDemo(demo, repo);

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
