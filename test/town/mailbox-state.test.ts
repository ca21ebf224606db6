// The read cursor of a mailbox, pure: reading in order moves the cursor, reading out of order
// waits in readAhead, archiving hides, and a damaged record reads as empty with the problem said.
import { describe, expect, it } from "vitest";
import {
  EMPTY_MAILBOX_STATE,
  isArchived,
  isRead,
  markArchived,
  markRead,
  readMailboxState,
  writeMailboxState,
} from "../../src/town/mailbox-state.ts";

const stream = [10, 20, 30, 40].map((id) => ({ id, createdAt: `2026-01-01T00:00:${id}Z` }));

describe("mailbox read state", () => {
  describe("when messages are read in order", () => {
    it("moves the cursor past them", () => {
      const state = markRead(EMPTY_MAILBOX_STATE, [10, 20], stream);
      expect(state.cursor).toEqual({ id: 20, at: "2026-01-01T00:00:20Z" });
      expect(state.readAhead).toEqual([]);
      expect([10, 20, 30].map((id) => isRead(state, id))).toEqual([true, true, false]);
    });
  });

  describe("when a later message is read first", () => {
    it("keeps it ahead of the cursor until the gap is read", () => {
      const ahead = markRead(EMPTY_MAILBOX_STATE, [30], stream);
      expect(ahead).toMatchObject({ cursor: null, readAhead: [30] });
      expect(isRead(ahead, 30)).toBe(true);
      const closed = markRead(ahead, [10, 20], stream);
      expect(closed).toMatchObject({ cursor: { id: 30 }, readAhead: [] });
    });
  });

  describe("when messages are archived", () => {
    it("reads and hides them, with their own cursor", () => {
      const state = markArchived(EMPTY_MAILBOX_STATE, [10, 30], stream);
      expect(state).toMatchObject({
        cursor: { id: 10 },
        readAhead: [30],
        archiveCursor: { id: 10 },
        archived: [30],
      });
      expect([10, 20, 30].map((id) => isArchived(state, id))).toEqual([true, false, true]);
    });
  });

  describe("when the state is stored in bead metadata", () => {
    it("round-trips and keeps other fields", () => {
      const state = markRead(EMPTY_MAILBOX_STATE, [10], stream);
      const metadata = writeMailboxState({ attempt: 2, others: { keep: true } }, state);
      expect(metadata).toMatchObject({ attempt: 2, others: { keep: true } });
      expect(readMailboxState(metadata)).toEqual({ state, problem: null });
    });

    it("reads a damaged record as empty and says so", () => {
      const read = readMailboxState({ others: { mail: { cursor: { id: "ten" } } } });
      expect(read.state).toEqual(EMPTY_MAILBOX_STATE);
      expect(read.problem).toMatch(/read state is damaged \(cursor.id/);
    });
  });
});
