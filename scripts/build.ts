// Bundles the runnable entries: the `gt` and `bd` binaries, the app for the Actions runtime,
// and the polecat action (committed under action/dist so `uses:` works without an install).
import { existsSync } from "node:fs";
import { chmod } from "node:fs/promises";
import { build } from "rolldown";

interface Entry {
  input: string;
  file: string;
  executable?: boolean;
}

const entries: Entry[] = [
  { input: "src/cli/gt.ts", file: "dist/gt.js", executable: true },
  { input: "src/cli/bd.ts", file: "dist/bd.js", executable: true },
  { input: "src/app/actions-entry.ts", file: "dist/app-actions.js" },
  { input: "action/src/run.ts", file: "action/dist/index.js" },
];

for (const entry of entries) {
  if (!existsSync(entry.input)) continue;
  await build({
    input: entry.input,
    platform: "node",
    logLevel: "warn",
    // bottleneck (under Octokit's throttling) loads its optional Redis drivers with a direct
    // `eval("require")`; it never runs here, so that one warning is noise.
    onLog(level, log, handler) {
      if (log.code === "EVAL" && log.id?.includes("node_modules/bottleneck/")) return;
      handler(level, log);
    },
    output: {
      file: entry.file,
      format: "esm",
      codeSplitting: false,
      ...(entry.executable ? { banner: "#!/usr/bin/env node" } : {}),
    },
  });
  if (entry.executable) await chmod(entry.file, 0o755);
}
