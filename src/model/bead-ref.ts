// How people name a bead: `123`, `#123`, `owner/repo#123`, an issue URL, or the rig's prefix form
// `gt-123` (DESIGN §3). One parser, so the CLI, slash commands and mail all accept the same.
import { fail, GastownError, ok, type Result } from "./errors.ts";

/** A bead named by a person; `repo` (`owner/name`) is absent when the text named none. */
export interface BeadRef {
  number: number;
  repo?: string;
}

export interface ParseBeadRefOptions {
  /** The rig's id prefix (`gt` accepts `gt-123`); any lowercase prefix is accepted when absent. */
  prefix?: string;
}

const NAME = "[A-Za-z0-9_.-]+";
const FORMS: ReadonlyArray<{ pattern: RegExp; repo: boolean }> = [
  { pattern: /^#?([1-9][0-9]*)$/, repo: false },
  { pattern: new RegExp(`^(${NAME}/${NAME})#([1-9][0-9]*)$`), repo: true },
  {
    pattern: new RegExp(
      `^https?://[^/]+/(?:api/v3/repos/)?(${NAME}/${NAME})/issues/([1-9][0-9]*)(?:[/?#].*)?$`,
    ),
    repo: true,
  },
];

/** Parses a bead id. Fails with a message listing the accepted forms. */
export function parseBeadRef(text: string, options: ParseBeadRefOptions = {}): Result<BeadRef> {
  const input = text.trim();
  for (const { pattern, repo } of FORMS) {
    const match = pattern.exec(input);
    if (!match) continue;
    if (!repo) return ok({ number: Number(match[1]) });
    return ok({ repo: match[1] as string, number: Number(match[2]) });
  }
  const prefixed = /^([a-z][a-z0-9]*)-([1-9][0-9]*)$/i.exec(input);
  if (
    prefixed &&
    (options.prefix === undefined || prefixed[1]?.toLowerCase() === options.prefix.toLowerCase())
  ) {
    return ok({ number: Number(prefixed[2]) });
  }
  const forms = `123, #123, owner/repo#123, an issue URL${options.prefix ? ` or ${options.prefix}-123` : " or <prefix>-123"}`;
  return fail(
    new GastownError(`"${text}" is not a bead id.`, {
      code: "bad-input",
      hint: `Name a bead as ${forms}.`,
    }),
  );
}

/** `#12` within its repo, `owner/name#12` across repos. */
export function formatBeadRef(ref: BeadRef, currentRepo?: string): string {
  return ref.repo && ref.repo !== currentRepo ? `${ref.repo}#${ref.number}` : `#${ref.number}`;
}
