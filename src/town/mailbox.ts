// Mailbox issues: one per address, titled `Mailbox: <address>`, typed `mailbox` (so it never
// shows as ready work), created on first use. It receives mail not tied to a bead and keeps its
// owner's read state in its metadata block.
import { closeBead as closeIssue, createBead as createIssue, listBeads } from "../github/issues.ts";
import {
  type Address,
  addressFromMailboxTitle,
  formatAddress,
  mailboxTitle,
  sameAddress,
} from "../model/address.ts";
import type { Bead } from "../model/bead.ts";
import { logOf, type TownContext } from "./context.ts";
import { taxonomyOf } from "./labels.ts";

/** Every mailbox issue of the repository (open and closed), oldest first. */
export async function listMailboxes(town: TownContext): Promise<Array<{ address: Address; bead: Bead }>> {
  const beads = await listBeads(town, { state: "all", labels: [taxonomyOf(town).type.mailbox] });
  return beads
    .flatMap((bead) => {
      const address = addressFromMailboxTitle(bead.title);
      return address ? [{ address, bead }] : [];
    })
    .sort((a, b) => a.bead.number - b.bead.number);
}

/** Picks an address's mailbox among several: open before closed, then the oldest. */
function pick(candidates: readonly Bead[]): Bead | null {
  const open = candidates.filter((bead) => bead.status !== "closed");
  return (open.length > 0 ? open : candidates).reduce<Bead | null>(
    (best, bead) => (best === null || bead.number < best.number ? bead : best),
    null,
  );
}

/** The address's mailbox, or null when it has none yet. One paginated list of mailboxes. */
export async function findMailbox(town: TownContext, address: Address): Promise<Bead | null> {
  const all = await listMailboxes(town);
  return pick(all.filter((entry) => sameAddress(entry.address, address)).map((entry) => entry.bead));
}

function mailboxBody(address: Address): string {
  return [
    `Mail for \`${formatAddress(address)}\` arrives here as comments; mail about a bead goes on the bead.`,
    "",
    `Read it with \`gt mail inbox ${formatAddress(address)}\`. The hidden block below keeps the read cursor: please leave it in place.`,
  ].join("\n");
}

/**
 * The address's mailbox, created when missing. Two first sends at the same moment can both
 * create one; the later is closed as a duplicate of the earlier, so every sender converges on the
 * oldest (`gt doctor` reports any left over).
 */
export async function ensureMailbox(town: TownContext, address: Address): Promise<Bead> {
  const existing = await findMailbox(town, address);
  if (existing) return existing;
  const created = await createIssue(town, {
    title: mailboxTitle(address),
    body: mailboxBody(address),
    type: "mailbox",
  });
  logOf(town).info({ mailbox: created.number, address: formatAddress(address) }, "mailbox created");
  const winner = await findMailbox(town, address);
  if (winner && winner.number !== created.number) {
    await closeIssue(town, { number: created.number, reason: "duplicate" });
    return winner;
  }
  return created;
}
