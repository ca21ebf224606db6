// The bundled binaries as real processes: `npm run build` produces dist/bd.js and dist/gt.js,
// which print their help, and run a small town against the loopback GitHub exactly as a user's
// shell would (environment in, text and exit code out).
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTown, type TestTown } from "../town/helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

let t: TestTown;
let env: Record<string, string>;

const bin = (name: "bd" | "gt", args: readonly string[]) =>
  execa(process.execPath, [`dist/${name}.js`, ...args], { cwd: ROOT, env, extendEnv: false, reject: false });

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
      const create = async (args: string[]) => {
        const result = await bin("bd", ["create", ...args, "--json"]);
        expect(result.exitCode).toBe(0);
        return (JSON.parse(result.stdout) as { number: number }).number;
      };
      const first = await create(["Lay the track"]);
      const second = await create(["Run the train", "--deps", String(first)]);
      await create(["Sell tickets", "--deps", String(second)]);

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
