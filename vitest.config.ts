import { defineConfig } from "vitest/config";

// CI asks for a JSON report beside the console one, to print its summary line.
const report = process.env.GASTOWN_TEST_REPORT;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: report ? ["default", ["json", { outputFile: report }]] : ["default"],
  },
});
