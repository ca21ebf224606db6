// GitHub's size limits on text we write, checked before sending so a refusal is ours and clear,
// never a 422 half-way through a plan, and never a silent cut.
import { GastownError } from "./errors.ts";

/** GitHub refuses issue, comment, milestone and pull request bodies longer than this. */
export const GITHUB_BODY_LIMIT = 65_536;

const count = (n: number) => n.toLocaleString("en-US");

/** Null when GitHub will take `body`; otherwise an error saying by how much it is too long. */
export function checkBodyLength(body: string, what = "The comment"): GastownError | null {
  if (body.length <= GITHUB_BODY_LIMIT) return null;
  const over = body.length - GITHUB_BODY_LIMIT;
  return new GastownError(
    `${what} is ${count(body.length)} characters; GitHub allows at most ${count(GITHUB_BODY_LIMIT)} (${count(over)} too many).`,
    {
      code: "too-long",
      hint: "Shorten the body, or put the long part in a gist or an artifact and link to it. Nothing was sent.",
    },
  );
}
