import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ACTION_README,
  ACTION_YML,
  readActionMetadata,
  renderInputsTable,
  updateReadme,
} from "../../scripts/action-docs.ts";
import { FINAL_STATUSES } from "../../src/runner/status.ts";

const yamlText = await readFile(ACTION_YML, "utf8");
const metadata = readActionMetadata(yamlText);

describe("action/action.yml", () => {
  it("runs the bundled entry on Node 24", () => {
    expect((parse(yamlText) as { runs: unknown }).runs).toEqual({ using: "node24", main: "dist/index.js" });
  });

  it("takes the polecat's kebab-case inputs", () => {
    expect(Object.keys(metadata.inputs)).toEqual([
      "github-token",
      "anthropic-api-key",
      "claude-code-oauth-token",
      "bead",
      "polecat",
      "formula",
      "vars",
      "attempt",
      "model",
      "max-turns",
      "allowed-tools",
      "agent-command",
      "time-limit",
      "base-branch",
    ]);
    expect(metadata.inputs["agent-command"]?.default).toBe("claude");
    expect(
      Object.entries(metadata.inputs)
        .filter(([, input]) => input.required)
        .map(([name]) => name),
    ).toEqual(["github-token", "bead", "polecat"]);
  });

  it("sets the outputs a workflow reads, and names every status", () => {
    expect(Object.keys(metadata.outputs)).toEqual([
      "status",
      "pr-number",
      "pr-url",
      "branch",
      "turns",
      "cost-usd",
      "duration-s",
    ]);
    for (const status of FINAL_STATUSES) expect(metadata.outputs.status?.description).toContain(status);
  });
});

describe("action/README.md", () => {
  it("has inputs and outputs tables that match action.yml (npm run action:docs)", async () => {
    const readme = await readFile(ACTION_README, "utf8");
    expect(updateReadme(readme, metadata)).toBe(readme);
  });

  it("would be rewritten when action.yml changes", async () => {
    const readme = await readFile(ACTION_README, "utf8");
    const changed = {
      ...metadata,
      inputs: { ...metadata.inputs, extra: { description: "A new | input <x>", required: false } },
    };
    const updated = updateReadme(readme, changed);
    expect(updated).not.toBe(readme);
    expect(updated).toContain("| `extra` | no |  | A new \\| input &lt;x&gt; |");
  });

  it("refuses a README without the markers", () => {
    expect(() => updateReadme("# no tables", metadata)).toThrow(
      "action/README.md needs the markers <!-- action-docs:inputs --> and <!-- /action-docs:inputs -->, in that order.",
    );
  });

  it("renders defaults as code and escapes what would break a cell", () => {
    const table = renderInputsTable({
      inputs: { x: { description: "a\nb", required: true, default: "a`b" } },
      outputs: {},
    });
    expect(table.split("\n")[2]).toBe("| `x` | yes | ``a`b`` | a b |");
  });
});
