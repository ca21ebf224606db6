// A wisp's steps live in its body as a task list, `- [ ] step-id: title`. People tick boxes in
// GitHub's UI and `gt mol step done` ticks them through the API; both edit the same lines, so the
// body is the one record of what is done.

/** One checklist line as read from a body. */
export interface ChecklistItem {
  id: string;
  title: string;
  done: boolean;
  /** The line's index in the body. */
  line: number;
}

const ITEM = /^(\s*[-*+]\s+\[)([ xX])(\]\s+)([^\s:]+):[ \t]?(.*)$/;

/** The checklist items of a body, in order; other lines are ignored. */
export function parseChecklist(text: string): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  text.split("\n").forEach((raw, line) => {
    const match = ITEM.exec(raw.replace(/\r$/, ""));
    if (match) {
      items.push({
        id: match[4] as string,
        title: (match[5] as string).trim(),
        done: match[2] !== " ",
        line,
      });
    }
  });
  return items;
}

/**
 * The body with `stepId`'s box ticked (every line naming it, should a human have copied one),
 * or undefined when no line names the step.
 */
export function tickChecklist(text: string, stepId: string): string | undefined {
  let found = false;
  const lines = text.split("\n").map((raw) => {
    const match = ITEM.exec(raw.replace(/\r$/, ""));
    if (!match || match[4] !== stepId) return raw;
    found = true;
    return raw.replace(ITEM, (_all, open: string, _mark: string, close: string, id: string, title: string) =>
      `${open}x${close}${id}: ${title}`.trimEnd(),
    );
  });
  return found ? lines.join("\n") : undefined;
}
