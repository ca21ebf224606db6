import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cherryPickOnto,
  commitFiles,
  createTag,
  diffFiles,
  initBareRepo,
  isAncestor,
  listRefs,
  listTree,
  mergeTrees,
  commitTree,
  readBlob,
  readCommit,
  readTag,
  resolveRef,
  revList,
  updateRef,
  deleteRef,
  ZERO,
} from "../../src/sim/git.ts";

describe("the sim's git library", () => {
  let root: string;
  let gitDir: string;
  let initial: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "git-lib-test-"));
    gitDir = join(root, "repo.git");
    initial = await initBareRepo({
      gitDir,
      branch: "main",
      files: { "README.md": "# hi\n", "src/a.txt": "a\n" },
    });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates a bare repo whose default branch holds the initial files", async () => {
    expect(await resolveRef(gitDir, "refs/heads/main")).toBe(initial);
    expect((await readBlob(gitDir, "main", "README.md"))?.toString()).toBe("# hi\n");
    const root = await listTree(gitDir, "main", "");
    expect(root?.map((e) => `${e.type}:${e.path}`)).toEqual(["blob:README.md", "tree:src"]);
    expect(await readBlob(gitDir, "main", "missing.txt")).toBeUndefined();
    expect(await listTree(gitDir, "main", "README.md")).toBeUndefined();
  });

  it("commits changes and deletions on top of a parent", async () => {
    const next = await commitFiles({
      gitDir,
      parent: initial,
      files: { "README.md": null, "docs/guide.md": "guide\n" },
      message: "move docs",
    });
    expect(await readBlob(gitDir, next, "README.md")).toBeUndefined();
    expect((await readBlob(gitDir, next, "docs/guide.md"))?.toString()).toBe("guide\n");
    expect((await readBlob(gitDir, next, "src/a.txt"))?.toString()).toBe("a\n");
    expect((await readCommit(gitDir, next))?.parents).toEqual([initial]);
  });

  describe("when refs are updated concurrently", () => {
    it("lets exactly one of many creators of the same ref win", async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          updateRef({ gitDir, ref: "refs/gastown/hooks/1", sha: initial, expected: ZERO }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      for (const loser of results.filter((r) => !r.ok))
        expect(loser).toEqual({ ok: false, current: initial });
    });

    it("refuses a compare-and-swap whose expected value is stale", async () => {
      const next = await commitFiles({ gitDir, parent: initial, files: { "b.txt": "b\n" }, message: "b" });
      expect(await updateRef({ gitDir, ref: "refs/heads/cas", sha: initial, expected: ZERO })).toEqual({
        ok: true,
      });
      expect(await updateRef({ gitDir, ref: "refs/heads/cas", sha: next, expected: next })).toEqual({
        ok: false,
        current: initial,
      });
      expect(await deleteRef({ gitDir, ref: "refs/heads/cas", expected: initial })).toEqual({ ok: true });
      expect(await resolveRef(gitDir, "refs/heads/cas")).toBeUndefined();
    });
  });

  it("writes and reads annotated tags that refs can point at", async () => {
    const tag = await createTag({ gitDir, tag: "hook-7", object: initial, message: '{"polecat":"nux"}' });
    expect(await updateRef({ gitDir, ref: "refs/gastown/hooks/7", sha: tag, expected: ZERO })).toEqual({
      ok: true,
    });
    const refs = await listRefs(gitDir, "refs/gastown/");
    expect(refs).toContainEqual({ ref: "refs/gastown/hooks/7", sha: tag, type: "tag" });
    const read = await readTag(gitDir, tag);
    expect(read).toMatchObject({
      tag: "hook-7",
      object: initial,
      type: "commit",
      message: '{"polecat":"nux"}\n',
    });
  });

  describe("when merging", () => {
    it("merges disjoint changes cleanly and reports conflicting paths", async () => {
      const left = await commitFiles({
        gitDir,
        parent: initial,
        files: { "src/a.txt": "left\n" },
        message: "left",
      });
      const right = await commitFiles({
        gitDir,
        parent: initial,
        files: { "src/a.txt": "right\n" },
        message: "right",
      });
      const other = await commitFiles({
        gitDir,
        parent: initial,
        files: { "c.txt": "c\n" },
        message: "other",
      });
      expect(await mergeTrees(gitDir, left, right)).toEqual({ clean: false, conflicts: ["src/a.txt"] });
      const merged = await mergeTrees(gitDir, left, other);
      expect(merged.clean).toBe(true);
      if (!merged.clean) return;
      const commit = await commitTree({
        gitDir,
        tree: merged.tree,
        parents: [left, other],
        message: "Merge",
      });
      const info = await readCommit(gitDir, commit);
      expect(info?.parents).toEqual([left, other]);
      expect(await isAncestor(gitDir, other, commit)).toBe(true);
      expect(await isAncestor(gitDir, commit, other)).toBe(false);
      expect(await revList(gitDir, left, commit)).toEqual([other, commit]);
      expect(await diffFiles(gitDir, initial, commit)).toEqual([
        { filename: "c.txt", status: "added", additions: 1, deletions: 0 },
        { filename: "src/a.txt", status: "modified", additions: 1, deletions: 1 },
      ]);
    });

    it("replays commits onto another base, keeping messages, and stops at a conflict", async () => {
      const base = await commitFiles({
        gitDir,
        parent: initial,
        files: { "d.txt": "d\n" },
        message: "base moves",
      });
      const one = await commitFiles({ gitDir, parent: initial, files: { "e.txt": "e\n" }, message: "add e" });
      const picked = await cherryPickOnto({ gitDir, onto: base, commits: [one] });
      expect(picked.clean).toBe(true);
      if (!picked.clean) return;
      const info = await readCommit(gitDir, picked.sha);
      expect(info?.parents).toEqual([base]);
      expect(info?.message).toBe("add e\n");

      const clash = await commitFiles({
        gitDir,
        parent: initial,
        files: { "d.txt": "other\n" },
        message: "clash",
      });
      expect(await cherryPickOnto({ gitDir, onto: base, commits: [clash] })).toEqual({
        clean: false,
        conflicts: ["d.txt"],
      });
    });
  });
});
