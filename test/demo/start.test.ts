import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";

function runStart(
  env: Record<string, string | undefined>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["scripts/start.ts"],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("npm start", () => {
  describe("when nothing is configured", () => {
    it("runs the offline demo on the loopback GitHub to the end", async () => {
      const result = await runStart({});
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Loopback GitHub on http://127.0.0.1:");
      expect(result.stdout).toContain("would make a dependency cycle");
      expect(result.stdout).toContain("1 winner of 5 concurrent claims.");
      expect(result.stdout).toContain("Poured shiny as molecule");
      expect(result.stdout).toMatch(/Login: landed and told/);
      // The refinery lands the two good pull requests on the commit CI passed and sends one back.
      expect(result.stdout).toMatch(
        /#\d+ merged in [0-9a-f]{7}\n#\d+ merged in [0-9a-f]{7}\n#\d+ left the queue \(checks-failed\)/,
      );
      expect(result.stdout).toMatch(/checks failed on [0-9a-f]{7} — push a fix or \/queue/);
      expect(result.stdout).toMatch(/served \d+ API requests/);
    });
  });

  describe("when only some app credentials are set", () => {
    it("says which are missing and still runs the demo", async () => {
      const result = await runStart({ APP_ID: "123" });
      expect(result.stderr).toContain("Found APP_ID but not PRIVATE_KEY, WEBHOOK_SECRET");
      expect(result.code).toBe(0);
    });
  });
});
