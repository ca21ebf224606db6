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
    output: {
      file: entry.file,
      format: "esm",
      inlineDynamicImports: true,
      ...(entry.executable ? { banner: "#!/usr/bin/env node" } : {}),
    },
  });
  if (entry.executable) await chmod(entry.file, 0o755);
}
