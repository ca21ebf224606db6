// The bundled binaries as real processes: `npm run build` produces dist/bd.js and dist/gt.js,
// which print their help, and run a small town against the loopback GitHub exactly as a user's
// shell would (environment in, text and exit code out): three beads with dependencies, a convoy
// that lands once however often its closing is seen, 30 concurrent claims of one bead, and the
// token and repository found the way a terminal finds them (`gh auth token`, the origin remote).
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRepoComments } from "../../src/town/repo-comments.ts";
import { startTown, type TestTown } from "../town/helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

let t: TestTown;
let env: Record<string, string>;

const bin = (
  name: "bd" | "gt",
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
) =>
  execa(process.execPath, [join(ROOT, "dist", `${name}.js`), ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? env,
    extendEnv: false,
    reject: false,
  });

async function createBead(args: readonly string[]): Promise<number> {
  const result = await bin("bd", ["create", ...args, "--json"]);
  expect(result.exitCode, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { number: number }).number;
}

beforeAll(async () => {
  await execa(process.execPath, ["scripts/build.ts"], { cwd: ROOT });
  t = await startTown();
  env = {
    PATH: process.env.PATH ?? "",
    GITHUB_TOKEN: t.sim.token({ kind: "installation" }),
    GASTOWN_REPO: `acme/${t.repo.name}`,
    GITHUB_API_URL: t.sim.url,
  };
}, 180_000);

afterAll(async () => {
  await t?.stop();
});

