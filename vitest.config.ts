import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// CI asks for a JSON report beside the console one, to print its summary line.
const report = process.env.GASTOWN_TEST_REPORT;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most suites wait on git processes and loopback HTTP rather than the CPU, so run more
    // files at once than vitest's default (cores - 1, which is one worker on a 2-core runner).
    maxWorkers: Math.max(3, availableParallelism()),
    reporters: report ? ["default", ["json", { outputFile: report }]] : ["default"],
  },
});