describe("the built binaries", () => {
  it("print their help and exit 0", async () => {
    const bd = await bin("bd", ["--help"]);
    expect(bd.exitCode).toBe(0);
    expect(bd.stdout).toContain("Usage: bd [options] [command]");
    expect(bd.stdout).toContain("ready [options]");
    const gt = await bin("gt", ["--help"]);
    expect(gt.exitCode).toBe(0);
    expect(gt.stdout).toContain("convoy");
  });

  describe("when three beads depend on each other", () => {
    it("shows the right one ready, and the next once its blocker closes", async () => {
      const first = await createBead(["Lay the track"]);
      const second = await createBead(["Run the train", "--deps", String(first)]);
      await createBead(["Sell tickets", "--deps", String(second)]);

      const ready = await bin("bd", ["ready"]);
      expect(ready.exitCode).toBe(0);
      expect(ready.stdout.trim().split("\n")).toHaveLength(1);
      expect(ready.stdout).toContain(`#${first}`);

      expect((await bin("bd", ["close", String(first)])).exitCode).toBe(0);
      const next = await bin("bd", ["ready"]);
      expect(next.stdout.trim().split("\n")).toHaveLength(1);
      expect(next.stdout).toContain(`#${second}`);
    });
  });

  describe("when a convoy's closing events are seen again and again", () => {
    it("lands it once, with one notification that @mentions the human watcher", async () => {
      const paint = await createBead(["Paint the station"]);
      const signs = await createBead(["Hang the signs"]);
      const created = await bin("gt", [
        "convoy",
        "create",
        "Station",
        String(paint),
        String(signs),
        "--owner",
        "mayor/",
        "--watcher",
        "@alice",
        "--json",
      ]);
      expect(created.exitCode, created.stderr).toBe(0);
      const convoy = (JSON.parse(created.stdout) as { convoy: { number: number } }).convoy.number;

      expect((await bin("bd", ["close", String(paint), String(signs)])).exitCode).toBe(0);
      // Each closing event is delivered three times, and each delivery runs a check: six checks
      // at once, then the closes arrive again, then more checks one after another.
      const checks = await Promise.all(
        Array.from({ length: 6 }, () => bin("gt", ["convoy", "check", String(convoy)])),
      );
      expect(checks.map((check) => check.exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(checks.filter((check) => check.stdout.includes("landed and told mayor/, @alice"))).toHaveLength(
        1,
      );
      const again = await bin("bd", ["close", String(paint), String(signs)]);
      expect(again.stdout).toContain("(already closed)");
      for (let i = 0; i < 2; i++) {
        const late = await bin("gt", ["convoy", "check", String(convoy)]);
        expect(late.stdout).toBe(`${convoy} Station: already landed`);
      }

      const notices = (await listRepoComments(t.town)).filter((c) =>
        c.body.includes("Convoy landed: Station"),
      );
      expect(notices).toHaveLength(1);
      expect(notices[0]?.body).toContain("cc @alice");
      const inbox = await bin("gt", ["mail", "inbox", "mayor/", "--json"]);
      const subjects = (
        JSON.parse(inbox.stdout) as { entries: Array<{ message: { envelope: { subject: string } } }> }
      ).entries.map((entry) => entry.message.envelope.subject);
      expect(subjects).toEqual(["🚚 Convoy landed: Station"]);
      const list = await bin("gt", ["convoy", "list", "--all"]);
      expect(list.stdout).toContain("Station (landed)");
    }, 180_000);
  });

  describe("when 30 polecats claim one bead at once", () => {
    it("gives it to exactly one, and tells every other who holds it", async () => {
      const bead = await createBead(["Contested signal box"]);
      const claims = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          bin("gt", ["hook", "attach", String(bead), "--polecat", `cat${i}`]),
        ),
      );
      const winners = claims.filter((claim) => claim.exitCode === 0);
      expect(winners).toHaveLength(1);
      const holder = /on (cat\d+) \(attempt 1\)/.exec(winners[0]?.stdout ?? "")?.[1];
      expect(holder).toBeDefined();
      const losers = claims.filter((claim) => claim.exitCode !== 0);
      expect(losers).toHaveLength(29);
      for (const loser of losers) {
        expect(loser.exitCode).toBe(1);
        expect(loser.stderr).toContain(`error: #${bead} is already on a hook: ${holder} (attempt 1)`);
        expect(loser.stderr).toContain(
          `hint: Pick another bead (bd ready), or release it first with gt hook detach ${bead}.`,
        );
      }
      const shown = await bin("gt", ["hook", "show", String(bead), "--json"]);
      expect(JSON.parse(shown.stdout)).toMatchObject({
        claim: { held: true, holder: { polecat: holder, attempt: 1 } },
        bead: { status: "hooked", metadata: { polecat: holder, attempt: 1 } },
      });
    }, 240_000);
  });

  describe("when run in a clone with gh logged in", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "gastown-cli-"));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("takes the token from `gh auth token` and the repository from the origin remote", async () => {
      const binDir = join(dir, "bin");
      const clone = join(dir, "clone");
      await mkdir(binDir);
      await mkdir(clone);
      // A stand-in for the GitHub CLI that knows one command.
      await writeFile(
        join(binDir, "gh"),
        `#!/bin/sh\necho "$@" >> "${join(dir, "gh-calls")}"\nif [ "$1" = auth ] && [ "$2" = token ]; then echo "${env.GITHUB_TOKEN}"; exit 0; fi\nexit 1\n`,
      );
      await chmod(join(binDir, "gh"), 0o755);
      const shell = { PATH: `${binDir}:${process.env.PATH ?? ""}`, HOME: dir };
      await execa("git", ["init", "-q"], { cwd: clone, env: shell, extendEnv: false });
      await execa("git", ["remote", "add", "origin", `${t.sim.url}/acme/${t.repo.name}.git`], {
        cwd: clone,
        env: shell,
        extendEnv: false,
      });

      const bead = await createBead(["Found from the clone"]);
      const result = await bin("bd", ["show", String(bead), "--json", "--api-url", t.sim.url], {
        cwd: clone,
        env: shell,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as { bead: { title: string } }).bead.title).toBe(
        "Found from the clone",
      );
      // The loopback GitHub is no github.com, so gh is asked for that host's token.
      const calls = await readFile(join(dir, "gh-calls"), "utf8");
      expect(calls).toBe(`auth token --hostname ${new URL(t.sim.url).host}\n`);

      // Logged out of gh, and no token in the environment: a clear answer, nothing read.
      const loggedOut = join(dir, "logged-out");
      await mkdir(loggedOut);
      await writeFile(
        join(loggedOut, "gh"),
        "#!/bin/sh\necho 'You are not logged into any GitHub hosts.' >&2\nexit 1\n",
      );
      await chmod(join(loggedOut, "gh"), 0o755);
      const noToken = await bin("bd", ["show", String(bead)], {
        cwd: clone,
        env: { PATH: `${loggedOut}:${process.env.PATH ?? ""}`, HOME: dir, GITHUB_API_URL: t.sim.url },
      });
      expect(noToken.exitCode).toBe(1);
      expect(noToken.stderr).toBe(
        "error: No GitHub token found.\nhint: Set GITHUB_TOKEN (or GH_TOKEN) to a token with Issues and Contents access, or log in with `gh auth login`.",
      );
    });
  });

  describe("when used wrongly", () => {
    it("exits 2 for usage and 1 for a failure, with error and hint on stderr", async () => {
      const usage = await bin("bd", ["show"]);
      expect(usage.exitCode).toBe(2);
      expect(usage.stderr).toContain("error: missing required argument 'bead'");
      const failure = await bin("gt", ["convoy", "status", "99"]);
      expect(failure.exitCode).toBe(1);
      expect(failure.stderr).toMatch(/^error: .*\nhint: /);
    });
  });
});
